"""Entry script: page settings and navigation; each page is a file in pages/."""

import analysis
import streamlit as st

APP_TITLE = "Виртуальный офис — Россети Московский регион"

CLIENT_PAGES = [
    st.Page("pages/chat.py", title="Чат", icon=":material/chat:", default=True),
]
# Shown in the menu after an analyst logs in; each page also checks the login itself.
ANALYST_PAGES = [
    st.Page("pages/coverage.py", title="Покрытие тем", icon=":material/insights:",
            url_path="coverage"),
    st.Page("pages/unresolved.py", title="Нерешённые вопросы",
            icon=":material/help_center:", url_path="unresolved"),
    st.Page("pages/quality.py", title="Качество модели", icon=":material/analytics:",
            url_path="quality"),
]
LOGIN_PAGE = st.Page("pages/login.py", title="Вход для аналитиков",
                     icon=":material/login:", url_path="login")

analyst = analysis.current_analyst()
if analyst:
    # The login page stays: it is where the analyst lands right after logging in.
    page = st.navigation({"Клиентам": CLIENT_PAGES, "Аналитика": ANALYST_PAGES + [LOGIN_PAGE]})
else:
    # Clients see no menu at all; analysts open /login by its address.
    page = st.navigation(CLIENT_PAGES + [LOGIN_PAGE], position="hidden")
# After st.navigation, so the app's name rather than the page's shows in the tab.
layout = "wide" if page in ANALYST_PAGES else "centered"
st.set_page_config(page_title=APP_TITLE, page_icon="⚡", layout=layout)
if analyst:
    analysis.show_account(analyst)
page.run()
