"""Every path the product uses, built from the project root, and the params reader."""

import os
from functools import lru_cache
from pathlib import Path

import yaml

ROOT = Path(os.environ.get("ASSISTANT_ROOT", Path(__file__).resolve().parent.parent))

DATA_DIR = ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
KB_SOURCE_DIR = DATA_DIR / "kb"
PROCESSED_DIR = DATA_DIR / "processed"
TOPICS_CSV = DATA_DIR / "topics.csv"
# Words that keep a figure from sounding certain; outside assistant/resources, which the
# clean and train stages depend on as a whole.
HEDGES_TSV = DATA_DIR / "hedges.tsv"

CLEAN_PARQUET = PROCESSED_DIR / "messages.parquet"
SPLIT_DIR = PROCESSED_DIR / "split"
VALIDATION_DIR = PROCESSED_DIR / "validation"
KB_VALIDATION_DIR = PROCESSED_DIR / "kb_validation"
# The historical export as the current assistant answers it (stage score_history).
HISTORY_TURNS = PROCESSED_DIR / "history_turns.parquet"

MODELS_DIR = ROOT / "models"
MODEL_DIR = MODELS_DIR / "topic"
METRICS_JSON = MODELS_DIR / "metrics.json"
PLOTS_DIR = MODELS_DIR / "plots"

KB_DB = DATA_DIR / "kb.duckdb"
# The live chat log is a folder of Parquet segments that no pipeline stage rebuilds.
CHATLOG_DIR_ENV = "ASSISTANT_CHATLOG_DIR"
# The variable of the single-file log, still honoured as the folder.
CHATLOG_LEGACY_ENV = "ASSISTANT_CHATLOG"
DEFAULT_CHATLOG_DIR = DATA_DIR / "live"


def chatlog_dir_from(environ) -> Path:
    """The chat-log folder that these environment variables name."""
    named = environ.get(CHATLOG_DIR_ENV) or environ.get(CHATLOG_LEGACY_ENV)
    return Path(named) if named else DEFAULT_CHATLOG_DIR


CHATLOG_DIR = chatlog_dir_from(os.environ)

# Live chat-log rows older than this are deleted by python -m assistant.retention.
RETENTION_DAYS = 365
RETENTION_DAYS_ENV = "ASSISTANT_RETENTION_DAYS"

# Analysts' labels of live turns: a DuckDB file the app writes and export_labels reads.
LABELS_DB_ENV = "ASSISTANT_LABELS_DB"
DEFAULT_LABELS_DB = DATA_DIR / "labels" / "labels.duckdb"
# The export_labels stage writes the labels of real topics here for the train stage.
ANALYST_LABELS_CSV = PROCESSED_DIR / "analyst_labels.csv"


def labels_db_from(environ) -> Path:
    """The labels file that these environment variables name."""
    named = environ.get(LABELS_DB_ENV)
    return Path(named) if named else DEFAULT_LABELS_DB


LABELS_DB = labels_db_from(os.environ)

# Consultation bookings: any SQLAlchemy URL; an SQLite file under data/ by default.
BOOKINGS_URL_ENV = "ASSISTANT_BOOKINGS_URL"
DEFAULT_BOOKINGS_DB = DATA_DIR / "bookings.sqlite"


def bookings_url(environ=os.environ) -> str:
    """The bookings database named by ASSISTANT_BOOKINGS_URL, read at call time."""
    return environ.get(BOOKINGS_URL_ENV) or f"sqlite:///{DEFAULT_BOOKINGS_DB}"


# Analyst accounts of the app (argon2 hashes); git-ignored, made by `analysts add`.
ANALYSTS_FILE = DATA_DIR / "accounts" / "analysts.json"

PARAMS_YAML = ROOT / "params.yaml"
DVC_LOCK = ROOT / "dvc.lock"

BUILD_COMMAND = "make build"


@lru_cache(maxsize=1)
def load_params() -> dict:
    """Read params.yaml once per process."""
    with PARAMS_YAML.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def stage_params(stage: str) -> dict:
    """One stage's section of params.yaml, with the shared seed added."""
    params = load_params()
    section = dict(params.get(stage) or {})
    section.setdefault("seed", params.get("seed", 0))
    return section
