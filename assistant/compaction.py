"""Compaction: each closed day of the chat log becomes one Parquet file per dataset.

Every writing process leaves a segment per 50 rows, so a busy year is tens of thousands of
small files that each reader lists and opens. A day before today (UTC) gets no new rows but
late ones (a queue that waited out a refusing folder, a row of 23:59:59 flushed after
midnight); those land as segments beside the compacted file, and the next run merges them
with it.

A run holds the rewrite lock, so it never meets a deletion. In each closed day folder it
writes one file, `compacted-<uuid>.parquet`, with the rows of every file a reader takes
there, less those the deletion marks cover; its footer names every file it replaces, and
readers skip those while they still exist (segments.segment_files). The replaced files go
only after GRACE_SECONDS, so a reader that listed the folder while the compacted file
appeared still finds all of them: at any moment each row is read once.
"""

import json
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from . import segments
from .segments import FEEDBACK, REPLACED_KEY, SCHEMAS, TURNS

DATASETS = (TURNS, FEEDBACK)
# Far longer than a listing of one day folder takes, even of thousands of segments.
GRACE_SECONDS = 1.0


@dataclass(frozen=True)
class Compaction:
    """What one run did: day folders compacted, files merged, compacted files written."""

    days: int = 0
    merged: int = 0
    written: int = 0


@dataclass(frozen=True)
class FolderPlan:
    """One day folder of one dataset: the files to remove and those whose rows to merge."""

    folder: Path
    dataset: str
    replaced: list[Path]
    merged: list[Path]


def compact_log(
    root: Path, now: datetime, grace_seconds: float = GRACE_SECONDS
) -> Compaction:
    """Merge each day folder before now's UTC day into one file per dataset."""
    today = f"day={segments.day_of(now)}"
    with segments.rewrite_lock(root):
        plans = [
            plan
            for dataset in DATASETS
            for folder in segments.partitions(root, dataset)
            if folder.name < today and (plan := plan_folder(folder, dataset))
        ]
        if not plans:
            return Compaction()
        marks = segments.marks_by_digest(root)
        written = sum(merge_folder(plan, marks) for plan in plans)
        time.sleep(grace_seconds)
        for plan in plans:
            for path in plan.replaced:
                path.unlink(missing_ok=True)
    return Compaction(
        days=len({plan.folder.name for plan in plans}),
        merged=sum(len(plan.merged) for plan in plans),
        written=written,
    )


def describe(result: Compaction, root: Path) -> str:
    """The line a command prints about a run."""
    if not result.days:
        return f"nothing to compact in {root}: every closed day is one file already"
    return (
        f"compacted {result.days} days in {root}: "
        f"{result.merged:,} files merged into {result.written:,}"
    )


def plan_folder(folder: Path, dataset: str) -> FolderPlan | None:
    """What compacting the folder takes; None if it already is one compacted file."""
    stored = sorted(folder.glob("*.parquet"))
    taken = segments.readable(stored)
    if len(taken) == 1 and segments.is_compacted(taken[0]):
        # Files a run cut short before removing them; their rows are in the compacted one.
        leftovers = [path for path in stored if path != taken[0]]
        return FolderPlan(folder, dataset, leftovers, []) if leftovers else None
    if not stored:
        return None
    return FolderPlan(folder, dataset, stored, taken)


def merge_folder(plan: FolderPlan, marks: dict[str, datetime]) -> int:
    """Write the compacted file of the plan; 1 if written, 0 if no row is left."""
    if not plan.merged:
        return 0
    table = without_deleted(read_rows(plan.merged, plan.dataset), marks)
    if not table.num_rows:
        return 0
    names = json.dumps([path.name for path in plan.replaced])
    table = table.sort_by("logged_at").replace_schema_metadata({REPLACED_KEY: names})
    segments.write_atomically(table, segments.compacted_path(plan.folder))
    return 1


def read_rows(files: list[Path], dataset: str) -> pa.Table:
    schema = SCHEMAS[dataset]
    found = ds.dataset([str(path) for path in files], schema=schema, format="parquet")
    return found.to_table()


def without_deleted(table: pa.Table, marks: dict[str, datetime]) -> pa.Table:
    """The rows no deletion mark covers; a row of a deleted session is never carried on."""
    sessions = pc.unique(table["session_id"]).to_pylist()
    deleted = {
        session: marks[digest]
        for session in sessions
        if session is not None and (digest := segments.session_digest(session)) in marks
    }
    if not deleted:
        return table
    return table.filter(pc.invert(segments.deleted_mask(deleted)(table)))
