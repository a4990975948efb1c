"""Chat-log segments: append-only Parquet files in day partitions, a writer per process.

Layout under the log folder (settings.CHATLOG_DIR):

    chat_turns/day=2026-12-03/<process id>-<uuid>.parquet
    chat_turns/day=2026-12-02/compacted-<uuid>.parquet   (a closed day, see compaction.py)
    chat_feedback/day=2026-12-03/<process id>-<uuid>.parquet
    chat_deletions/<sha256 of a session id>     (the time the session was deleted)

Writers only ever add files, so any number of processes append at once. Deletions
rewrite a segment into a new file and rename it over the old one under a folder lock.
A compacted file names in its footer the files it replaced; readers skip those for the
moment they still lie beside it (segment_files).
"""

import fcntl
import hashlib
import json
import os
import uuid
from collections import Counter
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

TURNS = "chat_turns"
FEEDBACK = "chat_feedback"
DELETIONS = "chat_deletions"
# Written under this suffix and renamed, so a reader never meets half a file.
PARTIAL_SUFFIX = ".partial"
REWRITE_LOCK = ".rewrite.lock"
COMPACTED_PREFIX = "compacted-"
# Footer key of a compacted file: the JSON list of the file names it replaced.
REPLACED_KEY = b"replaced_files"
# A segment renamed or removed by a deletion while a reader lists the folder.
READ_ATTEMPTS = 3

TIMESTAMP = pa.timestamp("us", tz="UTC")
SCHEMAS = {
    TURNS: pa.schema(
        [
            ("turn_id", pa.string()),
            ("session_id", pa.string()),
            ("channel", pa.string()),
            ("turn_index", pa.int32()),
            ("logged_at", TIMESTAMP),
            ("masked_text", pa.string()),
            ("label", pa.string()),
            ("confidence", pa.float64()),
            ("outcome", pa.string()),
            ("choices", pa.string()),
            ("top", pa.string()),
            ("source", pa.string()),
        ]
    ),
    FEEDBACK: pa.schema(
        [
            ("feedback_id", pa.string()),
            ("session_id", pa.string()),
            ("turn_id", pa.string()),
            ("rating", pa.int16()),
            ("logged_at", TIMESTAMP),
        ]
    ),
}


def day_of(moment: datetime) -> str:
    """The partition of a moment: its UTC date, as day=YYYY-MM-DD names it."""
    return moment.astimezone(timezone.utc).date().isoformat()


def partitions(root: Path, dataset: str) -> list[Path]:
    return sorted((root / dataset).glob("day=*"))


def stored_files(root: Path, dataset: str) -> list[Path]:
    """Every Parquet file on disk, replaced ones included: what a rewrite must reach."""
    return sorted((root / dataset).glob("day=*/*.parquet"))


def segment_files(root: Path, dataset: str) -> list[Path]:
    """The files a reader takes: every stored file but those a compacted file replaced."""
    return readable(stored_files(root, dataset))


def readable(files: list[Path]) -> list[Path]:
    """The files without those that a compacted file among them replaced."""
    # A compacted day alone in its folder, the usual case, needs no footer read.
    files_in = Counter(path.parent for path in files)
    replaced = set()
    for path in files:
        if is_compacted(path) and files_in[path.parent] > 1:
            replaced.update(path.parent / name for name in replaced_names(path))
    return [path for path in files if path not in replaced]


def is_compacted(path: Path) -> bool:
    return path.name.startswith(COMPACTED_PREFIX)


def replaced_names(path: Path) -> list[str]:
    """The file names a compacted file replaced, from its footer."""
    try:
        metadata = pq.read_schema(path).metadata or {}
    except FileNotFoundError:
        # Merged again or emptied by a deletion since the listing; what it replaced
        # is gone or replaced by its successor too.
        return []
    return json.loads(metadata.get(REPLACED_KEY, b"[]"))


def compacted_path(folder: Path) -> Path:
    return folder / f"{COMPACTED_PREFIX}{uuid.uuid4().hex}.parquet"


def check_writable(root: Path) -> None:
    """Raise OSError unless new segments can be created under root."""
    root.mkdir(parents=True, exist_ok=True)
    if not os.access(root, os.W_OK | os.X_OK):
        raise PermissionError(f"no write permission on {root}")


def write_segment(root: Path, dataset: str, day: str, rows: list[dict]) -> Path:
    """A new segment file holding rows; the process id names the writer."""
    folder = root / dataset / f"day={day}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{os.getpid()}-{uuid.uuid4().hex}.parquet"
    write_atomically(pa.Table.from_pylist(rows, schema=SCHEMAS[dataset]), path)
    return path


def write_atomically(table: pa.Table, path: Path) -> None:
    partial = path.with_name(path.name + PARTIAL_SUFFIX)
    try:
        pq.write_table(table, partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def query(root: Path, dataset: str, sql: str, params: dict, pending=()) -> pd.DataFrame:
    """Run sql over `rows`: every segment plus pending rows not yet written."""
    for attempt in range(READ_ATTEMPTS):
        try:
            return query_once(root, dataset, sql, params, list(pending))
        except duckdb.IOException:
            if attempt == READ_ATTEMPTS - 1:
                raise


def query_once(root: Path, dataset: str, sql: str, params: dict, pending: list[dict]):
    schema = SCHEMAS[dataset]
    columns = ", ".join(schema.names)
    files = [str(path) for path in segment_files(root, dataset)]
    source = f"SELECT {columns} FROM pending"
    if files:
        stored = f"SELECT {columns} FROM read_parquet($files, hive_partitioning = true)"
        source = f"{stored} UNION ALL {source}"
        params = {**params, "files": files}
    with duckdb.connect() as connection:
        connection.register("pending", pa.Table.from_pylist(pending, schema=schema))
        return connection.execute(f"WITH rows AS ({source}) {sql}", params).df()


@contextmanager
def rewrite_lock(root: Path):
    """One rewriting process at a time; appending writers never wait for it."""
    check_writable(root)
    with open(root / REWRITE_LOCK, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def rewrite_segment(path: Path, drop) -> int:
    """Remove the rows where drop(table) is true; the count removed."""
    try:
        table = pq.ParquetFile(path).read()
    except FileNotFoundError:
        # Compacted meanwhile (its rows passed the deletion marks then) or emptied.
        return 0
    dropped = drop(table)
    removed = pc.sum(dropped).as_py() or 0
    if not removed:
        return 0
    kept = table.filter(pc.invert(dropped))
    if kept.num_rows:
        write_atomically(kept, path)
    else:
        path.unlink(missing_ok=True)
    return removed


def session_digest(session_id: str) -> str:
    # Hashed: session ids from API clients are not safe file names.
    return hashlib.sha256(session_id.encode("utf-8", "replace")).hexdigest()


def deletion_mark(root: Path, session_id: str) -> Path:
    return root / DELETIONS / session_digest(session_id)


def mark_deleted(root: Path, session_id: str, moment: datetime) -> None:
    """Remember that the session's rows logged up to moment are gone."""
    path = deletion_mark(root, session_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}{PARTIAL_SUFFIX}")
    partial.write_text(moment.isoformat(), encoding="utf-8")
    os.replace(partial, path)


def deletions(root: Path, session_ids) -> dict[str, datetime]:
    """Session id → deletion time, for the given sessions that were deleted."""
    found = {}
    for session_id in set(session_ids):
        try:
            text = deletion_mark(root, session_id).read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        found[session_id] = datetime.fromisoformat(text)
    return found


def marks_by_digest(root: Path) -> dict[str, datetime]:
    """Every deletion mark: session digest → deletion time; one listing, no guesses."""
    found = {}
    for path in (root / DELETIONS).glob("*"):
        if path.name.endswith(PARTIAL_SUFFIX):
            continue
        try:
            found[path.name] = datetime.fromisoformat(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            # Pruned by a retention run meanwhile.
            continue
    return found


def prune_deletions(root: Path, before: datetime) -> None:
    """Forget deletion marks older than before: every row they cover is gone by now."""
    for path in (root / DELETIONS).glob("*"):
        if path.name.endswith(PARTIAL_SUFFIX):
            continue
        if datetime.fromisoformat(path.read_text(encoding="utf-8")) < before:
            path.unlink(missing_ok=True)


def is_deleted(row: dict, marks: dict[str, datetime]) -> bool:
    # Rows logged after the deletion are a new conversation and stay.
    deleted_at = marks.get(row["session_id"])
    return deleted_at is not None and row["logged_at"] <= deleted_at


def deleted_mask(marks: dict[str, datetime]):
    """drop() for rewrite_segment: the rows the deletion marks cover."""

    def drop(table: pa.Table) -> pa.Array:
        return pa.array([is_deleted(row, marks) for row in table.to_pylist()])

    return drop


def older_mask(cutoff: datetime):
    """drop() for rewrite_segment: rows logged before cutoff."""
    return lambda table: pc.less(table["logged_at"], pa.scalar(cutoff, TIMESTAMP))


def files_holding(root: Path, dataset: str, session_id: str) -> list[Path]:
    """The stored files with at least one row of the session, replaced ones included."""
    # A compaction cut short leaves replaced files behind; they must lose the rows too.
    files = [str(path) for path in stored_files(root, dataset)]
    if not files:
        return []
    sql = (
        "SELECT DISTINCT filename FROM read_parquet($files, filename = true, "
        "hive_partitioning = false) WHERE session_id = $session"
    )
    with duckdb.connect() as connection:
        found = connection.execute(sql, {"files": files, "session": session_id})
        return [Path(name) for (name,) in found.fetchall()]


def delete_session_rows(
    root: Path, dataset: str, session_id: str, moment: datetime
) -> int:
    """Rewrite only the segments holding the session; the rows removed."""
    drop = deleted_mask({session_id: moment})
    return sum(
        rewrite_segment(path, drop)
        for path in files_holding(root, dataset, session_id)
        if path.exists()
    )


def delete_before(root: Path, dataset: str, cutoff: datetime) -> int:
    """Drop the days before the cutoff's day, rewrite that day; the rows removed."""
    cut_day = f"day={day_of(cutoff)}"
    removed = 0
    for folder in partitions(root, dataset):
        if folder.name < cut_day:
            removed += remove_partition(folder)
        elif folder.name == cut_day:
            removed += rewrite_partition(folder, older_mask(cutoff))
    return removed


def rewrite_partition(folder: Path, drop) -> int:
    """rewrite_segment on every file; the count removed from what readers see."""
    files = sorted(folder.glob("*.parquet"))
    counted = set(readable(files))
    removed = 0
    for path in files:
        count = rewrite_segment(path, drop)
        removed += count if path in counted else 0
    return removed


def remove_partition(folder: Path) -> int:
    files = sorted(folder.glob("*.parquet"))
    removed = sum(pq.ParquetFile(path).metadata.num_rows for path in readable(files))
    for path in files:
        path.unlink()
    try:
        folder.rmdir()
    except OSError:
        # A writer is finishing a late segment here; the next run removes it.
        pass
    return removed
