"""The labelling page, driven through AppTest as an analyst drives it."""

import pytest
from streamlit.testing.v1 import AppTest

from assistant import settings
from assistant.chatlog import ChatLog
from assistant.labelling import LabelStore

PAGE = settings.ROOT / "app" / "pages" / "labelling.py"
TIMEOUT = 60
# Replies of the trained model: two clarifying questions, an unreadable message, and a
# confident answer that analysts need not see.
CLARIFIED = ["Как подать заявку?", "мне нужна автовышка на субботу"]
NOT_UNDERSTOOD = "ывапролджэ"
CONFIDENT = "Нужно временное подключение для стройки"


def log_messages(dialog_manager, path, messages: list[str]) -> None:
    chat_log = ChatLog(path)
    for text in messages:
        session = dialog_manager.new_session()
        chat_log.record(session, dialog_manager.reply(session, text))
    chat_log.close()


@pytest.fixture
def labels_db(tmp_path, monkeypatch, dialog_manager):
    chat_log = tmp_path / "live"
    log_messages(dialog_manager, chat_log, [*CLARIFIED, NOT_UNDERSTOOD, CONFIDENT])
    monkeypatch.setenv(settings.CHATLOG_DIR_ENV, str(chat_log))
    path = tmp_path / "labels.duckdb"
    monkeypatch.setenv(settings.LABELS_DB_ENV, str(path))
    return path


@pytest.fixture
def page(labels_db):
    app = AppTest.from_file(str(PAGE), default_timeout=TIMEOUT)
    app.session_state["analyst"] = "Анна"
    return app.run()


def button(app: AppTest, label: str):
    return next(item for item in app.button if item.label == label)


def shown_messages(app: AppTest) -> set[str]:
    return set(app.multiselect(key="chosen").options)


def test_the_page_lists_unresolved_messages_and_no_labels_yet(page):
    assert not page.exception
    assert page.title[0].value == "Разметка"
    assert shown_messages(page) == {*CLARIFIED, NOT_UNDERSTOOD}
    assert "Анна" in page.caption[0].value
    assert page.info[0].value == "Меток пока нет."
    assert button(page, "Сохранить").disabled


def test_a_topic_given_to_one_message_is_saved_with_the_analyst(page, labels_db):
    page.multiselect(key="chosen").set_value([CLARIFIED[1]]).run()
    page.selectbox(key="topic").set_value("services_apply").run()
    button(page, "Сохранить").click().run()

    saved = LabelStore(labels_db).frame()
    assert saved[["text", "label", "analyst"]].values.tolist() == [
        [CLARIFIED[1], "services_apply", "Анна"]
    ]
    assert page.success[0].value == "Сохранено меток: 1."
    assert CLARIFIED[1] not in shown_messages(page)
    recent = page.dataframe[-1].value
    assert recent["Метка"].tolist() == ["Как подать заявку на услугу"]


def test_a_group_marked_as_spam_is_saved_at_once(page, labels_db):
    button(page, "Выбрать все показанные").click().run()
    page.radio(key="kind").set_value("Спам").run()
    button(page, "Сохранить").click().run()

    saved = LabelStore(labels_db).frame()
    assert set(saved["text"]) == {*CLARIFIED, NOT_UNDERSTOOD}
    assert set(saved["label"]) == {"spam"}
    assert page.info[0].value == "Нерешённых сообщений нет."


def test_a_new_topic_needs_a_name(page, labels_db):
    page.multiselect(key="chosen").set_value([NOT_UNDERSTOOD]).run()
    page.radio(key="kind").set_value("Новая тема").run()
    button(page, "Сохранить").click().run()

    assert page.warning[0].value == "Введите название новой темы."
    assert LabelStore(labels_db).frame().empty

    page.text_input(key="new_topic").set_value("зарядка электромобилей").run()
    button(page, "Сохранить").click().run()

    assert LabelStore(labels_db).frame()["label"].tolist() == [
        "new topic: зарядка электромобилей"
    ]


def test_without_a_signed_in_analyst_labels_carry_the_default_name(labels_db):
    page = AppTest.from_file(str(PAGE), default_timeout=TIMEOUT).run()
    page.multiselect(key="chosen").set_value([NOT_UNDERSTOOD]).run()
    button(page, "Сохранить").click().run()

    assert LabelStore(labels_db).frame()["analyst"].tolist() == ["analyst"]
