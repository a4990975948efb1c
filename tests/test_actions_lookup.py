"""Answers that act: outages, application status, offices and booking, as whole dialogs.

Every dialog runs through the real DialogManager with the trained model and the built
knowledge store; only "now" is pinned (a Thursday, two hours after the snapshot).
"""

import re
import sqlite3
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from assistant.bookings import BookingBook
from assistant.dialog import DialogManager

MOSCOW = ZoneInfo("Europe/Moscow")
THURSDAY_MORNING = datetime(2026, 12, 3, 10, 0, tzinfo=MOSCOW)
SATURDAY_MORNING = datetime(2026, 12, 5, 11, 0, tzinfo=MOSCOW)
HOT_LINE = "8 800 220-0-220"
CODE = re.compile(r"Код записи: ([A-Z0-9]{6})")
PHONE = "+7 916 123-45-67"
OTHER_QUESTION = ("Хочу записаться на приём в офис", "Подольск", "Другой вопрос")


def manager_at(dialog_manager, moment: datetime) -> DialogManager:
    """The session's model and store with the clock stopped at `moment`."""
    return DialogManager(dialog_manager.classifier, dialog_manager.store,
                         clock=lambda: moment)


@pytest.fixture
def manager(dialog_manager):
    return manager_at(dialog_manager, THURSDAY_MORNING)


def talk(manager: DialogManager, *texts: str, session=None):
    """Send the texts in one session; the replies in order."""
    session = session or manager.new_session()
    return [manager.reply(session, text) for text in texts]


# Outages.

def test_an_outage_question_asks_for_the_place_then_the_street(manager,
                                                               knowledge_store):
    asked_place, asked_street, answer = talk(
        manager, "Когда дадут свет?", "Внуково", "ул. Дачная, 40")

    assert asked_place.action == "outages"
    assert asked_place.text == knowledge_store.message("outage_ask_place")
    assert "«Внуково»" in asked_street.text
    assert asked_street.suggestions == [knowledge_store.message("outage_all_streets")]
    assert "Сейчас идёт аварийное отключение" in answer.text
    assert "03.12 03:35" in answer.text and "03.12 11:35" in answer.text
    assert "повреждение ВЛ-10 кВ (падение дерева)" in answer.text
    assert knowledge_store.message("outage_estimate") in answer.text
    assert "Сведения на 03.12 08:00" in answer.text


@pytest.mark.parametrize(
    "message",
    [
        "нет света во Внукова на улице Дачня дом 40",
        "Внуково, Дачная 40",
        "ВНУКОВО ул дачной д. 40",
    ],
)
def test_typos_case_forms_and_street_words_find_the_same_outage(manager, message):
    (answer,) = talk(manager, f"Когда дадут свет? {message}")

    assert "с 03.12 03:35 до 03.12 11:35" in answer.text


def test_a_house_outside_the_outage_ranges_has_no_outage(manager, knowledge_store):
    (answer,) = talk(manager, "Когда дадут свет? Подольск, ул. Центральная, 50")

    assert "действующих и запланированных отключений" in answer.text
    assert HOT_LINE in answer.text and "светлаястрана.рф" in answer.text
    assert "+7 495 99-500-99" in answer.text


def test_a_planned_outage_of_one_house_in_a_list(manager):
    (covered,) = talk(manager, "Будет отключение света в Тучково на ул. Вокзальной 30?")
    (other,) = talk(manager, "Будет отключение света в Тучково на ул. Вокзальной 31?")

    assert "Плановое отключение" in covered.text
    assert "с 04.12 09:00 до 04.12 11:00" in covered.text
    assert "расчистка трассы ВЛ-10 кВ" in covered.text
    assert "04.12 09:00" not in other.text


def test_a_lane_is_not_the_street_of_the_same_name(manager):
    question = "Плановое отключение электроэнергии Мытищи,"
    (lane,) = talk(manager, f"{question} Садовый переулок 27")
    (street,) = talk(manager, f"{question} ул. Садовая 27")

    assert "05.12 13:00" in lane.text
    assert "05.12 13:00" not in street.text


def test_works_past_their_estimated_end_say_when_they_were_due_to_end(manager):
    (answer,) = talk(manager, "Когда дадут свет в Вороново на ул. Садовой?")

    assert "по сведениям на 03.12 08:00 работы должны были закончиться к 03.12 09:02" \
        in answer.text


def test_all_streets_lists_the_settlement_and_points_to_the_full_schedule(manager):
    *_, answer = talk(manager, "Где посмотреть график отключений?", "Вороново",
                      "Все улицы")

    assert "— 5 отключений:" in answer.text
    assert answer.text.count("• ") == 4
    assert "rossetimr.ru" in answer.text


def test_a_place_outside_the_snapshot_points_to_other_grid_companies(manager):
    (answer,) = talk(manager, "Отключили свет в Кашире, когда включат?")

    assert "«Кашира»" in answer.text
    assert "Мособлэнерго" in answer.text and HOT_LINE in answer.text


def test_a_street_alone_asks_for_the_settlement_and_keeps_the_street(manager):
    asked, answer = talk(manager, "Нет света на улице Дачной, дом 40", "Внуково")

    assert asked.action == "outages" and "населённый пункт" in asked.text
    assert "с 03.12 03:35 до 03.12 11:35" in answer.text


def test_an_unreadable_place_is_asked_again(manager, knowledge_store):
    _, again = talk(manager, "Когда дадут свет?", "ыыы")

    assert again.text == knowledge_store.message("outage_place_not_read")
    assert again.action == "outages"


def test_two_unreadable_places_end_with_the_hotline(manager, knowledge_store):
    *_, last = talk(manager, "Когда дадут свет?", "ыыы", "ааа")

    assert last.text == knowledge_store.message("outage_give_up")
    assert HOT_LINE in last.text


def test_two_unreadable_streets_list_the_whole_settlement(manager):
    *_, last = talk(manager, "Когда дадут свет?", "Вороново", "ыыы", "ааа")

    assert "По адресу «Вороново» — 5 отключений:" in last.text


def test_an_old_snapshot_is_said_to_be_possibly_outdated(dialog_manager):
    later = manager_at(dialog_manager, datetime(2026, 12, 3, 20, 0, tzinfo=MOSCOW))

    (answer,) = talk(later, "Когда дадут свет? Внуково, ул. Парковая")

    assert "могли устареть" in answer.text


# Application status.

def test_the_status_needs_the_number_and_the_phone_digits(manager, knowledge_store):
    asked_number, asked_phone, status = talk(
        manager, "Какой статус моей заявки?", "ТП-26-171537", "8825")

    assert asked_number.text == knowledge_store.message("status_ask_number")
    assert asked_phone.text == knowledge_store.message("status_ask_phone")
    assert "«готовность к осмотру», с 08.07.2026" in status.text
    assert "lk.rossetimr.ru" in status.text


def test_the_application_number_and_the_digits_never_reach_the_log(manager):
    _, number, digits = talk(manager, "Какой статус моей заявки?", "тп 26 171537",
                             "8825")

    assert number.masked_text == "<APPLICATION>"
    assert digits.masked_text == "<PHONE>"


def test_a_status_with_a_term_gives_the_deadline_in_working_days(manager):
    *_, status = talk(manager, "Какой статус моей заявки?", "ТП-26-787225", "2076")

    # Changed on Tuesday 01.12.2026; ten working days end on Tuesday 15.12.2026.
    assert "до 15.12.2026 — 10 рабочих дней с 01.12.2026" in status.text
    assert "проект договора, технические условия (ТУ) и счёт" in status.text


def test_a_passed_deadline_says_what_to_do(manager):
    *_, status = talk(manager, "Какой статус моей заявки?", "ТП-25-679921", "3596")

    # Changed on Sunday 18.10.2026; five working days end on Friday 23.10.2026.
    assert "5 рабочих дней с 18.10.2026 — истёк 23.10.2026" in status.text
    assert "Оплатите счёт" in status.text and HOT_LINE in status.text


def test_no_deadline_is_promised_above_its_power_limit(manager):
    *_, status = talk(manager, "Какой статус моей заявки?", "ТП-26-352854", "4274")

    assert "«зарегистрирована»" in status.text
    assert "Срок" not in status.text


def test_someone_elses_number_reads_like_an_unknown_one(manager):
    *_, wrong_digits = talk(manager, "Статус заявки ТП-26-171537", "3596")
    *_, unknown = talk(manager, "Статус заявки ТП-26-999999", "3596")

    assert wrong_digits.text == unknown.text
    assert "готовность" not in wrong_digits.text


def test_three_failures_stop_the_lookup_for_the_session(manager, knowledge_store):
    session = manager.new_session()
    replies = talk(manager, "Какой статус моей заявки?", "ТП-26-171537", "1111",
                   "ТП-26-171537", "2222", "ТП-26-171537", "3333", session=session)
    again = talk(manager, "Какой статус моей заявки?", session=session)

    assert "Осталось попыток: 2" in replies[2].text
    assert "Осталось попыток: 1" in replies[4].text
    assert replies[6].text == knowledge_store.message("status_locked")
    assert again[0].text == knowledge_store.message("status_locked")
    assert session.flow is None


def test_a_new_session_may_look_up_again(manager):
    talk(manager, "Статус заявки ТП-26-171537", "1111", "ТП-26-171537", "2222",
         "ТП-26-171537", "3333")

    *_, status = talk(manager, "Статус заявки ТП-26-171537", "8825")

    assert "готовность к осмотру" in status.text


def test_a_service_application_is_found_by_the_same_checks(manager):
    *_, status = talk(manager, "Как проверить статус заявки на услугу?", "ВД-26-901580",
                      "3939")

    assert "«выдано»" in status.text


# Offices.

def test_offices_of_a_town_with_hours_and_open_now(manager):
    (answer,) = talk(manager, "Адрес офиса в Ногинске и часы работы")

    assert "ул. Садовая, д. 15" in answer.text
    assert "пн–пт 08:00–17:00" in answer.text
    assert "Сейчас открыт, до 12:00." in answer.text


def test_a_stand_in_office_row_is_said_to_be_unconfirmed(manager, knowledge_store):
    (district,) = talk(manager, "Адрес офиса в Ногинске")
    (head,) = talk(manager, "Где ваш офис в Москве?")

    unconfirmed = knowledge_store.message("office_next_unconfirmed")
    assert district.text.endswith(unconfirmed)
    assert unconfirmed not in head.text
    assert head.text.endswith(knowledge_store.message("office_next"))


def test_a_town_without_an_office_gets_its_districts(manager, knowledge_store):
    asked, answer = talk(manager, "Где находится ваш офис?", "Климовск")

    assert asked.text == knowledge_store.message("office_ask_place")
    assert "В «Климовск» клиентского офиса нет" in answer.text
    assert "Клиентский офис «Подольск»" in answer.text


def test_on_saturday_an_office_is_closed_until_monday(dialog_manager):
    saturday = manager_at(dialog_manager, SATURDAY_MORNING)

    (podolsk,) = talk(saturday, "Где офис в Подольске?")
    (shatura,) = talk(saturday, "Где офис в Шатуре?")

    assert "Сейчас закрыт, откроется 07.12 09:00." in podolsk.text
    assert "Сейчас открыт, до 14:00." in shatura.text


def test_a_place_without_offices_in_its_district_gets_the_nearest(manager):
    (answer,) = talk(manager, "Где ближайший клиентский офис в Балашихе?")

    assert "Клиентский офис «Реутов»: Реутов, ул. Гагарина, д. 26 — около 6 км" in answer.text


@pytest.mark.parametrize("follow_up", ["офис открыт сейчас?", "а в субботу работает?"])
def test_an_office_follow_up_is_answered_for_the_last_town(manager, follow_up):
    first, answer = talk(manager, "где офис в Лобне?", follow_up)

    assert answer.label == "offices"
    assert answer.text == first.text


# Booking.

def book(manager, session, day="04.12", time="10:30"):
    """A whole booking in Подольск; the replies."""
    return talk(manager, "Хочу записаться на приём в офис", "Подольск",
                "Подключение к электросетям", day, time, "Анна Иванова", PHONE,
                session=session)


def test_a_booking_gives_a_code_and_keeps_the_phone_masked(manager, bookings_url):
    replies = book(manager, manager.new_session())

    assert replies[1].suggestions[0] == "Подключение к электросетям"
    assert replies[2].suggestions == ["03.12", "04.12", "07.12"]
    assert "04.12 в 10:30" in replies[-1].text
    assert CODE.search(replies[-1].text)
    assert manager.store.message("booking_office_unconfirmed") in replies[-1].text
    assert replies[-1].masked_text == "<PHONE>" and replies[-2].masked_text == "<PER>"
    with sqlite3.connect(bookings_url.removeprefix("sqlite:///")) as database:
        query = "SELECT phone_masked, phone_hash FROM bookings"
        row = database.execute(query).fetchone()
    assert row[0] == "***4567" and "9161234567" not in "".join(row)


def test_past_closed_far_and_off_hours_choices_are_refused(manager, knowledge_store,
                                                          bookings_url):
    replies = talk(manager, *OTHER_QUESTION, "01.12", "05.12", "20.01", "04.12", "13:30",
                   "20:00", "10:00")

    past, closed, far, _, in_break, late, name = replies[3:]
    assert "01.12 уже прошло" in past.text
    assert "05.12 офис не принимает: выходные — сб, вс" in closed.text
    assert "не позже 02.01" in far.text
    assert "В 13:30 консультаций нет" in in_break.text
    assert "В 20:00 консультаций нет" in late.text
    assert name.text == knowledge_store.message("booking_ask_name")
    assert in_break.suggestions[:2] == ["09:00", "09:30"]


@pytest.mark.parametrize("refusal", ["спасибо, не надо", "передумал", "не нужно"])
def test_a_refusal_at_the_time_ends_the_booking_with_nothing_booked(manager, bookings_url,
                                                                    refusal):
    session = manager.new_session()
    replies = talk(manager, "Хочу записаться на приём в офис", "Подольск",
                   "Подключение к электросетям", "04.12", refusal, session=session)

    assert replies[-1].text == manager.store.message("flow_cancelled")
    assert "\n" not in replies[-1].text
    assert session.flow is None
    with sqlite3.connect(bookings_url.removeprefix("sqlite:///")) as database:
        assert database.execute("SELECT count(*) FROM bookings").fetchone() == (0,)


@pytest.mark.parametrize("closed_day", ["в воскресенье", "в субботу", "Воскресенье"])
def test_a_weekday_off_is_refused_with_open_days_and_the_booking_goes_on(
    manager, bookings_url, closed_day
):
    replies = talk(manager, *OTHER_QUESTION, closed_day, "08.12", "10:00")

    refused, day, time = replies[3:]
    assert "офис не принимает: выходные — сб, вс" in refused.text
    assert refused.suggestions == ["03.12", "04.12", "07.12"]
    assert "08.12" in day.text and day.suggestions
    assert time.text == manager.store.message("booking_ask_name")


@pytest.mark.parametrize(
    "weekday, day", [("во вторник", "08.12"), ("в среду", "09.12"), ("в пятницу", "04.12")]
)
def test_a_weekday_is_read_as_the_next_such_day(manager, bookings_url, weekday, day):
    replies = talk(manager, *OTHER_QUESTION, weekday)

    assert replies[-1].text == manager.store.message("booking_ask_time", date=day)


def test_a_day_and_time_in_the_first_message_are_not_asked_again(manager, bookings_url):
    replies = talk(manager, "Запишите меня в Подольск на 08.12 в 11:00", "Другой вопрос",
                   "Анна Иванова", PHONE)

    asked_name, done = replies[1], replies[-1]
    assert replies[0].action == "appointment"
    assert asked_name.text == manager.store.message("booking_ask_name_slot_free",
                                                    date="08.12", time="11:00")
    assert "08.12 в 11:00" in done.text and CODE.search(done.text)


def test_a_first_message_day_the_office_is_closed_is_refused_after_the_topic(
    manager, bookings_url
):
    replies = talk(manager, "Хочу записаться в Подольск на субботу в 10:00",
                   "Другой вопрос", "08.12")

    refused, time_asked = replies[1:]
    assert "05.12 офис не принимает" in refused.text
    assert time_asked.text == manager.store.message("booking_ask_time", date="08.12")


def test_a_power_in_the_first_message_is_not_taken_for_a_time(manager, bookings_url):
    replies = talk(manager, "Хочу записаться на консультацию в Подольск на 08.12 по "
                   "подключению 15 кВт", "Подключение к электросетям")

    assert replies[-1].text == manager.store.message("booking_ask_time", date="08.12")


def test_a_slot_that_already_passed_today_is_refused(manager, bookings_url):
    replies = talk(manager, *OTHER_QUESTION, "сегодня", "09:30")

    assert "Время 09:30 уже прошло" in replies[-1].text
    assert replies[-1].suggestions[0] == "10:30"


def test_a_booking_from_a_town_without_an_office_offers_the_nearest(manager, bookings_url):
    replies = talk(manager, "Хочу записаться на приём в офис", "Клин")

    assert replies[-1].suggestions[0] == "Клиентский офис «Солнечногорск»"


def take_slot(url: str, slot: datetime) -> None:
    """Another client books the slot of the Подольск office."""
    BookingBook(url).book("OF017", slot, "тема", "Иван", "+7 916 000-00-00",
                          datetime(2026, 12, 3))


def test_a_taken_slot_is_refused_and_not_offered(manager, bookings_url):
    take_slot(bookings_url, datetime(2026, 12, 4, 9, 0))

    replies = talk(manager, *OTHER_QUESTION, "04.12", "09:00")

    assert "Время 09:00 уже занято" in replies[-1].text
    assert "09:00" not in replies[-1].suggestions


def test_a_slot_taken_meanwhile_is_explained_and_others_offered(manager, bookings_url):
    session = manager.new_session()
    talk(manager, *OTHER_QUESTION, "04.12", "11:00", "Анна Иванова", session=session)
    take_slot(bookings_url, datetime(2026, 12, 4, 11, 0))

    (taken,) = talk(manager, PHONE, session=session)
    (booked,) = talk(manager, "11:30", "Анна Иванова", PHONE, session=session)[-1:]

    assert "11:00 только что заняли" in taken.text
    assert "11:00" not in taken.suggestions
    assert "04.12 в 11:30" in booked.text


def test_a_booking_is_moved_and_cancelled_by_its_code(manager, bookings_url):
    session = manager.new_session()
    code = CODE.search(book(manager, session)[-1].text).group(1)

    asked, _, moved = talk(manager, f"Перенести запись {code}", "07.12", "12:00",
                           session=session)
    (cancelled,) = talk(manager, f"отменить запись {code.lower()}", session=session)
    (gone,) = talk(manager, f"отменить запись {code}")

    assert asked.masked_text == "Перенести запись <CODE>"
    assert cancelled.masked_text == "отменить запись <CODE>"
    assert "сейчас 04.12 в 10:30" in asked.text
    assert f"запись {code} перенесена на 07.12 в 12:00" in moved.text
    assert f"Запись {code} на 07.12 в 12:00 отменена" in cancelled.text
    assert f"Запись {code} уже отменена 03.12" in gone.text


def test_a_cancelled_slot_is_free_again(manager, bookings_url):
    session = manager.new_session()
    code = CODE.search(book(manager, session)[-1].text).group(1)
    talk(manager, f"отменить запись {code}", session=session)

    replies = book(manager, manager.new_session())

    assert CODE.search(replies[-1].text)


def test_a_change_without_a_code_asks_for_it(manager, knowledge_store, bookings_url):
    asked, cancelled = talk(manager, "Хочу отменить мою запись", "ZZ99ZZ")

    assert asked.text == knowledge_store.message("booking_code_missing")
    assert "ZZ99ZZ не нашлась" in cancelled.text


def test_the_head_office_takes_no_bookings_and_others_are_offered(manager,
                                                                  bookings_url):
    replies = talk(manager, "Хочу записаться на приём в офис", "Москва")
    (near,) = talk(manager, "Хочу записаться на приём в офис в Балашихе")

    assert "В этом офисе записи на консультации нет" in replies[-1].text
    assert replies[-1].suggestions and "Москва" not in replies[-1].suggestions
    # Балашиха has no office of its own: the nearest ones that take bookings are offered.
    assert near.suggestions[0] == "Клиентский офис «Реутов»"


# Bad input in the middle of any flow.

FLOW_OPENINGS = [
    ("Когда дадут свет?",),
    ("Когда дадут свет?", "Внуково"),
    ("Какой статус моей заявки?",),
    ("Какой статус моей заявки?", "ТП-26-171537"),
    ("Где находится ваш офис?",),
    ("Хочу записаться на приём в офис",),
    ("Хочу записаться на приём в офис", "Подольск"),
    (*OTHER_QUESTION, "04.12"),
    (*OTHER_QUESTION, "04.12", "10:00"),
    (*OTHER_QUESTION, "04.12", "10:00", "Анна"),
    ("отменить запись",),
]
BAD_INPUTS = ["", "   ", "😀😀😀", "<script>alert(1)</script>", "Я" * 5000, "Podolsk",
              "Gjljkmcr", "ТП-26-171537 " * 300, "0000", "!!!"]


@pytest.mark.parametrize("opening", FLOW_OPENINGS)
def test_bad_input_inside_a_flow_gets_a_polite_reply(manager, bookings_url, opening):
    session = manager.new_session()
    talk(manager, *opening, session=session)

    for bad in BAD_INPUTS:
        reply = manager.reply(session, bad)
        assert reply.text.strip(), bad


def test_a_number_guessed_from_many_sessions_is_locked_for_a_day(dialog_manager):
    manager = manager_at(dialog_manager, THURSDAY_MORNING)
    for digits in ("1111", "2222", "3333", "4444", "5555"):
        talk(manager, "Статус заявки ТП-26-171537", digits)

    *_, owner = talk(manager, "Статус заявки ТП-26-171537", "8825")
    *_, other = talk(manager, "Статус заявки ТП-26-590321", "3004")

    assert owner.text == manager.store.message("status_number_locked")
    assert "три неудачные попытки" not in owner.text
    assert "присоединение выполнено" in other.text


def test_a_latin_code_is_read_but_english_text_is_still_declined(manager, knowledge_store,
                                                                 bookings_url):
    session = manager.new_session()
    talk(manager, "Хочу отменить мою запись", session=session)

    (english,) = talk(manager, "Hello, when will the power be back?", session=session)
    (code,) = talk(manager, "ZZ99ZZ", session=session)

    assert english.text == knowledge_store.message("not_russian")
    assert "ZZ99ZZ не нашлась" in code.text and code.masked_text == "<CODE>"


def test_a_booking_change_starts_from_inside_another_flow(manager, bookings_url):
    session = manager.new_session()
    talk(manager, "Когда дадут свет?", session=session)

    (reply,) = talk(manager, "отменить запись ZZ99ZZ", session=session)

    assert reply.action == "appointment" and reply.label == "appointment"
    assert "ZZ99ZZ не нашлась" in reply.text


@pytest.mark.parametrize("name", ["анна", "Мария-Луиза", "Ли Вэй"])
def test_a_name_the_masking_would_miss_is_still_hidden_from_the_log(manager, name,
                                                                    bookings_url):
    replies = talk(manager, *OTHER_QUESTION, "04.12", "10:00", name)

    assert replies[-1].masked_text == "<PER>"
    assert replies[-1].text == manager.store.message("booking_ask_phone")


def test_a_new_question_instead_of_a_name_leaves_the_booking(manager, bookings_url):
    session = manager.new_session()
    talk(manager, *OTHER_QUESTION, "04.12", "10:00", session=session)

    (reply,) = talk(manager, "Как передать показания счётчика?", session=session)

    assert reply.action is None and reply.label == "meter_readings"
    assert session.flow is None
