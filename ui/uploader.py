"""A file uploader whose box speaks the interface's language: Streamlit writes its button
("Upload") and its limit ("200MB per file • CSV") in English only, so both are drawn over by
CSS with our texts (present/text.py). The hidden English has font size 0, so the page's measure
for paragraphs (ui/style.py, in em) would make its box 0 wide: lifted here."""
from __future__ import annotations

import json

import streamlit as st

from .i18n import t


def _css_text(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a CSS string: JSON's quoting is CSS's for these


def file_uploader(label: str, types: list[str], key: str, **kwargs):
    """st.file_uploader (`label` already plain text) with the button and the limit in our words."""
    limit = st.get_option("server.maxUploadSize")
    note = t("upload_limit", mb=limit, types=" / ".join(x.upper() for x in types))
    box = f".st-key-{key} [data-testid='stFileUploaderDropzone']"
    st.html(f"""<style>
{box} button [data-testid='stMarkdownContainer'] p {{font-size: 0; max-width: none;}}
{box} button [data-testid='stMarkdownContainer'] p::after {{content: {_css_text(t("upload_button"))};
  font-size: 0.875rem;}}
{box} [data-testid='stFileUploaderDropzoneInstructions'] span {{font-size: 0;}}
{box} [data-testid='stFileUploaderDropzoneInstructions'] span::after {{content: {_css_text(note)}; font-size: 0.75rem;}}
</style>""")
    return st.file_uploader(label, type=types, key=key, **kwargs)
