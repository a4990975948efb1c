"""Entry script: page settings and navigation; each page is a file in pages/."""

import streamlit as st

APP_TITLE = "Виртуальный офис — Россети Московский регион"

# Sections of the navigation menu; analyst pages join as a section of their own.
PAGES = {
    "Клиентам": [
        st.Page("pages/chat.py", title="Чат", icon=":material/chat:", default=True),
    ],
}

page = st.navigation(PAGES)
# After st.navigation, so the app's name rather than the page's shows in the tab.
st.set_page_config(page_title=APP_TITLE, page_icon="⚡", layout="centered")
page.run()
