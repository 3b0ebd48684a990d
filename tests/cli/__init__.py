"""Tests of pricing/cli: the command line as a user runs it."""
