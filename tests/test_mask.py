"""Personal data masking: text → masked text, as the chat log and the data keep it."""

import json
import subprocess
import sys

import pytest

from assistant import settings
from assistant.mask import EMAIL_PATTERN, PHONE_PATTERN, find_spans, mask_text, tags
from bench.masking import (
    CASES_JSONL,
    GROUPS,
    MARKED_TXT,
    PRECISION_TARGET,
    RECALL_TARGETS,
    TYPES,
    masking_figures,
    parse_marked,
)


@pytest.mark.parametrize(
    "text, masked",
    [
        ("+7 (985) 114-67-29", "<PHONE>"),
        ("Мой номер +7 (985) 114-67-29, перезвоните", "Мой номер <PHONE>, перезвоните"),
        ("Звоните 8-985-114-67-29", "Звоните <PHONE>"),
        ("89851146729 это мой мобильный", "<PHONE> это мой мобильный"),
        ("Телефон 8 (495) 123 45 67", "Телефон <PHONE>"),
        ("тел.: 8 495 123-45-67", "тел.: <PHONE>"),
        ("+79851146729", "<PHONE>"),
        ("7 985 114 67 29", "<PHONE>"),
        ("+7-985-114-67-29", "<PHONE>"),
        ("8(985)1146729", "<PHONE>"),
        ("Звоните +7 985 114 67 29 или 8 495 123-45-67", "Звоните <PHONE> или <PHONE>"),
        ("Телефон 985 114-67-29", "Телефон <PHONE>"),
        ("домашний (495) 123-45-67", "домашний <PHONE>"),
        ("перезвоните на 9851146729", "перезвоните на <PHONE>"),
        ("звоните 123-45-67 вечером", "звоните <PHONE> вечером"),
        ("тел89161234567 свет моргает", "тел<PHONE> свет моргает"),
        ("мой номер +375 29 765-43-21", "мой номер <PHONE>"),
    ],
)
def test_phone_numbers_in_russian_forms_become_a_phone_tag(text, masked):
    assert mask_text(text) == masked


@pytest.mark.parametrize(
    "text, masked",
    [
        ("Пишите на ivan.petrov@mail.ru", "Пишите на <EMAIL>"),
        ("почта: test_user+1@yandex.ru.", "почта: <EMAIL>."),
        ("ivan@mail.ru, +7(985)1146729", "<EMAIL>, <PHONE>"),
        ("ПИШИТЕ НА IVANOVA.N@MAIL.RU", "ПИШИТЕ НА <EMAIL>"),
    ],
)
def test_email_addresses_become_an_email_tag(text, masked):
    assert mask_text(text) == masked


@pytest.mark.parametrize(
    "text, masked",
    [
        ("Меня зовут Иван Петров, нужна помощь", "Меня зовут <PER>, нужна помощь"),
        ("Я Петрова Мария Ивановна, проживаю в Химках", "Я <PER>, проживаю в Химках"),
        ("Здравствуйте, меня зовут Анна", "Здравствуйте, меня зовут <PER>"),
        ("Свяжитесь с Сергеем Ивановичем", "Свяжитесь с <PER>"),
        ("Иванов И.И. просит перезвонить", "<PER> просит перезвонить"),
        (
            "Петров Иван, тел. 8-985-114-67-29, ivan@mail.ru",
            "<PER>, тел. <PHONE>, <EMAIL>",
        ),
        ("My name is Ivan Petrov", "My name is <PER>"),
        ("меня зовут иван петров", "меня зовут <PER>"),
        ("иванова ольга петровна, лицевой счёт не знаю", "<PER>, лицевой счёт не знаю"),
        ("ПЕТРОВ СЕРГЕЙ ЗАЯВКА НА ПОДКЛЮЧЕНИЕ", "<PER> ЗАЯВКА НА ПОДКЛЮЧЕНИЕ"),
        ("с уважением гусев павел", "с уважением <PER>"),
        ("меня зовут вера, свет пропал", "меня зовут <PER>, свет пропал"),
        ("Вчера приезжал мастер Кузнецов", "Вчера приезжал мастер <PER>"),
        ("ИП Хачатрян Арам, нужно 60 кВт", "ИП <PER>, нужно 60 кВт"),
        ("Председатель СНТ Кузьмин Виктор Иванович", "Председатель СНТ <PER>"),
    ],
)
def test_person_names_in_any_case_become_a_per_tag(text, masked):
    assert mask_text(text) == masked


@pytest.mark.parametrize(
    "text, masked",
    [
        ("Адрес: г. Москва, ул. Ленина, д. 5", "Адрес: г. Москва, <ADDRESS>"),
        ("нет света, ул. Садовая, д. 15, кв. 12", "нет света, <ADDRESS>"),
        ("живу улица Садовая 15-3, искрит щиток", "живу <ADDRESS>, искрит щиток"),
        ("г. Ногинск, Садовая ул., 15", "г. Ногинск, <ADDRESS>"),
        ("пр-т Мира, д. 44, корп. 2, кв. 108", "<ADDRESS>"),
        ("Истра, д. Петрово, д. 17", "Истра, <ADDRESS>"),
        ("СНТ «Ромашка», уч. 45, упал провод", "<ADDRESS>, упал провод"),
        ("в квартире (д. 5, кв. 12) нет света", "в квартире (<ADDRESS>) нет света"),
        ("ул.Лесная,д.4 прошу электрика", "<ADDRESS> прошу электрика"),
        ("проспект Мира 101к2 без света", "<ADDRESS> без света"),
    ],
)
def test_addresses_with_a_house_number_become_an_address_tag(text, masked):
    assert mask_text(text) == masked


@pytest.mark.parametrize(
    "text, masked",
    [
        ("паспорт 4510 123456, выдан ОВД", "паспорт <PASSPORT>, выдан ОВД"),
        ("данные: 45 10 123456", "данные: <PASSPORT>"),
        ("серия 4615 № 123456", "серия <PASSPORT>"),
        ("СНИЛС 123-456-789 01", "СНИЛС <SNILS>"),
        ("снилс 11223344595 не сохраняется", "снилс <SNILS> не сохраняется"),
        ("ИНН 7707083893", "ИНН <INN>"),
        ("инн:500100732259 ИП", "инн:<INN> ИП"),
        ("502701234533 это мой ИНН", "<INN> это мой ИНН"),
        ("Оплатил картой 4276 3800 1234 5679", "Оплатил картой <CARD>"),
        ("карта 5469380012345673", "карта <CARD>"),
        ("Лицевой счёт 123456789012", "Лицевой счёт <ACCOUNT>"),
        ("лицевой 12345678, показания 4521", "лицевой <ACCOUNT>, показания 4521"),
        ("л/с 62418-035-77", "л/с <ACCOUNT>"),
    ],
)
def test_document_and_account_numbers_become_their_tags(text, masked):
    assert mask_text(text) == masked


@pytest.mark.parametrize(
    "text, masked",
    [
        ("Статус заявки ТП-26-171537?", "Статус заявки <APPLICATION>?"),
        ("Заявка № 26-171537 от 12.03.2026", "Заявка № <APPLICATION> от 12.03.2026"),
        ("мне дали номер ДУ-2024-0567", "мне дали номер <APPLICATION>"),
        ("По заявке № 2024-ТП-556781 тишина", "По заявке № <APPLICATION> тишина"),
        ("номер И-24-00-207733/104", "номер <APPLICATION>"),
        ("тп-26-590321 акты подписаны", "<APPLICATION> акты подписаны"),
        ("статус тп 26 171537 пожалуйста", "статус <APPLICATION> пожалуйста"),
        ("номер у 26 000000", "номер <APPLICATION>"),
        ("Тп–26–171537", "<APPLICATION>"),
    ],
)
def test_application_numbers_become_an_application_tag(text, masked):
    assert mask_text(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "Сколько стоит подключение 15 кВт?",
        "Показания 12345 кВт·ч",
        "Напряжение 0,4 кВ, мощность 150 кВт",
        "Было 220 В, стало 380 В",
        "Счёт на 48 600 руб. за подключение",
        "По ПП № 262 меня должны подключить за 4 месяца",
        "Счётчик поменяют бесплатно по закону 522-ФЗ?",
        "Позвонил на горячую линию 8 800 220-0-220",
        "«Светлая линия» 8-800-220-0-220 работает?",
        "Подал заявку 12.03.2026 в 14:30",
        "Авария на ТП-125, упала опора ВЛ-10 кВ",
        "Подстанция 110/35/10 кВ «Заречная»",
        "ГОСТ 32144-2013 нарушается, напряжение 190 В",
        "Когда дадут свет на улице Ленина?",
        "Когда дадут свет на улице Ленина в Одинцово?",
        "Что случилось на улице Клары Цеткин в Шатуре?",
        "Почему на улице Гагарина 3 дня нет света?",
        "отключение на ул. Мира, д. 28–44 закончилось?",
        "Сергиев Посад, проспект Красной Армии, моргает свет",
        "В Королёве и Чехове выбило свет",
        "Вера в вашу компанию пропала",
        "Слава богу, свет дали",
        "Почему Мосэнергосбыт выставил счёт по нормативу?",
        "Можно ли подать заявку через Госуслуги?",
        "участок 15 соток, дом 120 кв. м",
        "Где узнать номер лицевого счёта?",
        "",
        "   ",
    ],
)
def test_text_without_personal_data_stays_unchanged(text):
    assert mask_text(text) == text


def test_masked_text_matches_no_contact_pattern_the_validate_stage_checks():
    text = "Иван, 8 (495) 123 45 67 или ivan@mail.ru, а ещё 985 114 67 29 и 123-45-67"
    masked = mask_text(text)

    assert not PHONE_PATTERN.search(masked)
    assert not EMAIL_PATTERN.search(masked)


def test_every_type_has_a_placeholder_that_names_it():
    for kind in TYPES:
        assert tags()[kind] == f"<{kind}>"


def test_spans_are_sorted_and_never_overlap():
    text = "Петров Иван, ул. Ленина, д. 5, тел. 8 916 123-45-67, ИНН 7707083893"
    spans = find_spans(text)

    assert [span.type for span in spans] == ["PER", "ADDRESS", "PHONE", "INN"]
    assert all(
        left.end <= right.start for left, right in zip(spans, spans[1:], strict=False)
    )


def test_a_marked_line_gives_offsets_into_the_plain_text():
    case = parse_marked("Я [[PER:Анна]], тел. [[PHONE:8 916 123-45-67]]")

    assert case["text"] == "Я Анна, тел. 8 916 123-45-67"
    assert [case["text"][s["start"] : s["end"]] for s in case["spans"]] == [
        "Анна",
        "8 916 123-45-67",
    ]


def test_the_labelled_cases_are_the_marked_source_converted():
    lines = MARKED_TXT.read_text(encoding="utf-8").splitlines()
    marked = [parse_marked(line) for line in lines if line and not line.startswith("#")]
    with CASES_JSONL.open(encoding="utf-8") as handle:
        stored = [json.loads(line) for line in handle]

    assert stored == marked
    assert len(stored) >= 150


@pytest.fixture(scope="module")
def figures():
    return masking_figures()


@pytest.mark.parametrize("group", list(GROUPS))
def test_masking_recall_on_the_labelled_cases_meets_its_target(figures, group):
    assert figures["groups"][group]["recall"] >= RECALL_TARGETS[group]


def test_masking_precision_on_the_labelled_cases_meets_its_target(figures):
    assert figures["overall"]["precision"] >= PRECISION_TARGET


def test_mask_command_masks_json_lines_and_skips_broken_ones():
    texts = ["Меня зовут Иван Петров, тел. 8 916 123-45-67", "Когда дадут свет?"]
    lines = [json.dumps({"text": text}, ensure_ascii=False) for text in texts]
    lines.insert(1, "это не JSON {")
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "mask"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        cwd=settings.ROOT,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        {"masked": "Меня зовут <PER>, тел. <PHONE>"},
        {"masked": "Когда дадут свет?"},
    ]
    assert "line 2 is not JSON" in result.stderr
