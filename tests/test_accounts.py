"""Analyst accounts: argon2 hashes in a file of their own, made from the command line."""

import json
import os
import stat
import subprocess
import sys

import pytest

from assistant import settings
from assistant.accounts import ACCOUNTS_ENV, AccountError, AnalystAccounts
from assistant.analysts_cli import PASSWORD_ENV
from assistant.login_limits import FailedLogins

PASSWORD = "длинный пароль 2026"


@pytest.fixture
def accounts(tmp_path):
    return AnalystAccounts(tmp_path / "accounts" / "analysts.json")


def run_analysts(
    *args: str, accounts_file, stdin: str = "", password: str | None = None
):
    env = {**os.environ, ACCOUNTS_ENV: str(accounts_file)}
    env.pop(PASSWORD_ENV, None)
    if password is not None:
        env[PASSWORD_ENV] = password
    return subprocess.run(
        [sys.executable, "-m", "assistant", "analysts", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=settings.ROOT,
        env=env,
        timeout=60,
    )


def test_a_saved_password_verifies_and_others_do_not(accounts):
    accounts.add("anna", PASSWORD)

    assert accounts.verify("anna", PASSWORD)
    assert accounts.verify(" Anna ", PASSWORD)
    assert not accounts.verify("anna", PASSWORD + "!")
    assert not accounts.verify("boris", PASSWORD)
    assert not accounts.verify("anna", "")


def test_the_file_keeps_an_argon2_hash_never_the_password(accounts):
    accounts.add("anna", PASSWORD)

    text = accounts.path.read_text(encoding="utf-8")
    assert PASSWORD not in text
    assert json.loads(text)["anna"]["hash"].startswith("$argon2id$")
    assert stat.S_IMODE(accounts.path.stat().st_mode) == 0o600


def test_the_accounts_file_is_outside_git():
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "data/accounts/analysts.json"], cwd=settings.ROOT
    )
    assert ignored.returncode == 0


@pytest.mark.parametrize(
    "name, password",
    [
        ("anna", "короткий"),
        ("Анна", PASSWORD),
        ("a", PASSWORD),
        ("anna smith", PASSWORD),
        ("../etc", PASSWORD),
    ],
)
def test_bad_names_and_short_passwords_are_refused(accounts, name, password):
    with pytest.raises(AccountError):
        accounts.add(name, password)
    assert accounts.names() == []


def test_a_new_password_replaces_the_old_and_remove_deletes(accounts):
    accounts.add("anna", PASSWORD)
    accounts.add("anna", PASSWORD + " новый")

    assert not accounts.verify("anna", PASSWORD)
    assert accounts.verify("anna", PASSWORD + " новый")
    assert accounts.remove("anna") and accounts.names() == []


def test_the_command_adds_an_analyst_with_the_password_from_stdin(tmp_path):
    path = tmp_path / "analysts.json"

    added = run_analysts("add", "anna", accounts_file=path, stdin=PASSWORD + "\n")
    listed = run_analysts("list", accounts_file=path)

    assert added.returncode == 0, added.stderr
    assert listed.stdout.split() == ["anna"]
    assert AnalystAccounts(path).verify("anna", PASSWORD)


def test_the_command_takes_the_password_from_the_environment(tmp_path):
    path = tmp_path / "analysts.json"

    added = run_analysts("add", "olga", accounts_file=path, password=PASSWORD)

    assert added.returncode == 0, added.stderr
    assert AnalystAccounts(path).verify("olga", PASSWORD)


def test_the_command_explains_a_short_password_and_exits_2(tmp_path):
    result = run_analysts(
        "add", "anna", accounts_file=tmp_path / "a.json", stdin="123\n"
    )

    assert result.returncode == 2
    assert "at least" in result.stderr
    assert not (tmp_path / "a.json").exists()


def test_the_analysts_command_has_help(tmp_path):
    result = run_analysts("add", "--help", accounts_file=tmp_path / "a.json")
    assert result.returncode == 0 and "ASSISTANT_ANALYST_PASSWORD" in result.stdout


def test_five_failures_lock_a_name_for_a_while_and_success_clears_it():
    now = [0.0]
    limits = FailedLogins(max_failures=5, lock_seconds=900, clock=lambda: now[0])
    for _ in range(4):
        limits.record("anna", succeeded=False)
    assert not limits.locked("anna")

    limits.record("anna", succeeded=False)
    assert limits.locked("anna") and not limits.locked("boris")

    now[0] = 901.0
    assert not limits.locked("anna")
    limits.record("anna", succeeded=False)
    limits.record("anna", succeeded=True)
    for _ in range(4):
        limits.record("anna", succeeded=False)
    assert not limits.locked("anna")
