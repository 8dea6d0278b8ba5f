"""The meeting pack: the 数据会商 briefing (.docx), its Excel pack, and chart images. No Streamlit here."""
