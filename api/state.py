"""What the API holds for its lifetime: the dialog manager, logs and sessions."""

import logging
from dataclasses import dataclass

from assistant.chatlog import ChatLog
from assistant.dialog import DialogManager

from .restore import restore_session
from .sessions import Entry, SessionStore
from .settings import ApiSettings

log = logging.getLogger(__name__)


@dataclass
class ApiState:
    settings: ApiSettings
    manager: DialogManager
    chat_log: ChatLog
    sessions: SessionStore

    def open_session(self, channel: str) -> Entry:
        """A new dialog session; nothing is logged until its first message."""
        return self.sessions.add(self.manager.new_session(channel))

    def find_session(self, session_id: str) -> Entry | None:
        """A session in memory, or one rebuilt from the chat log after a restart."""
        entry = self.sessions.get(session_id)
        if entry is not None:
            return entry
        restored = restore_session(
            self.chat_log,
            session_id,
            self.manager.topics,
            max_age=self.settings.session_ttl_seconds,
        )
        if restored is None:
            return None
        session, turn_ids = restored
        log.info("session %s restored from %d logged turns", session_id, len(turn_ids))
        return self.sessions.add(session, turn_ids)


def open_state(settings: ApiSettings, manager: DialogManager) -> ApiState:
    """The chat log and the stores around a loaded dialog manager."""
    sessions = SessionStore(
        ttl=settings.session_ttl_seconds,
        max_sessions=settings.max_sessions,
        limit=settings.rate_limit_messages,
        seconds=settings.rate_limit_seconds,
    )
    chat_log = ChatLog(settings.chatlog_path)
    return ApiState(settings, manager, chat_log, sessions)
