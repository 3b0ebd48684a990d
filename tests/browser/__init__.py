"""Tests in a real browser (headless Chromium) against a running server."""
