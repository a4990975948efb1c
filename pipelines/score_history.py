"""DVC stage score_history: the cleaned export replayed through the current assistant."""

import argparse
import logging
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
from tqdm import tqdm

from assistant import settings
from assistant.analytics.history import replay_history
from assistant.logs import setup_logging
from assistant.service import load_dialog_manager

log = logging.getLogger("score_history")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", type=Path, default=settings.CLEAN_PARQUET)
    parser.add_argument("--model-dir", type=Path, default=settings.MODEL_DIR)
    parser.add_argument("--store", type=Path, default=settings.KB_DB)
    parser.add_argument("--output", type=Path, default=settings.HISTORY_TURNS)
    args = parser.parse_args()
    setup_logging()

    messages = pd.read_parquet(args.input)
    manager = load_dialog_manager(args.model_dir, args.store)
    progress = lambda items: tqdm(
        items, desc="replaying", unit="session", mininterval=5
    )
    table = replay_history(manager, messages, progress)

    args.output.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, args.output)
    log.info("wrote %d turns to %s", table.num_rows, args.output)


if __name__ == "__main__":
    main()
