"""Simulated dashboard users for bench/load.py: Streamlit's own websocket protocol, no browser."""
