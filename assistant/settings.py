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

CLEAN_PARQUET = PROCESSED_DIR / "messages.parquet"
SPLIT_DIR = PROCESSED_DIR / "split"
VALIDATION_DIR = PROCESSED_DIR / "validation"

MODELS_DIR = ROOT / "models"
MODEL_DIR = MODELS_DIR / "topic"
METRICS_JSON = MODELS_DIR / "metrics.json"
PLOTS_DIR = MODELS_DIR / "plots"

KB_DB = DATA_DIR / "kb.duckdb"
# The live chat log is its own file: no pipeline stage rebuilds or overwrites it.
CHATLOG_DB = Path(os.environ.get("ASSISTANT_CHATLOG", DATA_DIR / "live" / "chatlog.duckdb"))

# Live chat-log rows older than this are deleted by python -m assistant.retention.
RETENTION_DAYS = 365
RETENTION_DAYS_ENV = "ASSISTANT_RETENTION_DAYS"

PARAMS_YAML = ROOT / "params.yaml"

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
