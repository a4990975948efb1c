"""The dialog manager: one client session per test, real model and knowledge store."""

import copy
import re

import pytest

from assistant.actions.phrasebook import phrase
from assistant.classifier import Thresholds
from assistant.dialog import ANSWERED, CLARIFIED, FALLBACK, DialogManager
from assistant.guard import MAX_MESSAGE_CHARS
from assistant.labels import DIALOG_GROUP, all_labels, load_topics

HOT_LINE = "8 800 220-0-220"
AMBIGUOUS = "Сколько стоит подключение 15 кВт?"
DIGITS = re.compile(r"\d")


@pytest.fixture
def session(dialog_manager):
    return dialog_manager.new_session()


def manager_with_thresholds(dialog_manager, answer: float,
                            clarify: float) -> DialogManager:
    """The real model with other cut-offs: trained ones move with each retraining."""
    classifier = copy.copy(dialog_manager.classifier)
    classifier.thresholds = Thresholds(answer=answer, clarify=clarify)
    return DialogManager(classifier, dialog_manager.store)


@pytest.fixture
def clarifying_manager(dialog_manager):
    # No message reaches an answer cut-off above 1, so every one gets two choices.
    return manager_with_thresholds(dialog_manager, answer=1.01, clarify=0.0)


@pytest.mark.parametrize(
    "text, label",
    [
        ("Здравствуйте", "greeting"),
        ("Спасибо за помощь", "thanks"),
        ("До свидания", "goodbye"),
    ],
)
def test_small_talk_gets_its_own_answer(
    dialog_manager, knowledge_store, session, text, label
):
    reply = dialog_manager.reply(session, text)

    assert (reply.label, reply.outcome) == (label, ANSWERED)
    assert reply.text == knowledge_store.answer(label).text


@pytest.mark.parametrize("text", ["зюзюка кракозябра", "фыва пролдж", "ыыыы"])
def test_made_up_words_are_not_taken_for_a_greeting(dialog_manager, knowledge_store, text):
    reply = dialog_manager.reply(dialog_manager.new_session(), text)

    assert reply.label not in {"greeting", "thanks", "goodbye"}
    assert reply.text != knowledge_store.answer("greeting").text
    assert reply.outcome != ANSWERED


@pytest.mark.parametrize("text", ["Приветик", "Пасиб", "Покеда", "Спасибочки"])
def test_colloquial_courtesy_is_still_small_talk(dialog_manager, text):
    reply = dialog_manager.reply(dialog_manager.new_session(), text)

    assert reply.label in {"greeting", "thanks", "goodbye"}


def test_asking_for_a_person_hands_off_to_the_hot_line(dialog_manager, session):
    reply = dialog_manager.reply(session, "Позовите оператора")

    assert reply.label == "operator"
    assert HOT_LINE in reply.text


@pytest.mark.parametrize(
    "text",
    ["Почему такой большой счёт за свет?", "Как сменить тариф у Мосэнергосбыта?"],
)
def test_a_bill_question_is_sent_to_the_retail_supplier(dialog_manager, session, text):
    reply = dialog_manager.reply(session, text)

    assert reply.label == "out_of_scope"
    assert "Мосэнергосбыт" in reply.text


def test_a_follow_up_stays_on_the_service_of_the_session(dialog_manager, session):
    first = dialog_manager.reply(session, "Нужно временное подключение для стройки")
    follow_up = dialog_manager.reply(session, "а сколько стоит?")

    assert first.label == "temporary_apply"
    assert follow_up.label == "temporary_cost"
    assert session.service == "temporary"


def test_a_follow_up_in_a_new_session_has_no_service_to_take(dialog_manager, session):
    dialog_manager.reply(dialog_manager.new_session(), "Нужно временное подключение")

    assert dialog_manager.reply(session, "а сколько стоит?").label != "temporary_cost"


def test_a_clarification_offers_two_numbered_client_topics(clarifying_manager, session):
    reply = clarifying_manager.reply(session, AMBIGUOUS)

    assert reply.outcome == CLARIFIED
    assert len(reply.choices) == 2
    topics = load_topics()
    client_top = [label for label, _ in reply.top
                  if topics[label].group != DIALOG_GROUP]
    assert [choice.label for choice in reply.choices] == client_top[:2]
    for number, choice in enumerate(reply.choices, start=1):
        assert f"{number}. {choice.title}" in reply.text


def test_choosing_a_choice_answers_its_topic(clarifying_manager, opening_text, session):
    second = clarifying_manager.reply(session, AMBIGUOUS).choices[1]
    reply = clarifying_manager.choose(session, second.label)

    assert (reply.label, reply.outcome) == (second.label, ANSWERED)
    assert reply.text == opening_text(second.label, AMBIGUOUS)
    assert session.choices == []


@pytest.mark.parametrize("typed", ["1", " 1. ", "1)"])
def test_typing_one_after_a_clarification_picks_the_first_choice(
    clarifying_manager, opening_text, session, typed
):
    first = clarifying_manager.reply(session, AMBIGUOUS).choices[0]
    reply = clarifying_manager.reply(session, typed)

    assert (reply.label, reply.outcome) == (first.label, ANSWERED)
    assert reply.text == opening_text(first.label, AMBIGUOUS)


def test_a_typed_word_that_fits_both_choices_asks_again(
    clarifying_manager, knowledge_store, session
):
    offered = clarifying_manager.reply(session, AMBIGUOUS).choices
    reply = clarifying_manager.reply(session, "стоимость")

    assert reply.outcome == CLARIFIED
    assert reply.text.startswith(knowledge_store.message("clarify_unknown_choice"))
    assert reply.choices == offered


def test_a_clarification_offers_no_topic_below_the_clarify_cut_off(dialog_manager, session):
    strict = manager_with_thresholds(dialog_manager, answer=1.01, clarify=0.3)
    reply = strict.reply(session, "Мой телефон +7 (985) 114-67-29, перезвоните")

    assert all(p >= 0.3 for label, p in reply.top
               if label in {choice.label for choice in reply.choices})


def test_a_message_below_the_clarify_cut_off_gets_the_fallback(
    dialog_manager, knowledge_store, session
):
    unsure = manager_with_thresholds(dialog_manager, answer=1.01, clarify=1.01)
    reply = unsure.reply(session, AMBIGUOUS)

    assert reply.outcome == FALLBACK
    assert reply.text == knowledge_store.message("fallback")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "😀🙏👍",
        "а" * 50_000,
        "Сколько стоит временное подключение? " * 1_400,
        "<script>alert(1)</script>",
        "'; DROP TABLE chat_turns; --",
        "Hello, can you help?",
        "Коли дадуть світло?",
        "\x00\x1b[31m",
    ],
)
def test_bad_input_gets_a_polite_reply_with_a_valid_label(
    dialog_manager, session, text
):
    reply = dialog_manager.reply(session, text)

    assert reply.text.strip()
    assert reply.label in all_labels()


def test_a_very_long_message_is_answered_with_a_notice_of_the_cut(
    dialog_manager, knowledge_store, session
):
    reply = dialog_manager.reply(session, "Когда дадут свет? " * 3_000)
    notice = knowledge_store.message("too_long", limit=MAX_MESSAGE_CHARS)

    assert reply.text.startswith(notice)


@pytest.mark.parametrize(
    "text, phone",
    [
        ("Мой номер +7 (985) 114-67-29, перезвоните", "+7 (985) 114-67-29"),
        ("Нет света, звоните 8-985-114-67-29", "8-985-114-67-29"),
        ("89851146729 как подать заявку на подключение?", "89851146729"),
        ("Позовите оператора, тел 8 (495) 123 45 67", "8 (495) 123 45 67"),
    ],
)
def test_the_reply_never_repeats_the_clients_phone(
    dialog_manager, session, text, phone
):
    reply = dialog_manager.reply(session, text)
    phone_digits = "".join(DIGITS.findall(phone))[1:]

    for shown in (reply.text, reply.masked_text, *session.history):
        assert phone not in shown
        assert phone_digits not in "".join(DIGITS.findall(shown))


def test_a_greeting_with_stretched_letters_is_a_greeting_not_a_name(dialog_manager, session):
    reply = dialog_manager.reply(session, "Пррррривет")

    assert reply.label == "greeting"
    assert "<PER>" not in reply.masked_text


def test_punctuation_alone_is_treated_as_an_empty_message(
    dialog_manager, knowledge_store, session
):
    reply = dialog_manager.reply(session, "?!")

    assert reply.text == knowledge_store.message("empty_message")


def test_a_clarification_never_offers_a_single_choice(clarifying_manager, session):
    for text in ["есть кто?", "и", "срок", "подключение"]:
        reply = clarifying_manager.reply(session, text)
        assert len(reply.choices) in (0, 2)


def test_a_message_that_names_its_own_topic_is_not_pulled_off_by_the_session(
    dialog_manager, session
):
    dialog_manager.reply(session, "Когда дадут свет?")
    reply = dialog_manager.reply(session, "Нужно временное подключение для стройки")

    assert reply.label.startswith("temporary_")


@pytest.mark.parametrize("text", ["300", "15", "1", "8 800", "10.12"])
def test_a_bare_number_with_no_question_open_is_asked_about(dialog_manager, knowledge_store,
                                                             text):
    reply = dialog_manager.reply(dialog_manager.new_session(), text)

    assert reply.text == knowledge_store.message("numbers_only")
    assert reply.outcome == FALLBACK


@pytest.mark.parametrize("text", ["да", "1", "ок", "привет"])
def test_small_talk_inside_a_flow_does_not_end_it(dialog_manager, text):
    session = dialog_manager.new_session()
    dialog_manager.choose(session, "tp_primary_cost")
    assert session.flow is not None

    reply = dialog_manager.reply(session, text)

    assert reply.label == "tp_primary_cost"
    assert session.flow is not None


SMALL_TALK_LABELS = {"greeting", "thanks", "goodbye"}


@pytest.mark.parametrize("text", ["до 0,4", "до 15", "спасибо, 15 кВт", "пока 380 В"])
def test_a_message_with_figures_is_never_answered_as_small_talk(
    dialog_manager, knowledge_store, session, text
):
    reply = dialog_manager.reply(session, text)

    assert reply.label not in SMALL_TALK_LABELS
    assert reply.text not in {knowledge_store.answer(label).text
                              for label in SMALL_TALK_LABELS}


def test_details_typed_instead_of_a_button_keep_the_choices_and_reach_the_flow(
    clarifying_manager, knowledge_store, session
):
    offered = clarifying_manager.reply(
        session, "какой срок подключения, договор заключили 10.11.2026").choices
    details = clarifying_manager.reply(session, "15 кВт, физлицо")
    voltage = clarifying_manager.reply(session, "до 0,4")
    chosen = clarifying_manager.choose(session, "tp_implementation_deadlines")
    due = clarifying_manager.reply(session, "До 15 м")

    for reply in (details, voltage):
        assert reply.outcome == CLARIFIED
        assert reply.choices == offered
    assert chosen.text == phrase(knowledge_store, "term_ask_distance").text
    assert "не позднее 22.12.2026" in due.text


def test_a_clarification_gives_way_after_messages_that_fit_no_choice(
    clarifying_manager, session
):
    clarifying_manager.reply(session, AMBIGUOUS)
    replies = [clarifying_manager.reply(session, "ну вот так") for _ in range(3)]

    assert [reply.outcome for reply in replies] == [CLARIFIED, CLARIFIED, FALLBACK]
    assert session.choices == []


@pytest.mark.parametrize(
    "text",
    [
        "How much does it cost to connect my house to the grid?",
        "Is it free?",
        "hi alert(1)",
    ],
)
def test_an_english_sentence_gets_the_bilingual_reply(
    dialog_manager, knowledge_store, session, text
):
    reply = dialog_manager.reply(session, text)

    assert reply.text == knowledge_store.message("not_russian")


def test_a_message_that_is_mostly_markup_is_asked_to_be_rephrased(
    dialog_manager, knowledge_store, session
):
    reply = dialog_manager.reply(session, "<b>hi</b><script>alert(1)</script>")

    assert reply.text == knowledge_store.message("markup_only")
    assert reply.label not in SMALL_TALK_LABELS


@pytest.mark.parametrize("text", ["skolko stoit podkluchenie", "kogda dadut svet"])
def test_transliterated_russian_is_still_read_as_russian(
    dialog_manager, knowledge_store, session, text
):
    reply = dialog_manager.reply(session, text)

    assert reply.text != knowledge_store.message("not_russian")


@pytest.mark.parametrize("text", ["15 kw", "ok", "Hello"])
def test_a_short_latin_answer_inside_a_flow_reaches_the_flow(dialog_manager, text):
    session = dialog_manager.new_session()
    dialog_manager.choose(session, "tp_primary_cost")

    reply = dialog_manager.reply(session, text)

    assert reply.label == "tp_primary_cost"
    assert reply.action == "connection_cost"


@pytest.mark.parametrize("text", ["спасибо", "Спасибо, до свидания!"])
def test_thanks_or_a_goodbye_inside_a_flow_closes_it(dialog_manager, text):
    session = dialog_manager.new_session()
    dialog_manager.choose(session, "tp_primary_cost")

    reply = dialog_manager.reply(session, text)

    assert reply.label in {"thanks", "goodbye"}
    assert session.flow is None
