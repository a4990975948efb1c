"""Login of an analyst; accounts come from `python -m assistant analysts add NAME`."""

import analysis
import streamlit as st

st.title("Вход для аналитиков")

if analysis.current_analyst():
    st.success(f"Вы вошли как {analysis.current_analyst()}.")
    st.page_link("views/coverage.py", label="Покрытие тем", icon=":material/insights:")
    st.page_link(
        "views/unresolved.py", label="Нерешённые вопросы", icon=":material/help_center:"
    )
    st.page_link(
        "views/quality.py", label="Качество модели", icon=":material/analytics:"
    )
    st.stop()

with st.form("login"):
    name = st.text_input("Имя", key="login_name")
    password = st.text_input("Пароль", type="password", key="login_password")
    submitted = st.form_submit_button("Войти")

if submitted:
    if analysis.log_in(name, password):
        st.rerun()
    st.error("Неверное имя или пароль.")
