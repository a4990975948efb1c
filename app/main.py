"""Entry script: page settings and navigation; each page is a file in views/.

Not pages/: Streamlit treats a pages/ folder beside the entry script as an old-style
multipage app until st.navigation first runs, and then serves every file in it.
"""

import analysis
import streamlit as st

APP_TITLE = "Виртуальный офис — Россети Московский регион"

CLIENT_PAGES = [
    st.Page("views/chat.py", title="Чат", icon=":material/chat:", default=True),
]
# Shown in the menu after an analyst logs in; each page also checks the login itself.
ANALYST_PAGES = [
    st.Page(
        "views/coverage.py",
        title="Покрытие тем",
        icon=":material/insights:",
        url_path="coverage",
    ),
    st.Page(
        "views/unresolved.py",
        title="Нерешённые вопросы",
        icon=":material/help_center:",
        url_path="unresolved",
    ),
    st.Page(
        "views/quality.py",
        title="Качество модели",
        icon=":material/analytics:",
        url_path="quality",
    ),
    st.Page(
        "views/labelling.py",
        title="Разметка",
        icon=":material/label:",
        url_path="labelling",
    ),
    st.Page(
        "views/provenance.py",
        title="Источники фактов",
        icon=":material/fact_check:",
        url_path="provenance",
    ),
]
LOGIN_PAGE = st.Page(
    "views/login.py",
    title="Вход для аналитиков",
    icon=":material/login:",
    url_path="login",
)

analyst = analysis.current_analyst()
if analyst:
    # The login page stays: it is where the analyst lands right after logging in.
    page = st.navigation(
        {"Клиентам": CLIENT_PAGES, "Аналитика": ANALYST_PAGES + [LOGIN_PAGE]}
    )
else:
    # Clients see no menu at all; analysts open /login by its address.
    page = st.navigation(CLIENT_PAGES + [LOGIN_PAGE], position="hidden")
# After st.navigation, so the app's name rather than the page's shows in the tab.
analyst_paths = {analyst_page.url_path for analyst_page in ANALYST_PAGES}
layout = "wide" if page.url_path in analyst_paths else "centered"
st.set_page_config(page_title=APP_TITLE, page_icon="⚡", layout=layout)
if analyst:
    analysis.show_account(analyst)
page.run()
