"""Reply latency: test-split messages through one loaded DialogManager."""

import time
from itertools import cycle, islice

import numpy as np
import pandas as pd

from assistant import settings
from assistant.service import load_dialog_manager

MESSAGES = 1_000
# Real chats are short: a new session every few messages keeps the context realistic.
SESSION_LENGTH = 5


def sample_messages(count: int = MESSAGES) -> list[str]:
    """Client texts of the test split in file order, repeated until there are enough."""
    texts = pd.read_parquet(settings.SPLIT_DIR / "test.parquet")["text"].tolist()
    return list(islice(cycle(texts), count))


def measure_latency(count: int = MESSAGES) -> dict:
    """p50, p99 and mean of manager.reply in milliseconds, after one untimed warm-up."""
    manager = load_dialog_manager()
    messages = sample_messages(count)
    # Lazy loads (NER tagger, morphology) belong to the cold start, not to a reply.
    manager.reply(manager.new_session(), messages[0])

    timings = []
    for number, text in enumerate(messages):
        if number % SESSION_LENGTH == 0:
            session = manager.new_session()
        started = time.perf_counter()
        manager.reply(session, text)
        timings.append(time.perf_counter() - started)

    milliseconds = np.array(timings) * 1000
    return {
        "messages": count,
        "session_length": SESSION_LENGTH,
        "p50_ms": round(float(np.percentile(milliseconds, 50)), 1),
        "p99_ms": round(float(np.percentile(milliseconds, 99)), 1),
        "mean_ms": round(float(milliseconds.mean()), 1),
        "max_ms": round(float(milliseconds.max()), 1),
    }
