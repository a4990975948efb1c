"""The input guard: which messages cannot be classified, and which are small talk."""

import pytest

from assistant.guard import check_message, has_known_word, is_refusal, is_small_talk


@pytest.mark.parametrize(
    "text",
    [
        "How much does it cost to connect my house to the grid?",
        "Hello",
        "Hello, when will the power be back?",
        "Is it free?",
        "Where is the nearest office?",
        "hi alert(1)",
    ],
)
def test_english_is_not_russian(text):
    assert check_message(text).problem == "not_russian"


@pytest.mark.parametrize(
    "text",
    [
        "skolko stoit podkluchenie",
        "kogda dadut svet",
        "net sveta",
        "do 15 kvt",
        "a skolko stoit?",
        "ghbdtn",
        "15 kw",
        "Ivan Petrov",
        "AB12CD",
    ],
)
def test_translit_layout_codes_and_names_reach_the_dialog(text):
    assert check_message(text).problem is None


@pytest.mark.parametrize(
    "text",
    ["<b>hi</b><script>alert(1)</script>", "<script>alert(1)</script>", "<div><br></div>?"],
)
def test_a_message_that_is_mostly_markup_is_marked(text):
    assert check_message(text).problem == "markup_only"


@pytest.mark.parametrize("text", ["<b>Привет</b>", "<p>Когда дадут свет?</p>"])
def test_words_inside_markup_are_kept(text):
    checked = check_message(text)

    assert checked.problem is None
    assert "<" not in checked.text


@pytest.mark.parametrize(
    "text, small_talk",
    [
        ("Здравствуйте", True),
        ("Добрый вечер!", True),
        ("Спасибо большое за помощь", True),
        ("Спасибо, Мария", True),
        ("До свидания", True),
        ("Всего доброго", True),
        ("privet", True),
        ("до 0,4", False),
        ("до 15", False),
        ("спасибо, 15 кВт", False),
        ("Добрый день, подскажите, когда дадут свет", False),
        ("привет, как подключить дом", False),
        ("а телефон?", False),
        ("а сроки?", False),
    ],
)
def test_small_talk_has_no_figures_and_hardly_a_word_beyond_courtesy(text, small_talk):
    assert is_small_talk(text) is small_talk


@pytest.mark.parametrize(
    "text, known",
    [
        ("Здравствуйте", True),
        ("приветик", True),
        ("пасиб", True),
        ("абракадабра", True),
        ("когда свет", True),
        ("зюзюка кракозябра", False),
        ("фыва пролдж", False),
        ("ыыыы", False),
    ],
)
def test_made_up_words_are_told_from_real_and_courtesy_ones(text, known):
    assert has_known_word(text) is known


@pytest.mark.parametrize(
    "text, refusal",
    [
        ("отмена", True),
        ("Спасибо, не надо", True),
        ("нет, не нужно, спасибо", True),
        ("я передумал", True),
        ("уже не надо!", True),
        ("не хочу", True),
        ("отмена, не надо", True),
        ("стоп, стоп", True),
        ("нет", False),
        ("спасибо", False),
        ("не надо 10:30", False),
        ("не надо в Подольске, лучше в Одинцово", False),
    ],
)
def test_a_refusal_is_told_from_an_answer_that_says_no(text, refusal):
    assert is_refusal(text) is refusal
