"""Consultation bookings in SQL: SQLite in WAL mode by default, PostgreSQL by URL.

One row per booked slot; a UNIQUE (office, slot start) constraint lets the database,
not the app, decide who gets a slot two clients press at the same moment. Slots are
stored as naive Moscow time. The phone is kept masked for the office and hashed; its
last four digits check whoever changes a booking from another chat. A cancelled
booking leaves only its code and the time of cancelling, so that the code is answered
as cancelled rather than unknown.
"""

import hashlib
import hmac
import logging
import re
import secrets
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy import (
    DateTime,
    String,
    UniqueConstraint,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

log = logging.getLogger(__name__)

# No 0/O or 1/I: the code is read aloud and retyped.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
CODE_ATTEMPTS = 5
SQLITE_WAIT_SECONDS = 30


class Base(DeclarativeBase):
    pass


class Booking(Base):
    __tablename__ = "bookings"
    __table_args__ = (
        UniqueConstraint("office_id", "slot_start", name="one_client_per_slot"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE_LENGTH), unique=True, index=True)
    office_id: Mapped[str] = mapped_column(String(32))
    slot_start: Mapped[datetime] = mapped_column(DateTime)
    topic: Mapped[str] = mapped_column(String(120))
    client_name: Mapped[str] = mapped_column(String(120))
    phone_masked: Mapped[str] = mapped_column(String(32))
    phone_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class CancelledBooking(Base):
    __tablename__ = "cancelled_bookings"

    code: Mapped[str] = mapped_column(String(CODE_LENGTH), primary_key=True)
    cancelled_at: Mapped[datetime] = mapped_column(DateTime)


class FailedCheck(Base):
    """Wrong phone digits typed for a code: many in a day lock the code's changes."""

    __tablename__ = "failed_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE_LENGTH), index=True)
    failed_at: Mapped[datetime] = mapped_column(DateTime)


class SlotTakenError(Exception):
    def __init__(self, office_id: str, slot_start: datetime):
        super().__init__(f"slot {slot_start:%Y-%m-%d %H:%M} of office {office_id} "
                         "is taken")


def new_code() -> str:
    """A random code with no character three times in a row: the text clean-up squeezes
    «AAA» to «A» before a code is read, and such a code could never be typed back."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not any(code[i] == code[i + 1] == code[i + 2] for i in range(CODE_LENGTH - 2)):
            return code


def phone_digits(phone: str) -> str:
    """«+7 (916) 123-45-67» and «89161234567» → «79161234567»."""
    digits = re.sub(r"\D", "", phone)
    return "7" + digits[1:] if len(digits) == 11 and digits[0] == "8" else digits


def mask_phone(phone: str) -> str:
    return f"***{phone_digits(phone)[-4:]}"


def hash_phone(phone: str) -> str:
    return hashlib.sha256(phone_digits(phone).encode()).hexdigest()


def phone_matches(booking: Booking, last_digits: str) -> bool:
    """Whether the last four digits are those of the booking's phone."""
    return hmac.compare_digest(booking.phone_masked[-4:].encode(), last_digits.encode())


def use_wal(engine: Engine) -> None:
    """Readers never wait for the writer; writers wait their turn instead of failing."""

    @event.listens_for(engine, "connect")
    def set_pragmas(connection, _record):
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_WAIT_SECONDS * 1000}")
        cursor.close()


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_WAIT_SECONDS})
    use_wal(engine)
    return engine


class BookingBook:
    """Book, find, cancel and move consultations in one database."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        Base.metadata.create_all(self.engine)

    def taken(self, office_id: str, day_start: datetime,
              day_end: datetime) -> set[datetime]:
        """Starts of the booked slots of an office between two naive Moscow times."""
        query = select(Booking.slot_start).where(
            Booking.office_id == office_id,
            Booking.slot_start >= day_start,
            Booking.slot_start < day_end,
        )
        with Session(self.engine) as session:
            return set(session.scalars(query))

    def book(self, office_id: str, slot_start: datetime, topic: str, client_name: str,
             phone: str, now: datetime) -> Booking:
        """A new booking with a fresh code; SlotTakenError if someone was first."""
        for _ in range(CODE_ATTEMPTS):
            booking = Booking(
                code=new_code(), office_id=office_id, slot_start=slot_start,
                topic=topic[:120], client_name=client_name[:120],
                phone_masked=mask_phone(phone), phone_hash=hash_phone(phone),
                created_at=now,
            )
            try:
                return self._insert(booking)
            except IntegrityError:
                if self._slot_is_taken(office_id, slot_start):
                    raise SlotTakenError(office_id, slot_start) from None
                log.warning("booking code collision, drawing another")
        raise RuntimeError(f"no free booking code after {CODE_ATTEMPTS} draws")

    def _insert(self, booking: Booking) -> Booking:
        with Session(self.engine, expire_on_commit=False) as session:
            session.add(booking)
            session.commit()
            return booking

    def _slot_is_taken(self, office_id: str, slot_start: datetime) -> bool:
        return bool(self.taken(office_id, slot_start, slot_start.replace(second=1)))

    def find(self, code: str) -> Booking | None:
        with Session(self.engine, expire_on_commit=False) as session:
            return session.scalar(by_code(code))

    def cancel(self, code: str, now: datetime) -> Booking | None:
        """Delete the booking, freeing its slot, and note the code as cancelled;
        None if there is no such code."""
        with Session(self.engine, expire_on_commit=False) as session:
            booking = session.scalar(by_code(code))
            if booking is not None:
                session.delete(booking)
                session.merge(CancelledBooking(code=booking.code, cancelled_at=now))
                session.commit()
            return booking

    def cancelled_at(self, code: str) -> datetime | None:
        """When the booking of this code was cancelled; None if it never was."""
        with Session(self.engine) as session:
            cancelled = session.get(CancelledBooking, code.upper())
            return None if cancelled is None else cancelled.cancelled_at

    def count_failed_check(self, code: str, now: datetime) -> None:
        with Session(self.engine) as session:
            session.add(FailedCheck(code=code.upper(), failed_at=now))
            session.commit()

    def failed_checks(self, code: str, since: datetime) -> int:
        """Wrong phone digits typed for the code since a moment, in any chat."""
        query = select(func.count()).select_from(FailedCheck).where(
            FailedCheck.code == code.upper(), FailedCheck.failed_at >= since
        )
        with Session(self.engine) as session:
            return session.scalar(query)

    def move(self, code: str, slot_start: datetime) -> Booking:
        """Move to another slot of the same office; SlotTakenError if it is taken."""
        with Session(self.engine, expire_on_commit=False) as session:
            booking = session.scalar(by_code(code))
            if booking is None:
                raise KeyError(code)
            booking.slot_start = slot_start
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                raise SlotTakenError(booking.office_id, slot_start) from None
            return booking


def by_code(code: str):
    """Codes are shown in capitals and may be typed in any case."""
    return select(Booking).where(Booking.code == code.upper())


@lru_cache(maxsize=8)
def open_book(url: str) -> BookingBook:
    """One book (and one connection pool) per database URL in a process."""
    return BookingBook(url)
