"""The outage and booking flows through the chat page, tapping the quick replies."""

import re
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import assistant.service
from assistant import settings
from assistant.chatlog import read_log

APP = settings.ROOT / "app" / "main.py"
TIMEOUT = 120
THURSDAY_MORNING = datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))
MARKDOWN_ESCAPE = re.compile(r"\\(.)")


@pytest.fixture
def app(tmp_path, monkeypatch):
    """The chat page with its clock stopped and its own chat log and bookings."""
    monkeypatch.setenv("ASSISTANT_CHATLOG_DIR", str(tmp_path / "live"))
    monkeypatch.setenv(settings.BOOKINGS_URL_ENV, f"sqlite:///{tmp_path / 'b.sqlite'}")
    loader = assistant.service.load_dialog_manager
    pinned = partial(loader, clock=lambda: THURSDAY_MORNING)
    monkeypatch.setattr(assistant.service, "load_dialog_manager", pinned)
    # The cached manager of other tests runs on the real clock.
    st.cache_resource.clear()
    yield AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    st.cache_resource.clear()


def send(app: AppTest, text: str) -> AppTest:
    return app.chat_input[0].set_value(text).run()


def press(app: AppTest, label: str) -> AppTest:
    button = next(button for button in app.button if button.label == label)
    return button.click().run()


def last_bot_text(app: AppTest) -> str:
    markdown = app.chat_message[-1].markdown[0].value
    return MARKDOWN_ESCAPE.sub(r"\1", markdown).replace("  \n", "\n")


def thumbs_under_the_last_reply(app: AppTest) -> bool:
    return bool(app.chat_message[-1].feedback)


def test_an_outage_is_found_by_tapping_all_streets(app):
    send(app, "Когда дадут свет?")
    send(app, "Внуково")
    press(app, "Все улицы")

    text = last_bot_text(app)
    assert "Сейчас идёт аварийное отключение" in text
    assert "11:35" in text and "Сведения на 03.12 08:00" in text
    assert not app.exception


def test_the_questions_of_a_flow_get_no_thumbs_and_its_answer_does(app):
    send(app, "Когда дадут свет?")
    assert not thumbs_under_the_last_reply(app), "thumbs under «where?»"
    send(app, "Внуково")
    assert not thumbs_under_the_last_reply(app), "thumbs under «which street?»"

    press(app, "Все улицы")

    assert thumbs_under_the_last_reply(app)
    assert len(app.feedback) == 1


def test_a_consultation_is_booked_with_the_offered_buttons(app, tmp_path):
    send(app, "Хочу записаться на приём в офис")
    send(app, "Подольск")
    press(app, "Подключение к электросетям")
    press(app, "04.12")
    press(app, "09:30")
    send(app, "Анна Иванова")
    send(app, "+7 916 123-45-67")

    asked_name = next(
        message for message in app.chat_message
        if message.markdown and "обращаться" in message.markdown[0].value
    )
    assert not asked_name.feedback, "thumbs under «Как к вам обращаться?»"
    # The booked slot is the one answer of the flow: the only thumbs of the chat.
    assert thumbs_under_the_last_reply(app) and len(app.feedback) == 1
    text = last_bot_text(app)
    assert "04.12 в 09:30" in text and re.search(r"Код записи: [A-Z0-9]{6}", text)
    logged = " ".join(read_log(tmp_path / "live")["masked_text"])
    assert "123-45-67" not in logged and "Иванова" not in logged
    assert not app.exception
