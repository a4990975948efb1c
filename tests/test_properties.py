"""Whatever a client types, the reply has a known label and the log keeps it."""

import string

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assistant.chatlog import ChatLog
from assistant.dialog import ANSWERED, CLARIFIED, FALLBACK, Reply, Session
from assistant.labels import all_labels

OUTCOMES = {ANSWERED, CLARIFIED, FALLBACK}
MAX_LONG_TEXT = 50_000
# A letter Python 3.11 has no Unicode name for; pymorphy3 fails in unicodedata.name.
NAMELESS_LETTER = "\U00017000"
# No example database: a failure worth keeping becomes an @example in this file.
PROPERTY = settings(
    max_examples=80,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

EMOJI = st.sampled_from(["🙂", "⚡", "👍🏻", "🏳️‍🌈", "👨‍👩‍👧", "🔌💡", "❤️", "🤬"])
TAGS = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "</div><b>",
        "&lt;script&gt;",
        "&amp;lt;b&amp;gt;",
        "<!-- -->",
    ]
)
MARKDOWN = st.sampled_from(
    [
        "**жирный**",
        "# Заголовок",
        "$x^2$",
        "$$\\int_0^1$$",
        "[ссылка](http://x.ru)",
        "`код`",
        ":red[красный]",
        "> цитата",
        "1. пункт",
        "- пункт",
        "~~зачёркнуто~~",
    ]
)
SQL = st.sampled_from(
    [
        "'; DROP TABLE chat_turns; --",
        "Robert'); DROP TABLE chat_turns;--",
        '" OR 1=1 --',
        "1; DELETE FROM chat_turns",
        "?, ?, ?",
        "$1 $path",
    ]
)
CONTROL = st.text(
    alphabet=st.characters(categories=["Cc", "Cf", "Zl", "Zp"]), min_size=1, max_size=5
)
LATIN = st.text(alphabet=string.ascii_letters + " .,?!", max_size=60)
UKRAINIAN = st.sampled_from(
    ["Коли буде світло?", "Скільки коштує підключення?", "Дякую", "їжак ґанок є"]
)
RUSSIAN = st.sampled_from(
    [
        "Когда дадут свет?",
        "Сколько стоит временное подключение?",
        "Как подать заявку",
        "мой телефон +7 916 123-45-67",
        "1",
        "спасибо",
    ]
)
BLANK = st.text(alphabet=" \t\n\r\u00a0\u2003\u3000", max_size=10)
FRAGMENT = st.one_of(
    st.text(max_size=40),
    EMOJI,
    TAGS,
    MARKDOWN,
    SQL,
    CONTROL,
    LATIN,
    UKRAINIAN,
    RUSSIAN,
    BLANK,
)
MIXED = st.lists(FRAGMENT, max_size=6).map(" ".join)
# Repeating a short mixture reaches 50,000 characters without a 50,000-step example.
LONG = st.tuples(MIXED.filter(bool), st.integers(2_000, MAX_LONG_TEXT)).map(
    lambda pair: (pair[0] * (pair[1] // len(pair[0]) + 1))[: pair[1]]
)
MESSAGE = st.one_of(MIXED, LONG, BLANK, st.text())


@pytest.fixture(scope="module")
def chat_log(tmp_path_factory):
    opened = ChatLog(tmp_path_factory.mktemp("live") / "chatlog.duckdb")
    yield opened
    opened.close()


def assert_valid(reply: Reply) -> None:
    assert reply.text.strip()
    assert reply.label in all_labels()
    assert reply.outcome in OUTCOMES


def stored_row(chat_log: ChatLog, turn_id: str) -> dict:
    rows = chat_log.recent(1_000_000)
    return rows[rows["turn_id"] == turn_id].iloc[0].to_dict()


@PROPERTY
@given(text=MESSAGE)
@example(text=NAMELESS_LETTER)
@example(text=f"Иван {NAMELESS_LETTER} Петров")
def test_any_message_gets_a_reply_with_a_known_label_and_outcome(dialog_manager, text):
    reply = dialog_manager.reply(dialog_manager.new_session(), text)

    assert_valid(reply)


@PROPERTY
@given(texts=st.lists(st.one_of(MIXED, RUSSIAN), min_size=2, max_size=4))
def test_a_session_of_any_messages_never_breaks(dialog_manager, texts):
    session = dialog_manager.new_session()

    for text in texts:
        assert_valid(dialog_manager.reply(session, text))


@PROPERTY
@given(text=MESSAGE)
def test_the_reply_to_any_message_is_logged_as_it_was_masked(
    dialog_manager, chat_log, text
):
    session = dialog_manager.new_session()
    reply = dialog_manager.reply(session, text)

    turn_id = chat_log.record(session, reply)

    row = stored_row(chat_log, turn_id)
    assert (row["masked_text"], row["label"]) == (reply.masked_text, reply.label)


@PROPERTY
@given(text=st.one_of(MIXED, SQL, CONTROL, st.text(alphabet=st.characters())))
def test_any_text_is_stored_as_a_value_never_run_as_sql(chat_log, text):
    session = Session(channel=text[:20], turns=1)
    reply = Reply(text, 0.5, text, FALLBACK, masked_text=text, top=[(text, 0.5)])

    turn_id = chat_log.record(session, reply)

    row = stored_row(chat_log, turn_id)
    # A lone surrogate cannot be stored as UTF-8 and becomes "?"; all else is kept.
    kept = text.encode("utf-8", "replace").decode("utf-8")
    assert (row["masked_text"], row["label"]) == (kept, kept)
