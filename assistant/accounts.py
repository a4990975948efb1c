"""Analyst accounts: names and argon2 password hashes in a JSON file outside git."""

import json
import logging
import os
import re
from datetime import datetime, timezone
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from . import settings
from .errors import AssistantError

log = logging.getLogger(__name__)

ACCOUNTS_ENV = "ASSISTANT_ANALYSTS_FILE"
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9._-]{1,31}$")
MIN_PASSWORD_LENGTH = 10
HASHER = PasswordHasher()
# Checked when a name is unknown, so a wrong name takes as long as a wrong password.
DUMMY_HASH = HASHER.hash("not a password of anyone")


class AccountError(AssistantError):
    """A name or password the accounts file cannot take."""


def accounts_path() -> Path:
    """The accounts file; ASSISTANT_ANALYSTS_FILE moves it (tests, other machines)."""
    named = os.environ.get(ACCOUNTS_ENV)
    return Path(named) if named else settings.ANALYSTS_FILE


class AnalystAccounts:
    """Read on every check, so an account added from the command line works at once."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path else accounts_path()

    def names(self) -> list[str]:
        return sorted(self._read())

    def add(self, name: str, password: str) -> None:
        """Create the account or replace its password."""
        check_name(name)
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(
                f"the password has {len(password)} characters; use at least "
                f"{MIN_PASSWORD_LENGTH}"
            )
        accounts = self._read()
        accounts[name] = {
            "hash": HASHER.hash(password),
            "updated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        self._write(accounts)

    def remove(self, name: str) -> bool:
        accounts = self._read()
        if accounts.pop(name, None) is None:
            return False
        self._write(accounts)
        return True

    def verify(self, name: str, password: str) -> bool:
        """True if the name exists and the password matches its hash."""
        account = self._read().get(name.strip().lower())
        stored = account["hash"] if account else DUMMY_HASH
        try:
            matched = HASHER.verify(stored, password)
        except (VerificationError, InvalidHashError):
            matched = False
        if not matched:
            log.warning("failed analyst login for %r", name[:32])
        return matched and account is not None

    def _read(self) -> dict:
        if not self.path.exists():
            return {}
        return json.loads(self.path.read_text(encoding="utf-8"))

    def _write(self, accounts: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".partial")
        # Owner-only from the first byte: the file holds hashes, not passwords, but
        # hashes still invite offline guessing.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(accounts, handle, ensure_ascii=False, indent=2)
        os.replace(partial, self.path)


def check_name(name: str) -> None:
    if not NAME_PATTERN.match(name):
        raise AccountError(
            f"analyst name {name!r} is not allowed; use 2-32 lower-case Latin letters, "
            "digits, '.', '_' or '-', starting with a letter"
        )
