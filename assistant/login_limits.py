"""Failed analyst logins per name: after a few, that name waits before trying again."""

import threading
import time

MAX_FAILURES = 5
LOCK_SECONDS = 900.0


class FailedLogins:
    """Counts failures per name in this process; a success clears the name."""

    def __init__(
        self,
        max_failures: int = MAX_FAILURES,
        lock_seconds: float = LOCK_SECONDS,
        clock=time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.lock_seconds = lock_seconds
        self.clock = clock
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def locked(self, name: str) -> bool:
        """True while the name has max_failures failures within lock_seconds."""
        with self._lock:
            return len(self._recent(name)) >= self.max_failures

    def record(self, name: str, succeeded: bool) -> None:
        with self._lock:
            if succeeded:
                self._failures.pop(name, None)
            else:
                self._failures[name] = self._recent(name) + [self.clock()]

    def _recent(self, name: str) -> list[float]:
        since = self.clock() - self.lock_seconds
        return [moment for moment in self._failures.get(name, []) if moment > since]
