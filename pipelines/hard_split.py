"""DVC stage hard_split: messy variants of the test split plus hand-written cases.

Every labelled test message gets one variant from assistant.perturb (kind chosen by
the seeded generator and kept in the `perturbation` column); the hand-written cases
of data/hard/hand_written.csv follow with perturbation "hand_written". Only the
message is changed: its session context stays as the client wrote it.
"""

import argparse
import logging
import random
from pathlib import Path

import pandas as pd

from assistant import settings
from assistant.chatlogs import read_labelled
from assistant.labels import all_labels
from assistant.logs import setup_logging
from assistant.perturb import perturb

log = logging.getLogger("hard_split")
HAND_WRITTEN = "hand_written"
COLUMNS = ["text", "context", "topic", "perturbation", "original"]


def messy_variants(test: pd.DataFrame, seed: int) -> pd.DataFrame:
    rng = random.Random(seed)
    rows = []
    for text, context, topic in zip(test["text"], test["context"], test["topic"]):
        variant, kind = perturb(text, rng)
        rows.append({"text": variant, "context": context, "topic": topic,
                     "perturbation": kind, "original": text})
    return pd.DataFrame(rows, columns=COLUMNS)


def hand_written(path: Path) -> pd.DataFrame:
    cases = pd.read_csv(path, dtype=str, keep_default_na=False)
    unknown = sorted(set(cases["topic"]) - set(all_labels()))
    if unknown:
        raise SystemExit(f"{path}: topics not in data/topics.csv: {unknown}; fix the file")
    cases["perturbation"] = HAND_WRITTEN
    cases["original"] = cases["text"]
    return cases[COLUMNS]


def main() -> None:
    params = settings.stage_params("hard_split")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split-dir", type=Path, default=settings.SPLIT_DIR)
    parser.add_argument("--cases", type=Path, default=settings.ROOT / params["cases"])
    parser.add_argument("--output", type=Path, default=settings.ROOT / params["output"])
    args = parser.parse_args()
    setup_logging()

    test = read_labelled(args.split_dir / "test.parquet")
    hard = pd.concat([messy_variants(test, params["seed"]), hand_written(args.cases)],
                     ignore_index=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    hard.to_parquet(args.output, index=False)
    kinds = hard["perturbation"].value_counts().to_dict()
    log.info("wrote %d hard messages to %s: %s", len(hard), args.output, kinds)


if __name__ == "__main__":
    main()
