"""Tests of pricing/inputs: the catalogue, files and the bounds every input is held to."""
