"""Sessions kept in memory between requests, ended after a spell of silence."""

import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field

from assistant.dialog import Session

from .limits import SlidingWindow

# Turn ids a session remembers for feedback; older turns are rarely rated.
KEPT_TURN_IDS = 200


@dataclass
class Entry:
    """A session with what the API adds: its lock, rate window and logged turns."""

    session: Session
    window: SlidingWindow
    last_used: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    turn_ids: deque[str] = field(default_factory=lambda: deque(maxlen=KEPT_TURN_IDS))


class SessionStore:
    """Sessions by id; one unused for ttl seconds is gone, the oldest when full."""

    def __init__(self, ttl: float, max_sessions: int, limit: int, seconds: float,
                 clock=time.monotonic) -> None:
        self.ttl = ttl
        self.max_sessions = max_sessions
        self.limit = limit
        self.seconds = seconds
        self.clock = clock
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, session: Session, turn_ids=()) -> Entry:
        """Keep a new or rebuilt session; the least recently used goes when full."""
        window = SlidingWindow(self.limit, self.seconds)
        entry = Entry(session, window, self.clock())
        entry.turn_ids.extend(turn_ids)
        with self._lock:
            self._entries[session.session_id] = entry
            while len(self._entries) > self.max_sessions:
                self._entries.popitem(last=False)
        return entry

    def get(self, session_id: str) -> Entry | None:
        """The live session, its clock restarted; None if unknown or expired."""
        now = self.clock()
        with self._lock:
            entry = self._entries.get(session_id)
            if entry is None:
                return None
            if now - entry.last_used > self.ttl:
                del self._entries[session_id]
                return None
            entry.last_used = now
            self._entries.move_to_end(session_id)
            return entry
