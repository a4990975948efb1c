"""The chat page in Chromium, the way a client of the personal account (lk) uses it."""

import pytest
from playwright.sync_api import expect

from assistant.chatlog import read_log
from assistant.guard import MAX_MESSAGE_CHARS
from assistant.labels import load_topics
from bench.load import CHAT_INPUT

pytestmark = pytest.mark.browser

# Question → a fact only that topic's answer gives; the second is a follow-up that
# takes its service (temporary connection) from the first.
CONVERSATION = [
    ("Нужно временное подключение для стройки", "12 месяцев"),
    ("а сколько рассматривают?", "10 рабочих дней"),
    ("Как передать показания счётчика?", "Мосэнергосбыт"),
]
# Vague questions; which of them the model clarifies moves with each retraining, so the
# test takes the first one the served model does clarify.
UNCLEAR = ["Как оформить?", "Сколько стоит подключение?", "Сколько стоит?", "Как подать?",
           "Где посмотреть?", "Какие сроки?"]
THUMBS_UP = '[aria-label="Thumbs up"]'
PHONE = {"width": 390, "height": 844}
# How long a smooth scroll of the pane takes to finish.
SETTLE_MS = 1000
QUESTIONS_ONLY = [question for question, _ in CONVERSATION]
INJECTION = (
    '<script>window.__owned=1</script><img src=x onerror="window.__owned=2"> '
    "**жирный** $x^2$"
)
LONG_MESSAGE = ("Как передать показания счётчика? " * 400)[:10_000]
TOO_LONG_NOTICE = f"учту только первые {MAX_MESSAGE_CHARS} символов"
PERSONAL = "Меня зовут Иван Петров, мой телефон +7 916 123-45-67. Когда дадут свет?"
PERSONAL_MASKED = "Меня зовут <PER>, мой телефон <PHONE>. Когда дадут свет?"
PERSONAL_PARTS = ["Петров", "916", "123-45-67"]


def first_line_of_opening(opening_text, title: str, text: str) -> str:
    """The first line the topic with this button title says to the client's text."""
    labels = {topic.title: label for label, topic in load_topics().items()}
    return opening_text(labels[title], text).splitlines()[0].strip()


def test_the_lk_chat_opens_with_the_welcome(chat):
    welcome = chat.open("lk")

    expect(welcome).to_contain_text("виртуальный помощник")
    expect(chat.page.get_by_text("Переписка в чате сохраняется")).to_be_visible()


def test_three_questions_with_a_follow_up_get_answers_with_their_facts(chat):
    chat.open("lk")

    for question, fact in CONVERSATION:
        reply = chat.send(question)
        expect(chat.client_messages.last).to_have_text(question)
        expect(reply).to_contain_text(fact)
    expect(chat.bot_messages).to_have_count(len(CONVERSATION) + 1)


def test_the_newest_reply_comes_into_view_without_scrolling(chat):
    chat.page.set_viewport_size(PHONE)
    chat.open("lk")
    box = chat.page.locator(CHAT_INPUT)

    # Typed as a client does: Chat.send would scroll the reply into view itself.
    for number, question in enumerate([*QUESTIONS_ONLY, "Где офис в Лобне?"], start=2):
        if question == "Где офис в Лобне?":
            # The client scrolls up to reread before asking again, once the pane has come
            # to rest at its end (it glides there).
            expect(chat.bot_messages.last).to_be_in_viewport()
            chat.page.wait_for_timeout(SETTLE_MS)
            chat.page.mouse.move(PHONE["width"] / 2, PHONE["height"] / 3)
            chat.page.mouse.wheel(0, -1500)
            expect(chat.bot_messages.last).not_to_be_in_viewport()
            chat.page.wait_for_timeout(SETTLE_MS)
        box.fill(question)
        box.press("Enter")
        expect(chat.bot_messages).to_have_count(number)
        expect(chat.bot_messages.last).not_to_have_text("")

    expect(chat.bot_messages.last).to_contain_text("Лобн")
    expect(chat.bot_messages.last).to_be_in_viewport()
    expect(box).to_be_in_viewport()


def test_a_web_address_in_an_answer_is_a_link_and_the_answer_gets_thumbs(chat):
    chat.open("lk")

    reply = chat.send(CONVERSATION[0][0])

    link = reply.get_by_role("link", name="lk.rossetimr.ru")
    expect(link.first).to_have_attribute("href", "https://lk.rossetimr.ru")
    expect(reply.locator(THUMBS_UP)).to_have_count(1)


def test_a_question_of_a_flow_gets_no_thumbs(chat):
    chat.open("lk")

    question = chat.send("Когда дадут свет?")

    expect(question).to_contain_text("населённый пункт")
    expect(question.locator(THUMBS_UP)).to_have_count(0)


@pytest.fixture(scope="module")
def unclear(dialog_manager) -> str:
    """A message the served model answers with a clarifying question."""
    for text in UNCLEAR:
        if dialog_manager.reply(dialog_manager.new_session(), text).outcome == "clarified":
            return text
    pytest.fail(f"the model clarifies none of {UNCLEAR}")


def test_a_clarifying_question_offers_buttons_and_a_pressed_one_is_answered(
    chat, unclear, opening_text
):
    chat.open("lk")

    question = chat.send(unclear)
    expect(question).to_contain_text("Уточните")
    buttons = question.get_by_role("button")
    expect(buttons).to_have_count(2)
    title = buttons.first.inner_text().strip()

    answer = chat.press(buttons.first)
    expect(chat.client_messages.last).to_have_text(title)
    expect(answer).to_contain_text(first_line_of_opening(opening_text, title, unclear))
    # Buttons of an answered question go away.
    expect(chat.page.get_by_role("button", name=title)).to_have_count(0)


def test_markup_from_a_client_is_shown_as_text_and_never_runs(chat, dialogs):
    chat.open("lk")

    chat.send(INJECTION)
    shown = chat.client_messages.last
    expect(shown).to_have_text(INJECTION)
    for rendered in ["script", "img", "strong", ".katex"]:
        expect(shown.locator(rendered)).to_have_count(0)
    assert chat.page.evaluate("typeof window.__owned") == "undefined"
    assert dialogs == []


def test_a_ten_thousand_character_message_is_answered_with_the_truncation_notice(chat):
    chat.open("lk")

    reply = chat.send(LONG_MESSAGE)
    expect(reply).to_contain_text(TOO_LONG_NOTICE)
    expect(reply).to_contain_text("Мосэнергосбыт")


def test_the_chat_log_keeps_lk_turns_with_personal_data_masked(chat, app_server):
    chat.open("lk")
    reply = chat.send(PERSONAL)
    # The outage flow asks where: the reply is the flow's first question.
    expect(reply).to_contain_text("населённый пункт")

    # The app writes its queued rows in batches, and the last ones when it exits.
    app_server.stop()
    rows = read_log(app_server.chat_log).to_dict("records")
    assert rows
    assert {row["channel"] for row in rows} == {"lk"}
    texts = [row["masked_text"] for row in rows]
    assert PERSONAL_MASKED in texts
    for part in PERSONAL_PARTS:
        assert not [text for text in texts if part in text]
