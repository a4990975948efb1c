"""The nearest offices: the district's first, then by distance from the coordinates of the
places, and the coordinates table checked by the knowledge-base build."""

import re
import shutil
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from assistant import settings
from assistant.dialog import DialogManager
from assistant.offices import great_circle_km
from pipelines.build_kb import KbValidationError, build

MOSCOW = ZoneInfo("Europe/Moscow")
THURSDAY_MORNING = datetime(2026, 12, 3, 10, 0, tzinfo=MOSCOW)
KILOMETRES = re.compile(r"— около (\d+) км")
COORDINATES = "settlement_coordinates.csv"


@pytest.fixture
def manager(dialog_manager):
    return DialogManager(dialog_manager.classifier, dialog_manager.store,
                         clock=lambda: THURSDAY_MORNING)


def ask(manager: DialogManager, text: str):
    return manager.reply(manager.new_session(), text)


@pytest.mark.parametrize(
    "message, nearest, kilometres",
    [
        ("Где офис в Клину?", "Клиентский офис «Солнечногорск»", 23),
        ("Где ближайший клиентский офис в Лобне?", "Клиентский офис «Мытищи»", 21),
        ("Адрес вашего офиса в Кашире", "Клиентский офис «Ступино»", 9),
        ("Где офис в Электрогорске?", "Клиентский офис «Ногинск»", 21),
    ],
)
def test_a_town_without_an_office_in_its_district_gets_the_nearest_ones(
        manager, message, nearest, kilometres):
    answer = ask(manager, message)

    lines = [line for line in answer.text.splitlines() if line.startswith("• ")]
    distances = [int(KILOMETRES.search(line).group(1)) for line in lines]
    assert "клиентского офиса нет" in answer.text and "по прямой" in answer.text
    assert lines[0].startswith(f"• {nearest}")
    assert distances[0] == kilometres
    assert len(lines) == 3 and distances == sorted(distances)


def test_the_districts_office_comes_first_even_with_coordinates_known(manager):
    answer = ask(manager, "Где офис в Климовске?")

    assert "в том же округе (Подольск)" in answer.text
    assert "Клиентский офис «Подольск»: Подольск, ул. Речная, д. 3 — около 7 км" \
        in answer.text


def test_a_town_of_new_moscow_gets_its_okrugs_office_first(manager):
    answer = ask(manager, "Где офис в Щербинке?")

    assert "в том же округе (Новомосковский (Москва))" in answer.text
    assert answer.text.splitlines()[1].startswith("• Клиентский офис «Московский»")


def test_a_town_with_its_own_office_shows_no_distance(manager):
    answer = ask(manager, "Адрес офиса в Ногинске и часы работы")

    assert "ул. Садовая, д. 15." in answer.text
    assert not KILOMETRES.search(answer.text)


def test_a_bare_town_after_an_office_answer_gets_the_offices_there(manager):
    session = manager.new_session()
    manager.reply(session, "Где офис в Кашире?")

    lobnya = manager.reply(session, "Лобня")
    manager.reply(session, "спасибо")
    khimki = manager.reply(session, "Химки")

    assert lobnya.label == "offices" and "Клиентский офис «Мытищи»" in lobnya.text
    assert khimki.label == "offices" and "Химки" in khimki.text


def test_a_bare_town_with_no_office_answer_before_is_not_taken_for_offices(manager):
    session = manager.new_session()
    manager.reply(session, "Как передать показания счётчика?")

    assert manager.reply(session, "Лобня").label != "offices"


def test_every_office_town_has_coordinates(knowledge_store):
    towns = set(knowledge_store.table("offices")["town"])
    places = set(knowledge_store.table("settlement_coordinates")["place"])

    assert towns <= places


def test_a_degree_of_longitude_on_the_equator_is_about_111_km():
    distance = great_circle_km((0.0, 0.0), np.array([0.0]), np.array([1.0]))

    assert distance[0] == pytest.approx(111.19, abs=0.01)


@pytest.mark.parametrize(
    "column, value",
    [
        # Swapped columns: a longitude where the latitude goes.
        ("latitude", "37.6178"),
        # A lost digit puts the town in another country.
        ("longitude", "3.6178"),
        ("source", ""),
    ],
)
def test_a_coordinate_outside_the_region_or_without_source_stops_the_build(
        tmp_path, column, value):
    sources = tmp_path / "kb"
    shutil.copytree(settings.KB_SOURCE_DIR, sources)
    path = sources / COORDINATES
    frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    frame.loc[0, column] = value
    frame.to_csv(path, sep=";", index=False)

    with pytest.raises(KbValidationError, match="settlement_coordinates"):
        build(sources, tmp_path / "kb.duckdb", tmp_path / "validation")
