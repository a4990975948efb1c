"""Notebooks run top to bottom in a Jupyter kernel on the built data, so none of them rots."""

import json

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from assistant import settings

NOTEBOOKS = sorted((settings.ROOT / "notebooks").glob("*.ipynb"))
# Experiments retrain models: in the test run they use a slice of the data and few trees.
SMALL_RUN = {"EXPERIMENT_SAMPLE_SHARE": "0.25", "EXPERIMENT_ITERATIONS": "40"}
CELL_TIMEOUT_SECONDS = 900


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_a_notebook_runs_from_the_first_cell_to_the_last(path, monkeypatch):
    for name, value in SMALL_RUN.items():
        monkeypatch.setenv(name, value)
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT_SECONDS, kernel_name="python3",
                            resources={"metadata": {"path": str(settings.ROOT)}})
    try:
        client.execute()
    except CellExecutionError as error:
        pytest.fail(f"{path.name}: {error}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_a_notebook_is_committed_without_outputs(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert all(not cell["outputs"] and cell["execution_count"] is None for cell in code)
