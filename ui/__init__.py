"""Streamlit-side helpers: database connection, translations, formatting, chart builders."""
