"""Tests of pricing/outputs: the plan's files and workbook."""
