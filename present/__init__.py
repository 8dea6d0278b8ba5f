"""Presentation without Streamlit: number formats, colours, the translation catalogue, written summaries.

Shared by the dashboard (ui/ and its pages) and the documents (report/)."""
