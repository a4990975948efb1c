"""Free consultation slots of an office: booking days and hours minus what is taken."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .bookings import BookingBook
from .hours import Hours, parse_days, parse_hours
from .offices import cell

# Booking opens this many days ahead.
BOOKING_DAYS = 30
PAST, TOO_FAR, CLOSED, FULL = "past", "far", "closed", "full"
OUTSIDE, TAKEN = "outside", "taken"


@dataclass(frozen=True)
class OfficeSlots:
    """One office's bookable slots at the moment `now` (aware, Moscow time)."""

    office: dict
    book: BookingBook
    now: datetime

    @property
    def hours(self) -> Hours:
        closed = cell(self.office.get("closed_days"))
        return parse_hours(cell(self.office["hours"]), closed)

    def bookable(self) -> bool:
        return bool(self.booking_days())

    def booking_days(self) -> set[int]:
        """Weekdays named in appointment_slots on which the office is open."""
        named = parse_days(cell(self.office.get("appointment_slots")).lower())
        return named & set(self.hours.days)

    def last_day(self) -> date:
        return self.now.date() + timedelta(days=BOOKING_DAYS)

    def day_problem(self, day: date) -> str | None:
        """Why a day cannot be booked: past, too far ahead, closed or fully booked."""
        if day < self.now.date():
            return PAST
        if day > self.last_day():
            return TOO_FAR
        if day.weekday() not in self.booking_days():
            return CLOSED
        return None if self.free(day) else FULL

    def free(self, day: date) -> list[datetime]:
        """Slots of the day that are still ahead and not booked."""
        if day.weekday() not in self.booking_days():
            return []
        slots = self.hours.slots(day, self.now.tzinfo)
        start = datetime.combine(day, time())
        end = start + timedelta(days=1)
        taken = self.book.taken(self.office["office_id"], start, end)
        return [slot for slot in slots
                if slot > self.now and slot.replace(tzinfo=None) not in taken]

    def next_days(self, count: int) -> list[date]:
        """The first days with free slots, from today on."""
        found = []
        for offset in range(BOOKING_DAYS + 1):
            day = self.now.date() + timedelta(days=offset)
            if day.weekday() in self.booking_days() and self.free(day):
                found.append(day)
            if len(found) == count:
                break
        return found

    def time_problem(self, day: date, wanted: time) -> str | None:
        """Why this time of the day cannot be booked: outside hours, past or taken."""
        moment = datetime.combine(day, wanted, tzinfo=self.now.tzinfo)
        if moment not in self.hours.slots(day, self.now.tzinfo):
            return OUTSIDE
        if moment <= self.now:
            return PAST
        return None if moment in self.free(day) else TAKEN
