"""The labelling page, driven through AppTest as a logged-in analyst drives it."""

import pytest
from streamlit.testing.v1 import AppTest

from assistant.analytics.snapshot import HISTORY_ENV
from assistant.labelling import LabelStore
from tests.analyst_app import NAME, logged_in_app, open_page, prepare_analyst_env
from tests.analytics_data import turn

PAGE = "views/labelling.py"
METER = [
    "как передать показания счетчика",
    "как передать показания счётчика электроэнергии",
    "куда передавать показания счетчика",
]
CONNECTION = [
    "хочу подключить дом к сети",
    "сколько стоит подключить дом к электросети",
]
NOT_UNDERSTOOD = "абракадабра"
CONFIDENT = "когда дадут свет"
# Unresolved live turns: the meter question three ways (one of them twice), two
# connection questions, gibberish; and one confident answer that analysts need not see.
LIVE_TURNS = [
    turn("s1", 1, "out_of_scope", "fallback", 0.1, METER[0]),
    turn("s2", 1, "out_of_scope", "fallback", 0.15, METER[0], days=1),
    turn("s3", 1, "meter_readings", "clarified", 0.4, METER[1], channel="mobile"),
    turn("s4", 1, "out_of_scope", "fallback", 0.2, METER[2], days=2),
    turn("s5", 1, "out_of_scope", "fallback", 0.2, CONNECTION[0], channel="utp"),
    turn("s6", 1, "out_of_scope", "fallback", 0.3, CONNECTION[1], days=3),
    turn("s7", 1, "out_of_scope", "fallback", 0.05, NOT_UNDERSTOOD, channel="mobile"),
    turn("s8", 1, "outages", "answered", 0.96, CONFIDENT, channel="utp"),
]
UNRESOLVED = {*METER, *CONNECTION, NOT_UNDERSTOOD}


@pytest.fixture
def labels_db(tmp_path, monkeypatch):
    prepare_analyst_env(tmp_path, monkeypatch, LIVE_TURNS)
    # Only the live turns above: the replayed export would bury them.
    monkeypatch.setenv(HISTORY_ENV, str(tmp_path / "no-history.parquet"))
    return tmp_path / "labels.duckdb"


@pytest.fixture
def page(labels_db) -> AppTest:
    return open_page(logged_in_app(), PAGE)


def button(app: AppTest, label_start: str):
    return next(item for item in app.button if item.label.startswith(label_start))


def single_options(app: AppTest) -> set[str]:
    return set(app.multiselect(key="chosen").options)


def test_the_page_lists_unresolved_messages_and_no_labels_yet(page):
    assert page.title[0].value == "Разметка"
    assert single_options(page) == UNRESOLVED
    assert NAME in page.caption[0].value
    assert page.info[-1].value == "Меток пока нет."
    assert button(page, "Сохранить").disabled


def test_a_topic_given_to_one_message_is_saved_with_the_analyst(page, labels_db):
    page.multiselect(key="chosen").set_value([CONNECTION[1]]).run()
    page.selectbox(key="single_topic").set_value("services_apply").run()
    button(page, "Сохранить").click().run()

    saved = LabelStore(labels_db).frame()
    assert saved[["text", "label", "analyst", "cluster"]].values.tolist() == [
        [CONNECTION[1], "services_apply", NAME, None]
    ]
    assert page.success[0].value == "Сохранено меток: 1."
    assert single_options(page) == UNRESOLVED - {CONNECTION[1]}
    recent = page.dataframe[-1].value
    assert recent["label"].tolist() == ["Как подать заявку на услугу"]


def test_labelled_messages_show_their_label_on_request(page, labels_db):
    LabelStore(labels_db).add([NOT_UNDERSTOOD], "spam", NAME)
    page.run()
    assert NOT_UNDERSTOOD not in single_options(page)

    page.checkbox(key="show_labelled").check().run()

    table = page.dataframe[1].value.set_index("masked_text")
    assert table.loc[NOT_UNDERSTOOD, "labelled"] == "спам"
    assert table["labelled"].isna().sum() == len(UNRESOLVED) - 1


def test_a_whole_cluster_is_labelled_at_once_with_its_id(page, labels_db):
    # The largest group comes first: the meter question, four turns.
    cluster = page.selectbox(key="cluster").value
    assert page.metric[2].value == "4"
    assert set(page.dataframe[0].value["masked_text"]) == set(METER)
    assert {text.value for text in page.text} == {f"— {text}" for text in METER}

    page.selectbox(key="cluster_topic").set_value("meter_readings").run()
    button(page, "Разметить всю группу").click().run()

    saved = LabelStore(labels_db).frame()
    assert set(saved["text"]) == set(METER)
    assert set(saved["label"]) == {"meter_readings"}
    assert set(saved["cluster"]) == {cluster}
    assert set(saved["analyst"]) == {NAME}
    assert page.success[0].value == "Сохранено меток: 3."
    assert single_options(page) == UNRESOLVED - set(METER)


def test_a_cluster_can_be_a_new_topic_or_spam(page, labels_db):
    page.radio(key="cluster_kind").set_value("Новая тема").run()
    button(page, "Разметить всю группу").click().run()
    assert page.warning[0].value == "Введите название новой темы."
    assert LabelStore(labels_db).frame().empty

    page.text_input(key="cluster_new_topic").set_value("поверка счётчика").run()
    button(page, "Разметить всю группу").click().run()

    saved = LabelStore(labels_db).frame()
    assert set(saved["label"]) == {"new topic: поверка счётчика"}
    recent = page.dataframe[-1].value
    assert recent["label"].tolist() == ["новая тема: поверка счётчика"] * len(METER)


def test_the_channel_filter_narrows_the_messages(page):
    page.multiselect(key="filter_channels").set_value(["mobile"]).run()

    assert single_options(page) == {METER[1], NOT_UNDERSTOOD}


def test_texts_are_shown_masked(tmp_path, monkeypatch):
    # The log holds masked text only; the page must not unmask or drop the marks.
    masked = "мой номер <PHONE>, что с заявкой"
    prepare_analyst_env(
        tmp_path, monkeypatch, [turn("p1", 1, "out_of_scope", "fallback", 0.1, masked)]
    )
    monkeypatch.setenv(HISTORY_ENV, str(tmp_path / "no-history.parquet"))
    app = open_page(logged_in_app(), PAGE)

    assert single_options(app) == {masked}


def test_a_group_of_fallbacks_starts_with_no_topic_and_is_not_saved_without_one(page, labels_db):
    # The meter group's turns mostly carry «out_of_scope»: no client topic to start from.
    assert page.selectbox(key="cluster_topic").value is None

    button(page, "Разметить всю группу").click().run()

    assert page.warning[0].value == "Выберите тему из списка."
    assert LabelStore(labels_db).frame().empty


def test_a_group_starts_at_its_likeliest_client_topic(tmp_path, monkeypatch):
    # Clarified turns keep the model's guess: the group's topic field starts there.
    guessed = [
        turn(f"g{number}", 1, "meter_readings", "clarified", 0.4, text)
        for number, text in enumerate(METER)
    ]
    prepare_analyst_env(tmp_path, monkeypatch, guessed)
    monkeypatch.setenv(HISTORY_ENV, str(tmp_path / "no-history.parquet"))
    app = open_page(logged_in_app(), PAGE)

    assert app.selectbox(key="cluster_topic").value == "meter_readings"
    assert app.selectbox(key="single_topic").value is None
