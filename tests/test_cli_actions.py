"""`python -m assistant dialog` runs the flows: questions, quick replies, dates."""

import json

import pytest

from tests.test_cli import output_lines, run_assistant

DIALOGS = [
    {
        "id": "deadline",
        "turns": [
            "Какой срок выполнения мероприятий по техприсоединению?",
            "физлицо, 15 кВт",
            "0,4 кВ",
            "До 15 м",
            "10.11.2026",
        ],
    },
    {"id": "account", "turns": ["личный кабинет", "Оплатить счёт"]},
]


@pytest.fixture(scope="module")
def dialogs():
    lines = [json.dumps(item, ensure_ascii=False) for item in DIALOGS]
    return output_lines(run_assistant("dialog", stdin="\n".join(lines) + "\n"))


def test_a_deadline_flow_asks_then_counts_the_date(dialogs):
    turns = dialogs[0]["turns"]

    assert [turn["label"] for turn in turns] == ["tp_implementation_deadlines"] * 5
    assert turns[0]["suggestions"] == ["До 15 кВт", "До 150 кВт", "Свыше 150 кВт"]
    assert "30 рабочих дней" in turns[3]["reply"]
    assert "не позднее 22.12.2026" in turns[4]["reply"]
    assert "suggestions" not in turns[4]


def test_an_account_question_offers_buttons_and_a_typed_button_answers(dialogs):
    first, second = dialogs[1]["turns"]

    assert "Оплатить счёт" in first["suggestions"]
    assert second["reply"].startswith("Счёт за подключение приходит в личный кабинет")
