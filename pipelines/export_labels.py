"""DVC stage export_labels: analysts' labels of real topics → a table the train stage adds."""

import argparse
import logging
from pathlib import Path

import pandas as pd

from assistant import settings
from assistant.chatlogs import ANALYST_LABEL_COLUMNS
from assistant.labelling import LabelStore, is_topic_label
from assistant.logs import setup_logging

log = logging.getLogger("export_labels")

CSV_SEPARATOR = ";"


def topic_labels(labels: pd.DataFrame) -> pd.DataFrame:
    """Labels the model can learn: spam and proposed new topics stay with the analysts."""
    known = labels["label"].map(is_topic_label).astype(bool)
    skipped = int((~known).sum())
    if skipped:
        log.warning("skipped %d labels that are spam or new topics", skipped)
    kept = labels[known].rename(columns={"label": "topic"})
    return kept[ANALYST_LABEL_COLUMNS].reset_index(drop=True)


def export_labels(labels_db: Path, output: Path) -> int:
    """Write the latest label of every text of a real topic; an absent file exports none."""
    labels = LabelStore(labels_db).frame()
    log.info("read %d labelled texts from %s", len(labels), labels_db)

    exported = topic_labels(labels)
    output.parent.mkdir(parents=True, exist_ok=True)
    exported.to_csv(output, sep=CSV_SEPARATOR, index=False, encoding="utf-8")
    log.info("exported %d labels of %d topics to %s", len(exported),
             exported["topic"].nunique(), output)
    return len(exported)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--labels-db", type=Path, default=settings.DEFAULT_LABELS_DB)
    parser.add_argument("--output", type=Path, default=settings.ANALYST_LABELS_CSV)
    args = parser.parse_args()
    setup_logging()

    export_labels(args.labels_db, args.output)


if __name__ == "__main__":
    main()
