"""DVC stage split: train / validation / test by session, stratified by topic, seeded."""

import argparse
import logging
from pathlib import Path

import pandas as pd
from sklearn.model_selection import StratifiedGroupKFold

from assistant import settings
from assistant.logs import setup_logging

log = logging.getLogger("split")

PARTS = ("train", "validation", "test")
UNLABELLED = "<none>"


def hold_out(frame: pd.DataFrame, share: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cut off about `share` of the sessions, keeping topic proportions."""
    folds = max(2, round(1 / share))
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    strata = frame["topic"].fillna(UNLABELLED)
    rest_index, held_index = next(splitter.split(frame, strata, groups=frame["session_id"]))
    return frame.iloc[rest_index], frame.iloc[held_index]


def split_by_session(frame: pd.DataFrame, validation_share: float, test_share: float,
                     seed: int) -> dict[str, pd.DataFrame]:
    """Three parts with no session in two of them."""
    rest, test = hold_out(frame, test_share, seed)
    train, validation = hold_out(rest, validation_share / (1 - test_share), seed + 1)
    return {"train": train, "validation": validation, "test": test}


def main() -> None:
    params = settings.stage_params("split")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", type=Path, default=settings.CLEAN_PARQUET)
    parser.add_argument("--output-dir", type=Path, default=settings.SPLIT_DIR)
    args = parser.parse_args()
    setup_logging()

    frame = pd.read_parquet(args.input)
    parts = split_by_session(
        frame, params["validation_share"], params["test_share"], params["seed"]
    )

    args.output_dir.mkdir(parents=True, exist_ok=True)
    for name, part in parts.items():
        path = args.output_dir / f"{name}.parquet"
        part.reset_index(drop=True).to_parquet(path, index=False)
        log.info("%s: %d messages, %d sessions, %d labelled → %s", name, len(part),
                 part["session_id"].nunique(), part["topic"].notna().sum(), path)


if __name__ == "__main__":
    main()
