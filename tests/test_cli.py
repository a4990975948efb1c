"""The command line as automated evaluation runs it: JSON lines in, JSON lines out."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from assistant import settings
from assistant.labels import all_labels

MODEL_COMMANDS = ["classify", "dialog", "ask"]
# Masking needs no model, so it is only in the help check.
COMMANDS = [*MODEL_COMMANDS, "mask"]
# A bare list is valid JSON but not an object: it is skipped like a broken line.
CLASSIFY_INPUT = [
    json.dumps({"text": "Когда дадут свет?"}, ensure_ascii=False),
    "это не JSON {",
    "[1, 2]",
    json.dumps(
        {"text": "а сколько стоит?",
         "context": ["Нужно временное подключение для стройки"]},
        ensure_ascii=False,
    ),
]
DIALOG_INPUT = [
    {"id": "s1", "turns": [{"text": "Здравствуйте"}, {"text": "Когда дадут свет?"}]},
    {"id": "s2", "turns": [{"text": "Нужно временное подключение для стройки"},
                           {"text": "а сколько стоит?"}]},
    {"id": 3, "channel": "lk", "turns": ["Спасибо"]},
]


def run_assistant(*args: str, stdin: str = "", env: dict | None = None):
    """`python -m assistant ...` from the project root, as a client script runs it."""
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=settings.ROOT,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def output_lines(result) -> list[dict]:
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture(scope="module")
def classified():
    return run_assistant("classify", stdin="\n".join(CLASSIFY_INPUT) + "\n")


@pytest.fixture(scope="module")
def dialogs():
    lines = [json.dumps(item, ensure_ascii=False) for item in DIALOG_INPUT]
    return output_lines(run_assistant("dialog", stdin="\n".join(lines) + "\n"))


@pytest.fixture(scope="module")
def root_without_model(tmp_path_factory):
    """A project root with the label set, params and store, and an empty model dir."""
    root = tmp_path_factory.mktemp("root")
    (root / "data").mkdir()
    (root / "models" / "topic").mkdir(parents=True)
    shutil.copy(settings.TOPICS_CSV, root / "data" / "topics.csv")
    shutil.copy(settings.PARAMS_YAML, root / "params.yaml")
    # With the store in place, dialog and ask fail on the model, not on the store.
    shutil.copy(settings.KB_DB, root / "data" / "kb.duckdb")
    return root


def test_classify_prints_label_confidence_and_a_top_of_three(classified):
    for line in output_lines(classified):
        assert set(line) == {"label", "confidence", "top"}
        assert line["label"] in all_labels()
        assert 0 <= line["confidence"] <= 1
        assert len(line["top"]) == 3
        assert all(set(item) == {"label", "p"} for item in line["top"])
        assert line["top"][0]["label"] == line["label"]


def test_classify_skips_broken_lines_and_answers_the_rest(classified):
    labels = [line["label"] for line in output_lines(classified)]

    assert labels == ["outages", "temporary_cost"]
    assert "line 2 is not JSON" in classified.stderr
    assert "line 3 is not a JSON object" in classified.stderr


def test_dialog_prints_one_line_per_session_with_every_turn(dialogs):
    assert [line["id"] for line in dialogs] == ["s1", "s2", 3]
    assert [len(line["turns"]) for line in dialogs] == [2, 2, 1]
    for line in dialogs:
        assert set(line) == {"id", "turns"}
        for turn in line["turns"]:
            assert set(turn) == {"label", "confidence", "reply"}
            assert turn["label"] in all_labels()
            assert turn["reply"].strip()


def test_dialog_keeps_context_within_a_session_only(dialogs):
    assert [turn["label"] for turn in dialogs[1]["turns"]] == ["temporary_apply",
                                                             "temporary_cost"]


def test_ask_prints_the_reply_to_one_message():
    result = run_assistant("ask", "Позовите", "оператора")

    assert result.returncode == 0, result.stderr
    assert "8 800 220-0-220" in result.stdout


@pytest.mark.parametrize("command", MODEL_COMMANDS)
def test_a_missing_model_exits_non_zero_and_names_make_build(
    root_without_model, command
):
    stdin = '{"text": "Когда дадут свет?", "turns": ["Когда дадут свет?"]}\n'
    args = [command, "Когда дадут свет?"] if command == "ask" else [command]
    env = {"ASSISTANT_ROOT": str(root_without_model)}
    result = run_assistant(*args, stdin=stdin, env=env)

    assert result.returncode != 0
    assert "make build" in result.stderr
    assert "Topic model not found" in result.stderr


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_command_has_help(command):
    result = run_assistant(*([command] if command else []), "--help")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: python -m assistant")


def test_ask_without_a_message_prints_usage_and_fails():
    result = run_assistant("ask")

    assert result.returncode != 0
    assert "usage:" in result.stderr
