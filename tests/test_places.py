"""Settlements, streets and houses read from client messages and from the snapshot."""

import pytest

from assistant.places import find_address, named_place, similar_streets
from assistant.streets import parse_addresses, parse_street

SETTLEMENTS = ("Внуково", "Лесной Городок", "Московский", "Наро-Фоминск", "Подольск",
               "Раменское", "Сергиев Посад")
SNAPSHOT_CELLS = (
    "ул. Лесная, д. 28–44; ул. Вокзальная, д. 10–35",
    "ул. Садовый пер., д. 27, 39, 68; ул. Садовая; СНТ «Мечта»",
)
STREETS = tuple(part.street for cell in SNAPSHOT_CELLS for part in parse_addresses(cell))


@pytest.mark.parametrize(
    "message, settlement, street, house",
    [
        ("Подольск, ул. Лесная, 30", "Подольск", "ул. Лесная", 30),
        ("нет света в подольске на лесной улице дом 30", "Подольск", "ул. Лесная", 30),
        ("Падольск улица Вокзальня 15", "Подольск", "ул. Вокзальная", 15),
        ("в Сергиевом Посаде, Садовый переулок 27", "Сергиев Посад", "Садовый пер.", 27),
        ("Наро-Фоминске Садовая 12", "Наро-Фоминск", "ул. Садовая", 12),
        ("Лесной Городок, ул. Лесная", "Лесной Городок", "ул. Лесная", None),
        ("внуково снт мечта", "Внуково", "СНТ «Мечта»", None),
        ("ул. Лесная, д. 30а", None, "ул. Лесная", 30),
        ("Когда дадут свет?", None, None, None),
        ("", None, None, None),
        ("😀😀😀", None, None, None),
        ("<b>Подольск</b>", "Подольск", None, None),
        ("Московская область, Раменское, ул. Лесная", "Раменское", "ул. Лесная", None),
        ("Моск. обл., г. Подольск, Вокзальная 15", "Подольск", "ул. Вокзальная", 15),
        ("Раменский район, Внуково", "Внуково", None, None),
    ],
)
def test_an_address_is_read_from_a_message(message, settlement, street, house):
    address = find_address(message, SETTLEMENTS, STREETS)

    assert address.settlement == settlement
    assert (address.street.name if address.street else None) == street
    assert address.house == house


def test_a_street_we_know_nothing_of_is_still_read_as_a_street():
    address = find_address("Подольск, ул. Несуществующая 5", SETTLEMENTS, STREETS)

    assert address.street.name == "Несуществующая"
    assert address.street not in STREETS


@pytest.mark.parametrize(
    "typed, offered",
    [
        ("ул. Ленена", ["ул. Ленина"]),
        ("ул. Космонавтов", []),
        # A street is not offered for a lane.
        ("пер. Ленена", []),
    ],
)
def test_a_street_too_far_to_be_taken_is_offered_if_close(typed, offered):
    known = tuple(parse_street(name) for name in ("ул. Ленина", "ул. Лесная"))
    street = find_address(typed, (), known).street

    assert [found.name for found in similar_streets(street, known)] == offered


@pytest.mark.parametrize(
    "cell, houses_by_street",
    [
        ("ул. Лесная, д. 28–44", {"ул. Лесная": ((28, 44),)}),
        ("ул. Садовый пер., д. 27, 39, 68", {"Садовый пер.": ((27, 27), (39, 39), (68, 68))}),
        ("ул. Мира; СНТ «Мечта»", {"ул. Мира": (), "СНТ «Мечта»": ()}),
    ],
)
def test_snapshot_addresses_are_split_into_streets_and_houses(cell, houses_by_street):
    parts = parse_addresses(cell)

    assert {part.street.name: part.houses for part in parts} == houses_by_street


def test_a_whole_street_covers_every_house_and_a_range_only_its_own():
    whole, ranged = parse_addresses("ул. Мира; ул. Лесная, д. 28–44")

    assert whole.covers(1) and whole.covers(None)
    assert ranged.covers(28) and ranged.covers(44) and not ranged.covers(45)


@pytest.mark.parametrize(
    "message, place",
    [
        ("Отключили свет в Москве, когда включат?", "Москва"),
        ("в Кашире нет света", "Кашира"),
        ("Наро-Фоминске", "Наро-Фоминск"),
        ("Нет света на улице Ленина", None),
        ("На Садовой улице нет света", None),
        ("Свет отключили на Московском шоссе", None),
        ("Отключение электроэнергии в Подмосковье", None),
        ("в Каширском районе", None),
        ("Когда дадут свет?", None),
    ],
)
def test_a_location_is_a_settlement_only_when_no_street_or_region_word_goes_with_it(
    message, place
):
    assert named_place(message) == place
