"""Text normalisation: what a client types → what the features see."""

import pytest

from assistant.text import lemmas, normalize, strip_markup


@pytest.mark.parametrize(
    "text, normalized",
    [
        ("Ёлка у счётчика", "елка у счетчика"),
        ("СКОЛЬКО Стоит", "сколько стоит"),
        ("Нужно 15квт", "нужно 15 квт"),
        ("380в и 0,4кв", "380 в и 0,4 кв"),
        ("25кВт на дом", "25 квт на дом"),
        ("спасибооо", "спасибо"),
        ("нееет света", "нет света"),
        # Two equal letters are ordinary Russian spelling and stay.
        ("ввод в дом", "ввод в дом"),
        ("   много   пробелов  ", "много пробелов"),
        ("<b>Свет</b> &nbsp;пропал", "свет пропал"),
        ("<p>Когда&nbsp;дадут&nbsp;свет?</p>", "когда дадут свет?"),
        ("Сколько &amp; как", "сколько & как"),
        ("Заявка ТП-26-171537", "заявка тп-26-171537"),
    ],
)
def test_normalize_lowercases_and_cleans_what_clients_type(text, normalized):
    assert normalize(text) == normalized


def test_a_repeat_at_the_start_of_a_word_is_squeezed_too():
    assert normalize("ооочень долго") == "очень долго"


@pytest.mark.parametrize(
    "text, normalized",
    [
        ("crjkmrj cnjbn gjlrk.xtybt", "сколько стоит подключение"),
        ("Rjulf lflen cdtn?", "когда дадут свет?"),
        ("ghbdtn", "привет"),
    ],
)
def test_a_message_typed_on_the_english_layout_is_read_as_russian(text, normalized):
    assert normalize(text) == normalized


@pytest.mark.parametrize(
    "text, normalized",
    [
        ("zayavka na podklyuchenie", "заявка на подключение"),
        ("kogda dadut svet", "когда дадут свет"),
        ("Kogda dadut svet?", "когда дадут свет?"),
        ("svet propal", "свет пропал"),
    ],
)
def test_transliterated_russian_is_read_as_cyrillic(text, normalized):
    assert normalize(text) == normalized


def test_transliteration_with_iya_and_sch_is_read_as_cyrillic():
    # Translit drops the soft sign («peredat»), so only the words that keep it are exact.
    text = "kak peredat pokazaniya schetchika"
    assert normalize(text).endswith("показания счетчика")


def test_the_word_ooo_keeps_its_three_letters():
    assert normalize("ООО «Ромашка»") == "ооо «ромашка»"


@pytest.mark.parametrize(
    "text",
    ["Hello, can you help?", "I need electricity", "lk.rossetimr.ru", "Wi-Fi"],
)
def test_english_and_addresses_stay_latin(text):
    assert normalize(text) == text.lower()


@pytest.mark.parametrize("text", ["😀🙏", "Свет 💡 пропал", "🔌⚡️", "\u200b", ""])
def test_emoji_and_invisible_characters_do_not_raise(text):
    assert isinstance(normalize(text), str)


def test_strip_markup_unescapes_twice_escaped_entities_before_dropping_tags():
    # Exports escape some texts twice: «&amp;lt;b&amp;gt;» is a tag, not words.
    assert strip_markup("&amp;lt;b&amp;gt;Свет&amp;lt;/b&amp;gt;") == "Свет"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("подключения счётчиков", ["подключение", "счетчик"]),
        ("передали показания", ["передать", "показание"]),
        ("Сколько стоит подключение домов?",
         ["сколько", "стоить", "подключение", "дом"]),
        ("15 кВт", ["15", "квт"]),
    ],
)
def test_lemmas_are_dictionary_forms_without_punctuation(text, expected):
    assert lemmas(normalize(text)) == expected


@pytest.mark.parametrize(
    ("latin", "expected"),
    [
        ("mozhno li peredat tolko", "можно ли передать только"),
        ("skolko stoit podkluchenie", "сколько стоит подключение"),
        ("gde nahoditsya vash ofis", "где находится ваш офис"),
        ("zdravstvuyte", "здравствуйте"),
    ],
)
def test_translit_gets_back_the_soft_letters_latin_spelling_drops(latin, expected):
    assert normalize(latin) == expected
