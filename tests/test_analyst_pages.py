"""The analyst pages through AppTest: the login, its guard on every page, the pages
with their filters, and the clients' thumbs that reach them."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from streamlit.testing.v1 import AppTest

from assistant import settings
from assistant.accounts import AnalystAccounts
from assistant.analytics.snapshot import HISTORY_ENV
from assistant.chatlog import ChatLog
from tests.analyst_app import (
    APP_DIR,
    PASSWORD,
    TIMEOUT,
    log_in,
    logged_in_app,
    open_app,
    open_page,
    prepare_analyst_env,
)
from tests.analytics_data import turn

ANALYST_PAGES = [
    "views/coverage.py",
    "views/unresolved.py",
    "views/quality.py",
    "views/labelling.py",
    "views/provenance.py",
]
TITLES = {
    "views/coverage.py": "Покрытие тем",
    "views/unresolved.py": "Нерешённые вопросы",
    "views/quality.py": "Качество модели",
    "views/labelling.py": "Разметка",
    "views/provenance.py": "Источники фактов",
}
# Live turns of the tests: two mobile fallbacks, an lk answer followed by a request for
# an operator, a utp answer.
LIVE_TURNS = [
    turn("m1", 1, "out_of_scope", "fallback", 0.12, "абракадабра", channel="mobile"),
    turn(
        "m2",
        1,
        "out_of_scope",
        "fallback",
        0.2,
        "непонятно что",
        channel="mobile",
        days=1,
    ),
    turn(
        "l1",
        1,
        "meter_readings",
        "answered",
        0.93,
        "как передать показания",
        channel="lk",
        days=2,
    ),
    turn(
        "l1",
        2,
        "operator",
        "answered",
        0.97,
        "позовите оператора",
        channel="lk",
        days=2,
    ),
    turn(
        "u1", 1, "outages", "answered", 0.95, "когда дадут свет", channel="utp", days=3
    ),
]


# Unresolved texts with no word Navec knows, more of them than any real group has.
WORDLESS_TURNS = [
    turn(f"w{number}", 1, "out_of_scope", "fallback", 0.1, text, channel="utp", days=4)
    for number, text in enumerate(["8825", "😀😀👍", "<APPLICATION>", "2222"])
]
WORDLESS_TITLE = "без слов: цифры, эмодзи, коды"
FILTER_KEYS = [
    "filter_sources",
    "filter_channels",
    "filter_groups",
    "filter_labels",
    "filter_reasons",
]
RUSSIAN_GROUPS = {"присоединение", "передача энергии", "услуги", "общие", "диалог"}
MOSCOW = ZoneInfo("Europe/Moscow")


@pytest.fixture
def analyst_env(tmp_path, monkeypatch):
    """An analyst account, a live log with LIVE_TURNS and the built export replay."""
    return prepare_analyst_env(tmp_path, monkeypatch, LIVE_TURNS)


@pytest.fixture
def analyst_app(analyst_env) -> AppTest:
    return logged_in_app()


def test_the_chat_needs_no_login(analyst_env):
    app = open_app()

    assert app.chat_input and not app.exception
    assert "analyst" not in app.session_state


def test_a_wrong_password_is_refused(analyst_env):
    app = log_in(open_app(), password=PASSWORD + "x")

    assert app.error[0].value == "Неверное имя или пароль."
    assert "analyst" not in app.session_state


@pytest.mark.parametrize("page", ANALYST_PAGES)
def test_without_a_login_the_navigation_holds_no_analyst_page(analyst_env, page):
    app = open_app()

    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page(page)


@pytest.mark.parametrize("page", ANALYST_PAGES)
def test_every_analyst_page_run_on_its_own_stops_at_its_guard(
    analyst_env, monkeypatch, page
):
    # The page itself, outside the navigation: its own check must still hold.
    monkeypatch.syspath_prepend(str(APP_DIR))
    app = AppTest.from_file(str(APP_DIR / page), default_timeout=TIMEOUT).run()

    assert "аналитикам после входа" in app.warning[0].value
    assert not app.title and not app.dataframe and not app.exception


@pytest.mark.parametrize("page", ANALYST_PAGES)
def test_every_analyst_page_renders_after_login(analyst_app, page):
    app = open_page(analyst_app, page)

    assert app.title[0].value == TITLES[page]
    assert app.dataframe


def test_after_logging_out_the_analyst_pages_are_gone(analyst_app):
    open_page(analyst_app, "views/coverage.py")
    analyst_app.button(key="logout").click().run()

    assert "analyst" not in analyst_app.session_state
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        analyst_app.switch_page("views/unresolved.py")


def choose(app: AppTest, key: str, values: list) -> AppTest:
    return app.multiselect(key=key).set_value(values).run()


def test_coverage_counts_follow_the_channel_and_source_filters(analyst_app):
    app = open_page(analyst_app, "views/coverage.py")
    choose(app, "filter_sources", ["live"])
    assert app.metric[0].value == str(len(LIVE_TURNS))

    choose(app, "filter_channels", ["mobile"])

    assert app.metric[0].value == "2"
    assert app.metric[1].value == "0%"
    summary = app.dataframe[0].value
    assert summary["label"].tolist() == ["out_of_scope"]


def test_unresolved_table_follows_channel_and_reason_filters(analyst_app):
    app = open_page(analyst_app, "views/unresolved.py")
    choose(app, "filter_sources", ["live"])
    table = app.dataframe[0].value
    assert set(table["turn_id"]) == {"m1-1", "m2-1", "l1-1"}

    choose(app, "filter_channels", ["mobile"])
    assert set(app.dataframe[0].value["channel"]) == {"mobile"}

    choose(app, "filter_channels", [])
    choose(app, "filter_reasons", ["asked_operator"])
    table = app.dataframe[0].value
    assert table["turn_id"].tolist() == ["l1-1"]
    assert "asked_operator" in table["reasons"].iloc[0]
    assert table["masked_text"].tolist() == ["как передать показания"]


def test_unresolved_page_offers_the_view_as_csv_and_shows_clusters(analyst_app):
    app = open_page(analyst_app, "views/unresolved.py")
    choose(app, "filter_sources", ["live"])

    assert app.get("download_button")
    clusters = app.dataframe[1].value
    assert clusters["size"].sum() == 3


def column_labels(table) -> dict[str, str]:
    """Each configured column's heading (the hidden index has none)."""
    columns = json.loads(table.proto.columns)
    return {name: config["label"] for name, config in columns.items() if "label" in config}


def has_cyrillic(text: str) -> bool:
    return any("а" <= letter.lower() <= "я" for letter in text)


@pytest.mark.parametrize("key", FILTER_KEYS)
def test_an_empty_filter_says_in_russian_that_it_keeps_all(analyst_app, key):
    app = open_page(analyst_app, "views/unresolved.py")

    assert app.multiselect(key=key).proto.placeholder == "все"


@pytest.mark.parametrize("page", ANALYST_PAGES)
def test_a_missing_value_shows_as_a_dash_on_every_table(analyst_app, page):
    app = open_page(analyst_app, page)

    assert {table.proto.placeholder for table in app.dataframe} == {"—"}


def test_unresolved_times_are_moscow_times_like_the_date_filter(analyst_app):
    app = open_page(analyst_app, "views/unresolved.py")
    choose(app, "filter_sources", ["live"])

    table = app.dataframe[0]
    # l1-1 was logged at 09:01 UTC on 4 November.
    logged = table.value.set_index("turn_id").loc["l1-1", "logged_at"]
    assert logged == datetime(2026, 11, 4, 12, 1, tzinfo=MOSCOW)
    assert column_labels(table)["logged_at"] == "время (по Москве)"


def test_coverage_names_topic_groups_and_answer_states_in_russian(analyst_app):
    app = open_page(analyst_app, "views/coverage.py")
    choose(app, "filter_sources", ["live"])

    summary, _, content = (table.value for table in app.dataframe)
    assert set(summary["topic_group"]) <= RUSSIAN_GROUPS
    assert set(content["topic_group"]) <= RUSSIAN_GROUPS
    assert set(content["status"]) <= {"нет ответа", "устарел", "актуален"}


def test_the_quality_figures_are_named_in_russian(analyst_app):
    app = open_page(analyst_app, "views/quality.py")

    figures = app.dataframe[1].value["figure"]
    assert figures.map(has_cyrillic).all(), figures.tolist()
    headings = column_labels(app.dataframe[2]).values()
    assert all(has_cyrillic(heading) or heading == "F1" for heading in headings)


@pytest.fixture
def wordless_app(tmp_path, monkeypatch) -> AppTest:
    prepare_analyst_env(tmp_path, monkeypatch, LIVE_TURNS + WORDLESS_TURNS)
    return logged_in_app()


def test_texts_without_words_are_one_named_group_below_the_real_ones(wordless_app):
    app = open_page(wordless_app, "views/unresolved.py")
    choose(app, "filter_sources", ["live"])

    clusters = app.dataframe[1].value
    wordless = clusters.iloc[-1]
    assert wordless["cluster"] == WORDLESS_TITLE
    # «абракадабра» of LIVE_TURNS is no word Navec knows either.
    assert wordless["size"] == len(WORDLESS_TURNS) + 1
    assert wordless[["topic", "topic_title", "topic_share"]].isna().all()
    assert (clusters["cluster"] == WORDLESS_TITLE).sum() == 1
    assert any(WORDLESS_TITLE in caption.value for caption in app.caption)


def test_the_labelling_page_names_the_group_without_words(wordless_app):
    app = open_page(wordless_app, "views/labelling.py")
    choose(app, "filter_sources", ["live"])

    titles = app.selectbox(key="cluster").options
    assert [title for title in titles if WORDLESS_TITLE in title]
    assert "тема не ясна" not in " ".join(titles)


def test_the_quality_page_shows_the_model_version_and_passed_checks(analyst_app):
    app = open_page(analyst_app, "views/quality.py")

    version = app.dataframe[0].value
    assert version["хэш"].str.len().gt(0).all()
    assert app.success[0].value == "Все наборы проверок пройдены."


def test_a_thumb_on_an_answer_is_logged_with_its_turn(analyst_env):
    app = open_app()
    app.chat_input[0].set_value("Нужно временное подключение для стройки").run()
    assert app.feedback, "no thumbs under the answer"

    app.feedback[0].set_value(0).run()

    chat_log = ChatLog(analyst_env)
    ratings = chat_log.read_feedback()
    turns = chat_log.recent()
    assert ratings["rating"].tolist() == [-1]
    assert ratings["turn_id"].iloc[0] in set(turns["turn_id"])


def test_a_thumb_down_in_the_chat_makes_the_turn_unresolved(
    analyst_env, tmp_path, monkeypatch
):
    monkeypatch.setenv(HISTORY_ENV, str(tmp_path / "no-history.parquet"))
    chat = open_app()
    chat.chat_input[0].set_value("Как передать показания счётчика?").run()
    chat.feedback[0].set_value(0).run()

    app = log_in(open_app())
    app = open_page(app, "views/unresolved.py")

    table = app.dataframe[0].value
    rated = table[table["reasons"].str.contains("rated_negative")]
    assert rated["masked_text"].tolist() == ["Как передать показания счётчика?"]


def test_pages_never_import_streamlit_into_the_core():
    core = settings.ROOT / "assistant"
    offenders = [
        path.name
        for path in core.rglob("*.py")
        if "import streamlit" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_after_five_wrong_passwords_even_the_right_one_waits(analyst_env, tmp_path):
    # A name of its own: the count of failures lasts for the whole test process.
    AnalystAccounts(tmp_path / "analysts.json").add("boris", PASSWORD)
    app = open_app()
    for _ in range(5):
        log_in(app, name="boris", password="не тот пароль")

    log_in(app, name="boris")

    assert "Слишком много неудачных попыток" in app.error[0].value
    assert "analyst" not in app.session_state
