"""The knowledge-base build refuses action tables that let a flow assert too much."""

import shutil

import pandas as pd
import pytest

from assistant import settings
from assistant.actions.phrasebook import text
from assistant.store import KnowledgeStore
from pipelines.build_kb import KbValidationError, build


def edit(sources, file: str, row: int, column: str, value: str) -> None:
    path = sources / file
    frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    frame.loc[row, column] = value
    frame.to_csv(path, sep=";", index=False)


@pytest.mark.parametrize(
    "file, column, value, suite",
    [
        # A figure may come only from a confirmed rate of high confidence.
        ("fee_rules.csv", "confidence", "M", "fee_rules"),
        ("fee_rules.csv", "text_key", "no_such_text", "fee_rules"),
        ("flow_texts.csv", "sources", "S999", "action_citations"),
        ("service_synonyms.csv", "target", "no_such_service", "service_synonyms"),
    ],
)
def test_a_broken_action_table_stops_the_build(tmp_path, file, column, value, suite):
    sources = tmp_path / "kb"
    shutil.copytree(settings.KB_SOURCE_DIR, sources)
    edit(sources, file, 0, column, value)
    output = tmp_path / "kb.duckdb"

    with pytest.raises(KbValidationError, match=suite):
        build(sources, output, tmp_path / "validation")
    assert not output.exists()


def test_a_rebuilt_store_serves_the_new_flow_texts(tmp_path):
    sources = tmp_path / "kb"
    shutil.copytree(settings.KB_SOURCE_DIR, sources)
    path = tmp_path / "kb.duckdb"
    build(sources, path, tmp_path / "validation")
    store = KnowledgeStore(path, check_every=0)
    before = text(store, "calc_retry")

    edit(sources, "flow_texts.csv", 0, "text", "Ответ не разобран.")
    build(sources, path, tmp_path / "validation")

    assert store.refresh_if_changed()
    assert before != "Ответ не разобран."
    assert text(store, "calc_retry") == "Ответ не разобран."
