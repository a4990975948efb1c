"""The chat page: the client writes, the dialog manager answers, the log keeps both."""

import logging
from functools import partial

import streamlit as st
import widgets

from assistant import retention
from assistant.dialog import ANSWERED

log = logging.getLogger(__name__)

CLIENT, BOT = "user", "assistant"
PLACEHOLDER = "Напишите ваш вопрос"
FEEDBACK_KEY = "feedback"
# Tall enough for a few exchanges, short enough to leave the input in view on a phone
# (844 px) and a laptop (720 px).
MESSAGES_HEIGHT = 520


def start_chat(manager) -> None:
    """A session and the welcome message, once per browser tab."""
    if "session" in st.session_state:
        return
    st.session_state.session = manager.new_session(widgets.read_channel())
    st.session_state.messages = [bot_message(manager.store.message("welcome"))]


def bot_message(text: str, choices=(), suggestions=(), turn_id=None,
                answers=False) -> dict:
    # turn_id ties the client's 👍/👎 to the logged turn; None for unlogged texts.
    # answers: the reply answers the client, so it may be rated.
    return {"role": BOT, "text": text, "choices": list(choices),
            "suggestions": list(suggestions), "turn_id": turn_id, "answers": answers}


def is_answer(reply, session) -> bool:
    """An answer, not a question: a flow still open after the reply waits for the
    client's answer, and its step is logged as answered all the same."""
    return reply.outcome == ANSWERED and session.flow is None


def exchange(manager, chat_log, client_text: str, respond) -> None:
    """Show the client's words, get the reply, log it; a failure ends in an apology."""
    session = st.session_state.session
    messages = st.session_state.messages
    messages.append({"role": CLIENT, "text": client_text, "choices": []})
    try:
        reply = respond(session)
    except Exception:
        # The client sees the polite error text; the traceback is for developers.
        log.exception("no reply in session %s", session.session_id)
        messages.append(bot_message(manager.store.message("error")))
        return
    turn_id = chat_log.record(session, reply) if chat_log is not None else None
    messages.append(bot_message(reply.text, reply.choices, reply.suggestions, turn_id,
                                answers=is_answer(reply, session)))


def forget(manager, chat_log, client_text: str) -> None:
    """Delete the session's logged turns; the request itself is never logged."""
    session = st.session_state.session
    messages = st.session_state.messages
    messages.append({"role": CLIENT, "text": client_text, "choices": []})
    try:
        retention.forget_session(chat_log, session)
    except Exception:
        # Never confirm a deletion that did not happen.
        log.exception("session %s not deleted", session.session_id)
        messages.append(bot_message(manager.store.message("error")))
        return
    messages.append(bot_message(manager.store.message("data_deleted")))


def send_text(manager, chat_log) -> None:
    text = st.session_state.client_text
    if not text:
        return
    if retention.is_forget_request(text):
        forget(manager, chat_log, text)
    else:
        exchange(manager, chat_log, text, partial(manager.reply, raw_text=text))


def press_choice(manager, chat_log, choice) -> None:
    respond = partial(manager.choose, label=choice.label)
    exchange(manager, chat_log, choice.title, respond)


def press_suggestion(manager, chat_log, text: str) -> None:
    """A quick reply is sent exactly as if the client had typed it."""
    exchange(manager, chat_log, text, partial(manager.reply, raw_text=text))


def rate(chat_log, turn_id: str) -> None:
    """The client's thumb on a reply: st.feedback gives 1 for up, 0 for down."""
    value = st.session_state.get(f"{FEEDBACK_KEY}-{turn_id}")
    if value is None:
        # The thumb was taken back; the latest rating logged stays the one counted.
        return
    rating = 1 if value == 1 else -1
    chat_log.record_feedback(st.session_state.session.session_id, turn_id, rating)


def show_feedback(chat_log, message: dict) -> None:
    """Thumbs under a logged answer; a question, clarification or «не понял» gets none."""
    turn_id = message.get("turn_id")
    if chat_log is None or turn_id is None or not message.get("answers"):
        return
    st.feedback("thumbs", key=f"{FEEDBACK_KEY}-{turn_id}", on_change=rate,
                args=(chat_log, turn_id))


def show_messages(manager, chat_log) -> None:
    messages = st.session_state.messages
    for index, message in enumerate(messages):
        with st.chat_message(message["role"]):
            if message["role"] == CLIENT:
                # Client text is never parsed: no HTML, Markdown or maths from outside.
                st.text(message["text"])
                continue
            st.markdown(widgets.format_bot_text(message["text"]))
            show_feedback(chat_log, message)
            # Buttons of the latest question only: older ones no longer match.
            if index == len(messages) - 1:
                show_choices(manager, chat_log, message["choices"], index)
                show_suggestions(manager, chat_log, message.get("suggestions", []), index)


def show_choices(manager, chat_log, choices, index: int) -> None:
    for choice in choices:
        st.button(
            choice.title,
            key=f"choice-{index}-{choice.label}",
            on_click=press_choice,
            args=(manager, chat_log, choice),
        )


def show_suggestions(manager, chat_log, suggestions, index: int) -> None:
    if not suggestions:
        return
    columns = st.columns(len(suggestions))
    for number, (column, text) in enumerate(zip(columns, suggestions, strict=True)):
        column.button(
            text,
            key=f"suggestion-{index}-{number}",
            on_click=press_suggestion,
            args=(manager, chat_log, text),
        )


def show_input(manager, chat_log) -> None:
    with st.bottom:
        st.chat_input(
            PLACEHOLDER,
            key="client_text",
            on_submit=send_text,
            args=(manager, chat_log),
        )
        st.caption(widgets.format_bot_text(manager.store.message("privacy_notice")))


manager = widgets.require_manager()
chat_log = widgets.open_chat_log()
start_chat(manager)
# A pane of fixed height keeps the newest reply in view: Streamlit scrolls such a pane
# to its end when a message is added, but never the page itself. It stops following once
# the client scrolls up; a key new with every message makes a fresh pane that follows again.
pane_key = f"chat-pane-{len(st.session_state.messages)}"
with st.container(height=MESSAGES_HEIGHT, border=False, autoscroll=True, key=pane_key):
    show_messages(manager, chat_log)
show_input(manager, chat_log)
