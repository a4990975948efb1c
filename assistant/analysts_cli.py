"""`python -m assistant analysts add|remove|list`: accounts of the analytics pages."""

import getpass
import os
import sys

from .accounts import AccountError, AnalystAccounts

PASSWORD_ENV = "ASSISTANT_ANALYST_PASSWORD"


def read_password() -> str:
    """From the environment, else a prompt asked twice, else stdin's first line."""
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass("Password: ")
    if getpass.getpass("Repeat the password: ") != password:
        raise AccountError("the two passwords differ; run the command again")
    return password


def run(args) -> None:
    accounts = AnalystAccounts()
    if args.action == "add":
        accounts.add(args.name, read_password())
        print(f"analyst {args.name} saved in {accounts.path}")
    elif args.action == "remove":
        if not accounts.remove(args.name):
            raise AccountError(f"no analyst {args.name!r} in {accounts.path}")
        print(f"analyst {args.name} removed from {accounts.path}")
    else:
        for name in accounts.names():
            print(name)
