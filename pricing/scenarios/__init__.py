"""Scenarios: saved, compared and stored, and the sensitivity of a plan to its inputs."""
