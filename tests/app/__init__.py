"""Tests of the pages and ui/ under Streamlit's AppTest."""
