"""Users, sign-in (hashed passwords, lock-out) and the append-only audit log. No Streamlit here."""
