"""Notebooks run top to bottom on the built data, so that none of them rots."""

import json
from pathlib import Path

import pytest

from assistant import settings

NOTEBOOKS = sorted((settings.ROOT / "notebooks").glob("*.ipynb"))


def code_cells(path: Path) -> list[str]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(cell["source"]) for cell in notebook["cells"]
            if cell["cell_type"] == "code"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_a_notebook_runs_from_the_first_cell_to_the_last(path):
    namespace: dict = {}
    for number, source in enumerate(code_cells(path), start=1):
        try:
            exec(compile(source, f"{path.name} cell {number}", "exec"), namespace)
        except Exception as error:
            pytest.fail(f"{path.name}, code cell {number}: {error!r}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_a_notebook_is_committed_without_outputs(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert all(not cell["outputs"] and cell["execution_count"] is None for cell in code)
