"""Scenarios: saved, compared and stored."""
