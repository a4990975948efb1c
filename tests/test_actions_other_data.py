"""The same flows on other snapshot files with the same columns, built by build_kb."""

import csv
import re
import shutil
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from assistant import settings
from assistant.dialog import DialogManager
from assistant.store import KnowledgeStore
from pipelines.build_kb import build

MOSCOW = ZoneInfo("Europe/Moscow")
MONDAY_NOON = datetime(2027, 3, 1, 12, 0, tzinfo=MOSCOW)
# Same columns as data/kb, other places and figures.
SNAPSHOTS = {
    "outages_snapshot.csv": [
        ["outage_id", "kind", "district", "settlement", "addresses", "starts_at",
         "ends_at", "ends_at_is_estimate", "reason", "status", "households",
         "snapshot_at"],
        ["А-90001", "аварийное", "Зеленоградский", "Крюково", "ул. Ветеринарная, д. 2–20",
         "2027-03-01T09:00+03:00", "2027-03-01T15:00+03:00", "1",
         "обрыв провода ВЛ-0,4 кВ", "ведутся работы", "40", "2027-03-01T11:00+03:00"],
        ["П-90002", "плановое", "Зеленоградский", "Крюково", "ул. Заводская",
         "2027-03-04T10:00+03:00", "2027-03-04T13:00+03:00", "0",
         "замена опор ВЛ-0,4 кВ", "запланировано", "25", "2027-03-01T11:00+03:00"],
    ],
    "applications_snapshot.csv": [
        ["application_no", "kind", "service_name", "applicant_type", "power_kw",
         "settlement", "submitted_at", "status", "status_changed_at", "phone_last4",
         "channel", "snapshot_at"],
        ["ТП-27-000123", "tp_primary", "", "физическое лицо", "15", "Крюково",
         "2027-02-01", "зарегистрирована", "2027-02-26", "0042", "lk",
         "2027-03-01T11:00+03:00"],
    ],
    "offices_sample.csv": [
        ["office_id", "name", "branch", "district", "town", "address", "hours",
         "closed_days", "appointment_slots", "source"],
        ["OF900", "Клиентский офис «Зеленоград»", "Северные электрические сети",
         "Зеленоградский", "Зеленоград", "Панфиловский проспект, д. 1",
         "пн–пт 10:00–15:00", "сб, вс", "пн–пт, каждые 30 минут в часы приёма", "sample"],
    ],
    "settlements.csv": [
        ["settlement", "district"],
        ["Крюково", "Зеленоградский"],
        ["Зеленоград", "Зеленоградский"],
    ],
}


def write_rows(path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)


@pytest.fixture(scope="module")
def other_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("other_kb")
    sources = folder / "kb"
    shutil.copytree(settings.KB_SOURCE_DIR, sources)
    for name, rows in SNAPSHOTS.items():
        write_rows(sources / name, rows)
    build(sources, folder / "kb.duckdb", folder / "validation")
    with KnowledgeStore(folder / "kb.duckdb") as store:
        yield store


@pytest.fixture
def manager(dialog_manager, other_store, tmp_path, monkeypatch):
    monkeypatch.setenv(settings.BOOKINGS_URL_ENV, f"sqlite:///{tmp_path / 'b.sqlite'}")
    return DialogManager(dialog_manager.classifier, other_store,
                         clock=lambda: MONDAY_NOON)


def talk(manager, *texts):
    session = manager.new_session()
    return [manager.reply(session, text) for text in texts]


def test_outages_come_from_the_other_snapshot(manager):
    (answer,) = talk(manager, "Когда дадут свет? Крюково, ул. Ветеринарная 5")

    assert "обрыв провода ВЛ-0,4 кВ" in answer.text
    assert "с 01.03 09:00 до 01.03 15:00" in answer.text
    assert "Сведения на 01.03 11:00" in answer.text


def test_a_status_comes_from_the_other_snapshot(manager):
    *_, status = talk(manager, "Какой статус моей заявки?", "ТП-27-000123", "0042")

    assert "«зарегистрирована», с 26.02.2027" in status.text
    assert "до 12.03.2027" in status.text


def test_offices_come_from_the_other_directory(manager):
    (answer,) = talk(manager, "Где офис в Крюково?")

    assert "Панфиловский проспект, д. 1" in answer.text
    assert "Сейчас открыт, до 15:00." in answer.text


def test_a_booking_uses_the_other_offices_hours(manager):
    replies = talk(manager, "Хочу записаться на приём в офис", "Зеленоград",
                   "Другой вопрос", "02.03", "10:00", "Анна Иванова",
                   "+7 916 123-45-67")

    assert replies[3].suggestions[0] == "10:00"
    assert re.search(r"Код записи: [A-Z0-9]{6}", replies[-1].text)
