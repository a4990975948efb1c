"""Forgetting: chat-log days past the retention period, or a session on request.

The run that deletes old days then compacts the closed days left (compaction.py).
"""

import argparse
import logging
import os
import sys
from functools import lru_cache

from rapidfuzz import fuzz, process, utils

from . import settings
from .chatlog import ChatLog
from .compaction import describe
from .dialog import Session
from .errors import AssistantError
from .logs import FORMAT
from .text import RESOURCES

FORGET_PHRASES = RESOURCES / "forget_phrases.tsv"
# «удолите» and «даные» still count; «удалили» (a complaint) and «удаляйте» do not.
WORD_MATCH_SCORE = 85
# A long message that happens to hold the words is a question, not a request.
MAX_REQUEST_WORDS = 16
# A century; a larger period would reach before year 1 and overflow datetime.
MAX_DAYS = 36_525


@lru_cache(maxsize=1)
def load_forget_phrases() -> tuple[tuple[str, ...], ...]:
    """The phrases of the data file, each as its normalised words."""
    lines = FORGET_PHRASES.read_text(encoding="utf-8").splitlines()
    phrases = [line for line in lines if line.strip() and not line.startswith("#")]
    return tuple(tuple(normalise(phrase).split()) for phrase in phrases)


def normalise(text: str) -> str:
    """Lower case, ё as е, punctuation as spaces."""
    return utils.default_process(text.replace("ё", "е").replace("Ё", "Е"))


def is_forget_request(text: str) -> bool:
    """The client asks to delete their data: every word of one phrase is in the text."""
    words = normalise(text or "").split()
    if not words or len(words) > MAX_REQUEST_WORDS:
        return False
    return any(covers(words, phrase) for phrase in load_forget_phrases())


def covers(words: list[str], phrase: tuple[str, ...]) -> bool:
    return all(
        process.extractOne(
            word, words, scorer=fuzz.ratio, score_cutoff=WORD_MATCH_SCORE
        )
        for word in phrase
    )


def forget_session(chat_log: ChatLog | None, session: Session) -> int:
    """Delete a session's logged turns and the context the dialog keeps of it."""
    # The earlier messages must not steer later replies once the client disowned them.
    session.history.clear()
    session.service = None
    session.choices = []
    session.read_alone.clear()
    if chat_log is None:
        return 0
    return chat_log.delete_session(session.session_id)


def default_days() -> int:
    """ASSISTANT_RETENTION_DAYS if set, else settings.RETENTION_DAYS."""
    value = os.environ.get(settings.RETENTION_DAYS_ENV)
    return settings.RETENTION_DAYS if value is None else parse_days(value)


def parse_days(value: str) -> int:
    """A whole number of days from 0 to MAX_DAYS."""
    try:
        days = int(value)
    except ValueError:
        days = -1
    if not 0 <= days <= MAX_DAYS:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of days from 0 to {MAX_DAYS}; got {value!r}"
        )
    return days


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m assistant.retention", description=__doc__
    )
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument(
        "--older-than-days",
        type=parse_days,
        metavar="N",
        help=f"delete rows older than N days (default: ${settings.RETENTION_DAYS_ENV} "
        f"or {settings.RETENTION_DAYS})",
    )
    scope.add_argument(
        "--session", metavar="ID", help="delete every row of one session"
    )
    parser.add_argument(
        "--no-compact",
        action="store_true",
        help="after deleting old rows, leave the closed days' segments as they are "
        "(by default each becomes one file, as `python -m assistant compact-log` does)",
    )
    return parser


def run(args: argparse.Namespace, chat_log: ChatLog) -> str:
    """Delete what the arguments ask for; the line to print."""
    # A folder this user cannot write must fail here with its name, before any
    # partition is touched; the app and the API keep appending meanwhile.
    chat_log.connect()
    if args.session is not None:
        deleted = chat_log.delete_session(args.session)
        return f"deleted {deleted} rows of session {args.session} from {chat_log.path}"
    deleted = chat_log.delete_older_than(args.older_than_days)
    lines = [
        f"deleted {deleted} rows older than {args.older_than_days} days "
        f"from {chat_log.path}"
    ]
    # The daily run: once the old days are gone, the closed ones left become one file each.
    if not args.no_compact:
        lines.append(describe(chat_log.compact(), chat_log.path))
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format=FORMAT)
    if args.session is None and args.older_than_days is None:
        try:
            args.older_than_days = default_days()
        except argparse.ArgumentTypeError as error:
            parser.error(f"{settings.RETENTION_DAYS_ENV}: {error}")
    chat_log = ChatLog()
    try:
        print(run(args, chat_log))
    except AssistantError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        chat_log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
