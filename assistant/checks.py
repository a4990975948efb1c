"""Data checks: great-expectations suites on a DataFrame, JSON results, HTML docs."""

import json
import logging
from functools import lru_cache
from pathlib import Path

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)

log = logging.getLogger(__name__)
# GX logs hundreds of INFO lines about its own API registry and datasource loading.
logging.getLogger("great_expectations").setLevel(logging.WARNING)

DOCS_SITE = "local_site"
# Curated fact rows: dates as 2026-12-03, sources as keys of data/kb/sources.csv.
DATE_FORMAT = "%Y-%m-%d"
SOURCE_KEYS = r"^S\d+(?:; S\d+)*$"
SOURCE_SEPARATOR = ";"
# Characters Streamlit's markdown would turn into maths, emphasis or headings.
MARKDOWN_MARKS = r"[$*#_`]"
# An unfinished answer carries this mark; spelt in two pieces so that a search of the
# code for real marks does not stop here.
WORK_MARK = "TO" + "DO"
SHOWN_EXAMPLES = 5
# Expectations whose unexpected values are whole client texts: logged by row id only.
FREE_TEXT_CHECKS = ("regex", "like_pattern", "value_lengths")


def run_suite(
    frame: pd.DataFrame,
    suite_name: str,
    expectations: list,
    result_path: Path,
    docs_dir: Path,
    id_column: str | None = None,
) -> bool:
    """Validate a frame, write the result to result_path and data docs to docs_dir."""
    context = _context(docs_dir.resolve())
    result = _validate(context, frame, suite_name, expectations, id_column)

    report = result.to_json_dict()
    dump_result(report, result_path)
    context.build_data_docs()

    _log_result(suite_name, report, id_column)
    return bool(result.success)


def dump_result(result: dict, path: Path) -> None:
    """Write a validation result as readable UTF-8 JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        json.dump(result, handle, ensure_ascii=False, indent=2)


def load_result(path: Path) -> dict:
    """Read a validation result written by dump_result."""
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def failed_expectations(result: dict) -> list[str]:
    """Failed expectations of a JSON result, e.g. 'expect_..._unique(message_id)'."""
    return [_name(item) for item in result["results"] if not item["success"]]


@lru_cache(maxsize=None)
def _context(docs_dir: Path):
    """One context per docs site: a second context would drop the first one's pages."""
    # Stores live in memory, so only the docs site touches the disk.
    site = {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(docs_dir),
        },
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        data_docs_sites={DOCS_SITE: site},
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _validate(context, frame, suite_name, expectations, id_column):
    # add_or_update, because a suite may run again in the same process and docs site.
    source = context.data_sources.add_or_update_pandas(suite_name)
    asset = source.add_dataframe_asset(suite_name)
    batch = asset.add_batch_definition_whole_dataframe(suite_name)

    # GX refuses an expectation that belongs to a suite already; copies allow reuse.
    copies = [expectation.copy(deep=True) for expectation in expectations]
    suite = gx.ExpectationSuite(name=suite_name, expectations=copies)
    suite = context.suites.add_or_update(suite)
    definition = gx.ValidationDefinition(name=suite_name, data=batch, suite=suite)
    definition = context.validation_definitions.add_or_update(definition)

    result_format = {"result_format": "SUMMARY"}
    if id_column:
        result_format["unexpected_index_column_names"] = [id_column]
    return definition.run(
        batch_parameters={"dataframe": frame},
        result_format=result_format,
    )


def _log_result(suite_name: str, result: dict, id_column: str | None) -> None:
    failed = [item for item in result["results"] if not item["success"]]
    log.info(
        "suite %s: %d expectations, %d failed",
        suite_name,
        len(result["results"]),
        len(failed),
    )
    for item in failed:
        description = _describe(item, id_column)
        log.warning("suite %s: %s failed: %s", suite_name, _name(item), description)


def _name(item: dict) -> str:
    config = item["expectation_config"]
    column = config["kwargs"].get("column")
    return f"{config['type']}({column})" if column else config["type"]


def _describe(item: dict, id_column: str | None) -> str:
    """Counts and a few examples, e.g. "1 unexpected e.g. ['email'] in rows ['M7']"."""
    errors = _errors(item["exception_info"])
    if errors:
        return f"raised {errors[0]}"

    outcome = item["result"]
    parts = []
    if "unexpected_count" in outcome:
        examples = _examples(item, id_column)
        parts.append(f"{outcome['unexpected_count']} unexpected {examples}")
    if "partial_missing_list" in outcome:
        examples = outcome["partial_missing_list"][:SHOWN_EXAMPLES]
        parts.append(f"{outcome['missing_count']} missing, e.g. {examples}")
    return "; ".join(parts) or f"observed {str(outcome.get('observed_value'))[:200]}"


def _errors(info: dict) -> list[str]:
    # One flat entry, or one entry per metric keyed by the metric's id.
    entries = [info] if "raised_exception" in info else list(info.values())
    raised = [entry for entry in entries if entry.get("raised_exception")]
    return [entry["exception_message"] for entry in raised]


def _examples(item: dict, id_column: str | None) -> str:
    outcome = item["result"]
    values = outcome.get("partial_unexpected_list", [])[:SHOWN_EXAMPLES]
    rows = outcome.get("partial_unexpected_index_list") or []
    if not (id_column and rows and isinstance(rows[0], dict)):
        return f"e.g. {values}"

    ids = [row.get(id_column) for row in rows[:SHOWN_EXAMPLES]]
    # A failed check on free text would copy the leaked phone number into the log.
    if any(marker in item["expectation_config"]["type"] for marker in FREE_TEXT_CHECKS):
        return f"in rows {ids}"
    return f"e.g. {values} in rows {ids}"


def text_expectations(column: str) -> list:
    """User-facing text: present, no work marks, nothing markdown would eat."""
    return [
        gxe.ExpectColumnValuesToNotBeNull(column=column),
        gxe.ExpectColumnValuesToNotMatchRegex(column=column, regex=WORK_MARK),
        gxe.ExpectColumnValuesToNotMatchRegex(column=column, regex=MARKDOWN_MARKS),
    ]
