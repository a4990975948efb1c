"""A per-session rate limit: at most N messages in any window of S seconds."""

from collections import deque


class SlidingWindow:
    """Remembers the times of recent messages of one session."""

    def __init__(self, limit: int, seconds: float) -> None:
        self.limit = limit
        self.seconds = seconds
        self._times: deque[float] = deque()

    def wait(self, now: float) -> float:
        """0 and the message counted, or the seconds to wait before the next one."""
        while self._times and now - self._times[0] >= self.seconds:
            self._times.popleft()
        if len(self._times) >= self.limit:
            return self.seconds - (now - self._times[0])
        self._times.append(now)
        return 0.0
