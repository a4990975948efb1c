"""What the app's pages share: cached resources, the channel and safe text rendering."""

import atexit
import logging
import re
from urllib.parse import quote

import streamlit as st

from assistant.chatlog import ChatLog, chatlog_dir
from assistant.dialog import DialogManager
from assistant.errors import AssistantError

log = logging.getLogger(__name__)

CHANNELS = ("utp", "lk", "mobile")
DEFAULT_CHANNEL = "utp"
# Shown when the model or the knowledge store is not built: the store that holds
# the other client texts is exactly what may be missing.
NOT_READY = (
    "Извините, помощник сейчас недоступен. Попробуйте зайти позже или позвоните "
    "на «Светлую линию» 8 800 220-0-220 — круглосуточно и бесплатно."
)

# Characters that start Markdown, HTML, maths ($) or Streamlit's :colour[...] marks.
MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]<>#|~$&])")
# List and heading markers count only at the start of a line: "- ", "+ ", "1. ", "===".
LINE_MARKER = re.compile(r"^([-+=])", re.MULTILINE)
LIST_NUMBER = re.compile(r"^(\d+)([.)])", re.MULTILINE)
# ":smile:" becomes an emoji in st.markdown; a colon before a letter is escaped.
SHORTCODE_COLON = re.compile(r":(?=\w)")
MARKDOWN_LINE_BREAK = "  \n"
# A web address in our texts: with http(s):// or a bare domain, Latin («lk.rossetimr.ru») or
# Cyrillic («светлаястрана.рф»). Quotes, brackets and «» end an address, so it never
# swallows the text around it.
WEB_ADDRESS = re.compile(
    r"(?<![\w@./-])(?:https?://[^\s<>«»\"'()\[\]]+"
    r"|(?:[a-z0-9-]+\.)+(?:ru|su|com|org|net|info)(?![\w-])(?:/[^\s<>«»\"'()\[\]]*)?"
    r"|(?:[а-яё0-9-]+\.)+рф(?![\w-])(?:/[^\s<>«»\"'()\[\]]*)?)",
    re.IGNORECASE,
)
SCHEME = re.compile(r"https?://", re.IGNORECASE)
ADDRESS_TAIL = ".,;:!?…"
# Left as they are in a link target; everything else (brackets, $, *,
# backslashes) is percent-encoded.
URL_SAFE = ":/?#&=%+,;@"


@st.cache_resource(show_spinner="Загружаем помощника…")
def load_manager() -> DialogManager:
    """The model and the knowledge store, loaded once per process."""
    # Imported here so a page that never chats does not load CatBoost and Navec.
    from assistant.service import load_dialog_manager

    return load_dialog_manager()


def require_manager() -> DialogManager:
    """The dialog manager, or a polite message and the end of this run."""
    try:
        manager = load_manager()
    except AssistantError as error:
        # Not cached: the next run retries, so the app recovers once the build ends.
        log.error("assistant not ready: %s", error)
        st.error(NOT_READY)
        st.stop()
    # A rebuilt knowledge store is served without a restart; cheap between checks.
    manager.store.refresh_if_changed()
    return manager


@st.cache_resource(show_spinner=False)
def _open_chat_log(path: str) -> ChatLog:
    chat_log = ChatLog(path)
    # Rows still queued when the server stops get one last try at a segment.
    atexit.register(chat_log.close)
    return chat_log


def open_chat_log() -> ChatLog | None:
    """The chat log in the current ASSISTANT_CHATLOG_DIR folder; None if it fails."""
    path = chatlog_dir()
    try:
        # A folder that refuses writes is no error: ChatLog queues rows meanwhile.
        return _open_chat_log(str(path))
    except OSError as error:
        log.warning("chat log %s unavailable, not logging this run: %s", path, error)
        return None


def read_channel() -> str:
    """The channel from ?channel=...; anything unknown counts as the portal (utp)."""
    channel = st.query_params.get("channel", DEFAULT_CHANNEL).strip().lower()
    return channel if channel in CHANNELS else DEFAULT_CHANNEL


def format_bot_text(text: str) -> str:
    """Our reply as Markdown that shows exactly this text, its web addresses as links."""
    # Leading spaces would turn a line into a code block; our texts never need them.
    lines = "\n".join(line.strip() for line in text.splitlines())
    pieces, position = [], 0
    for address, start in web_addresses(lines):
        pieces.append(escape_markdown(lines[position:start]))
        pieces.append(markdown_link(address))
        position = start + len(address)
    pieces.append(escape_markdown(lines[position:]))
    return MARKDOWN_LINE_BREAK.join("".join(pieces).split("\n"))


def web_addresses(text: str) -> list[tuple[str, int]]:
    """Each web address of the text and where it starts; a full stop after it is not its."""
    return [
        (match.group().rstrip(ADDRESS_TAIL), match.start())
        for match in WEB_ADDRESS.finditer(text)
    ]


def markdown_link(address: str) -> str:
    """A link that shows the address as written and opens it over https when bare."""
    target = address if SCHEME.match(address) else f"https://{ascii_host(address)}"
    # Percent-encoded, the target holds nothing that could close the link or add markup.
    target = quote(target, safe=URL_SAFE)
    return f"[{escape_markdown(address)}]({target})"


def ascii_host(address: str) -> str:
    """A bare address with its Cyrillic domain in the ASCII form browsers resolve."""
    host, slash, path = address.partition("/")
    return host.encode("idna").decode("ascii") + slash + path


def escape_markdown(text: str) -> str:
    """Text that st.markdown shows literally: no markup, maths, HTML or shortcodes."""
    escaped = MARKDOWN_SPECIALS.sub(r"\\\1", text)
    escaped = LINE_MARKER.sub(r"\\\1", escaped)
    escaped = LIST_NUMBER.sub(r"\1\\\2", escaped)
    return SHORTCODE_COLON.sub(r"\\:", escaped)
