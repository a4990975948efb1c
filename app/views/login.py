"""Login of an analyst; accounts come from `python -m assistant analysts add NAME`."""

import analysis
import streamlit as st

from assistant.login_limits import LOCK_SECONDS

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
    st.page_link("views/labelling.py", label="Разметка", icon=":material/label:")
    st.page_link(
        "views/provenance.py", label="Источники фактов", icon=":material/fact_check:"
    )
    st.stop()

with st.form("login"):
    name = st.text_input("Имя", key="login_name")
    password = st.text_input("Пароль", type="password", key="login_password")
    submitted = st.form_submit_button("Войти")

if submitted:
    if analysis.log_in(name, password):
        st.rerun()
    if analysis.login_locked(name):
        minutes = round(LOCK_SECONDS / 60)
        st.error(
            f"Слишком много неудачных попыток входа. Попробуйте через {minutes} минут."
        )
    else:
        st.error("Неверное имя или пароль.")
