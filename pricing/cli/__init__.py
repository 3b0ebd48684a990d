"""The command line: ``python -m pricing``."""
