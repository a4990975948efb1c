"""Outage answers as a new client meets them: times around now, streets the snapshot does
not know, Moscow and the region, follow-ups about the last address.

Every dialog runs through the real DialogManager with the trained model and the built
knowledge store; only "now" is pinned. The snapshot was taken on 03.12 at 08:00.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from assistant.dialog import DialogManager

MOSCOW = ZoneInfo("Europe/Moscow")
SNAPSHOT_MORNING = datetime(2026, 12, 3, 10, 0, tzinfo=MOSCOW)
NEXT_AFTERNOON = datetime(2026, 12, 4, 14, 20, tzinfo=MOSCOW)
HOT_LINE = "8 800 220-0-220"
OTHER_GRID_PHONE = "+7 495 99-500-99"


def manager_at(dialog_manager, moment: datetime) -> DialogManager:
    return DialogManager(dialog_manager.classifier, dialog_manager.store,
                         clock=lambda: moment)


@pytest.fixture
def manager(dialog_manager):
    return manager_at(dialog_manager, SNAPSHOT_MORNING)


def talk(manager: DialogManager, *texts: str, session=None):
    session = session or manager.new_session()
    return [manager.reply(session, text) for text in texts]


# Times: coming, going on, due to have ended.

def test_works_whose_end_has_passed_are_not_said_to_go_on_now(dialog_manager):
    later = manager_at(dialog_manager, NEXT_AFTERNOON)

    (answer,) = talk(later, "Нет света, Дубровицы, ул. Дачная")

    assert "Сейчас идёт" not in answer.text
    assert "по сведениям на 03.12 08:00" in answer.text
    assert "должны были закончиться к 03.12 09:20" in answer.text
    assert "могли устареть" in answer.text
    assert answer.text.count(HOT_LINE) == 1


@pytest.mark.parametrize(
    "hour, said, not_said",
    [
        (10, "Сейчас идёт аварийное отключение", "должны были закончиться"),
        (12, "должны были закончиться к 03.12 11:35", "Сейчас идёт"),
    ],
)
def test_works_going_on_are_current_until_their_end_then_overdue(dialog_manager, hour,
                                                                  said, not_said):
    at_hour = manager_at(dialog_manager, datetime(2026, 12, 3, hour, 0, tzinfo=MOSCOW))

    (answer,) = talk(at_hour, "Когда дадут свет? Внуково, ул. Дачная, 40")

    assert said in answer.text and not_said not in answer.text
    assert "сейчас отключений в наших сведениях нет" not in answer.text


def test_a_planned_outage_is_coming_before_it_starts_and_gone_after_it_ends(
        dialog_manager):
    question = "Будет отключение света в Тучково на ул. Вокзальной 30?"
    (coming,) = talk(manager_at(dialog_manager, SNAPSHOT_MORNING), question)
    (gone,) = talk(manager_at(dialog_manager, NEXT_AFTERNOON), question)

    assert "Плановое отключение (ул. Вокзальная, д. 20, 30, 36): с 04.12 09:00" in coming.text
    assert "Сейчас идёт" not in coming.text
    assert coming.text.startswith("По адресу «Тучково, ул. Вокзальная, д. 30» сейчас "
                                  "отключений в наших сведениях нет. Запланировано")
    assert "04.12 09:00" not in gone.text


# Streets the snapshot does not know.

def test_an_unknown_street_is_not_answered_like_a_known_one(manager):
    (unknown,) = talk(manager, "Нет света, Подольск, улица Космонавтов 5")
    (known,) = talk(manager, "Нет света, Подольск, улица Вокзальная 15")

    assert "«Космонавтов» нет среди улиц «Подольск»" in unknown.text
    assert "действующих и запланированных отключений" not in unknown.text
    assert HOT_LINE in unknown.text and "светлаястрана.рф" in unknown.text
    assert "действующих и запланированных отключений" in known.text


def test_an_unknown_street_offers_the_settlements_outages(manager):
    session = manager.new_session()
    (unknown,) = talk(manager, "Нет света, Подольск, улица Космонавтов 5", session=session)
    (listed,) = talk(manager, "Все улицы", session=session)

    assert "На других улицах населённого пункта «Подольск» — " in unknown.text
    assert unknown.suggestions == ["Все улицы"]
    assert "По адресу «Подольск» сейчас отключений в наших сведениях нет. Запланировано — " \
        in listed.text


def test_a_misspelt_street_is_offered_as_the_street_it_resembles(manager):
    session = manager.new_session()
    (offered,) = talk(manager, "Нет света в Яхроме, ул. Ленена", session=session)
    (chosen,) = talk(manager, offered.suggestions[0], session=session)

    assert "«Ленена» нет среди улиц «Яхрома»" in offered.text
    assert offered.suggestions[0] == "ул. Ленина"
    assert "По адресу «Яхрома, ул. Ленина»" in chosen.text


def test_an_unknown_street_with_nothing_to_offer_ends_the_lookup(manager):
    session = manager.new_session()
    (answer,) = talk(manager, "Нет света в Москве, улица Космонавтов 5", session=session)

    assert "«Космонавтов» нет среди улиц «Москва»" in answer.text
    assert HOT_LINE in answer.text
    assert answer.suggestions == [] and session.flow is None


@pytest.mark.parametrize("message", ["Нет света в Химках", "Отключили свет в Щербинке"])
def test_a_known_town_with_no_outages_is_answered_at_once(manager, message):
    (answer,) = talk(manager, message)

    assert "действующих и запланированных отключений в наших сведениях нет" in answer.text
    assert HOT_LINE in answer.text and "светлаястрана.рф" in answer.text
    assert "нет среди населённых пунктов" not in answer.text


def test_a_street_after_the_answer_for_a_town_with_no_outages_is_looked_up(manager):
    *_, answer = talk(manager, "Нет света", "Химки", "ул. Ленинградская 10")

    assert answer.label == "outages"
    assert "«Ленинградская» нет среди улиц «Химки»" in answer.text
    assert HOT_LINE in answer.text


# Moscow and the region.

def test_moscow_is_not_sent_to_the_regions_grid_company(manager):
    replies = talk(manager, "Нет света в Москве", "Все улицы")

    assert "«Москва»" in replies[0].text
    assert all("Мособлэнерго" not in reply.text for reply in replies)
    assert HOT_LINE in replies[-1].text


def test_new_moscow_is_not_sent_to_the_regions_grid_company(manager):
    (answer,) = talk(manager, "Когда дадут свет? Внуково, ул. Дачная, 20")

    assert "действующих и запланированных отключений" in answer.text
    assert "Мособлэнерго" not in answer.text and OTHER_GRID_PHONE not in answer.text


@pytest.mark.parametrize(
    "message",
    ["Нет света, Подольск, улица Вокзальная 15", "Отключили свет в Кашире, когда включат?"],
)
def test_in_the_region_another_grid_company_is_mentioned(manager, message):
    (answer,) = talk(manager, message)

    assert "Мособлэнерго" in answer.text and OTHER_GRID_PHONE in answer.text


@pytest.mark.parametrize(
    "waiting, place",
    [
        (("Нет света", "Подольск, ул. Космонавтов 3"), "Урюпинск"),
        (("Нет света", "Внуково"), "Урюпинск"),
        (("Нет света", "Подольск"), "Тверь"),
    ],
)
def test_a_new_unknown_place_while_the_flow_waits_replaces_the_old_one(
    manager, waiting, place
):
    *_, answer = talk(manager, *waiting, f"Когда дадут свет? {place}, улица Ленина 5")

    assert f"«{place}» нет среди населённых пунктов" in answer.text
    assert "Москвы и Московской области" in answer.text
    assert "Подольск" not in answer.text and "Внуково" not in answer.text


def test_a_new_known_place_while_the_flow_waits_is_looked_up(manager):
    *_, answer = talk(manager, "Нет света", "Подольск, ул. Космонавтов 3",
                      "Дубровицы, ул. Дачная")

    assert "Дубровицы" in answer.text and "Подольск" not in answer.text


# Follow-ups about the last address.

def test_a_follow_up_is_answered_for_the_last_address(manager):
    first, follow_up = talk(manager, "Падольск, улица Вокзальня 15, нет света",
                            "А когда дадут свет?")

    assert follow_up.action == "outages"
    assert "«Подольск, ул. Вокзальная, д. 15»" in follow_up.text
    assert "из нашего разговора" in follow_up.text
    assert "Напишите населённый пункт" not in follow_up.text
    assert follow_up.suggestions == ["Проверить другой адрес"]


def test_another_address_can_be_named_after_a_follow_up(manager):
    *_, asked, answer = talk(manager, "Падольск, улица Вокзальня 15, нет света",
                             "А когда дадут свет?", "Проверить другой адрес",
                             "Внуково, ул. Дачная, 40")

    assert asked.action == "outages" and "Напишите населённый пункт" in asked.text
    assert "По адресу «Внуково, ул. Дачная, д. 40» — 1 отключение:" in answer.text


def test_a_street_alone_after_an_answer_is_looked_up_in_the_same_settlement(manager):
    *_, answer = talk(manager, "Падольск, улица Вокзальня 15, нет света",
                      "А на улице Центральной когда будет отключение света?")

    assert "«Подольск, ул. Центральная» сейчас отключений в наших сведениях нет. " \
        "Запланировано — 1 отключение:" in answer.text


def test_a_house_number_after_an_answer_narrows_it_to_that_house(manager):
    first, inside, outside = talk(manager, "Будет отключение в Ступино на улице Вокзальной?",
                                  "дом 15", "д. 50")

    assert "«Ступино, ул. Вокзальная» сейчас отключений в наших сведениях нет" in first.text
    assert inside.action == outside.action == "outages"
    assert "«Ступино, ул. Вокзальная, д. 15» сейчас" in inside.text
    assert "Запланировано — 1 отключение:" in inside.text
    assert "«Ступино, ул. Вокзальная, д. 50»" in outside.text
    assert "отключение:" not in outside.text


def test_a_new_session_remembers_no_address(manager):
    talk(manager, "Падольск, улица Вокзальня 15, нет света")

    (asked,) = talk(manager, "А когда дадут свет?")

    assert "Напишите населённый пункт" in asked.text


@pytest.mark.parametrize("address", ["Дубровицы, ул. Дачная", "Подольск, улица Космонавтов 5"])
def test_a_bare_address_as_the_first_message_is_looked_up_for_outages(manager, address):
    (reply,) = talk(manager, address)

    assert reply.label == "outages"
    assert reply.outcome == "answered"


def test_a_question_with_a_place_is_not_taken_for_a_bare_address(manager):
    (reply,) = talk(manager, "Где офис в Подольске?")

    assert reply.label == "offices"
