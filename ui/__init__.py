"""Streamlit-side helpers: cached wrappers around the pricing core and shared widgets."""
