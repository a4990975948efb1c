"""DVC stage clean: chat-log export → masked client messages with session context."""

import argparse
import logging
from pathlib import Path

from tqdm import tqdm

from assistant import settings
from assistant.chatlogs import clean_export, read_export
from assistant.logs import setup_logging
from assistant.review import read_review

log = logging.getLogger("clean")


def main() -> None:
    params = settings.stage_params("clean")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", type=Path, default=settings.ROOT / params["input"])
    parser.add_argument("--review", default=params.get("review") or "",
                        help="reviewed labels by message id; empty keeps the operators' labels")
    parser.add_argument("--output", type=Path, default=settings.CLEAN_PARQUET)
    args = parser.parse_args()
    setup_logging()

    raw = read_export(args.input)
    log.info("read %d rows from %s", len(raw), args.input)
    review = read_review(settings.ROOT / args.review) if args.review else None

    progress = lambda items: tqdm(items, desc="masking", unit="msg", mininterval=2)  # noqa: E731
    clean = clean_export(raw, params["context_turns"], params["max_text_length"], progress,
                         review)

    args.output.parent.mkdir(parents=True, exist_ok=True)
    clean.to_parquet(args.output, index=False)
    log.info("wrote %d messages to %s", len(clean), args.output)


if __name__ == "__main__":
    main()
