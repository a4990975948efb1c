"""Analysts' labels: stored masked, exported for real topics, learnt by the next model."""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest

from assistant import settings
from assistant.chatlogs import CLEAN_COLUMNS, read_analyst_labels, read_labelled
from assistant.classifier import TopicClassifier
from assistant.labelling import LabelError, LabelStore, check_label
from pipelines.export_labels import export_labels
from pipelines.train import fit, with_analyst_labels

# Orders of paid services in words the historic log lacks: the model took them for a
# booking, an operator request or something outside the company.
ORDERS = [
    "мне нужна автовышка на субботу",
    "перенесите столб с моего участка",
    "уберите линию с участка, будем строить дом",
    "пусть ваши электрики посмотрят проводку в щитке",
]
ORDER_LABEL = "services_apply"
# The same requests put differently, never labelled.
REWORDED_ORDERS = ["нужна автовышка на воскресенье",
                   "уберите провода с участка, будем строить баню"]
HOLD_FILE = """
import sys, time, duckdb
connection = duckdb.connect(sys.argv[1], read_only=True)
print("holding", flush=True)
time.sleep(1)
connection.close()
"""
# A quick model: a few messages per topic, few trees, every word in the dictionary.
MESSAGES_PER_TOPIC = 6
VALIDATION_PER_TOPIC = 2
QUICK_TRAIN = {"iterations": 80, "early_stopping_rounds": 80, "log_every": 0,
               "dictionary_size": 2000, "min_word_count": 1}


@pytest.fixture
def labels_db(tmp_path):
    return tmp_path / "labels" / "labels.duckdb"


@pytest.fixture
def label_store(labels_db):
    return LabelStore(labels_db)


def test_a_label_is_stored_with_the_analyst_and_the_text_masked(label_store):
    stored = label_store.add(["Меня зовут Иван Петров, нужна автовышка"], ORDER_LABEL, "Анна")

    row = label_store.frame().iloc[0]
    assert stored == 1
    assert row["text"] == "Меня зовут <PER>, нужна автовышка"
    assert (row["label"], row["analyst"]) == (ORDER_LABEL, "Анна")
    assert row["labelled_at"].tzinfo is not None
    assert pd.isna(row["cluster"])


def test_masked_text_is_stored_as_it_is(label_store):
    label_store.add(["<PER>, звоните на <PHONE>"], "operator", "Анна", cluster="c-7")

    row = label_store.frame().iloc[0]
    assert (row["text"], row["cluster"]) == ("<PER>, звоните на <PHONE>", "c-7")


def test_labelling_a_text_again_keeps_the_latest_label(label_store):
    label_store.add(["сколько стоит автовышка?"], "services_availability", "Анна")
    label_store.add(["сколько стоит автовышка?", "нужен кран"], "services_cost", "Олег")

    frame = label_store.frame().set_index("text")
    assert len(frame) == 2
    assert frame.loc["сколько стоит автовышка?", "label"] == "services_cost"
    assert frame.loc["сколько стоит автовышка?", "analyst"] == "Олег"


@pytest.mark.parametrize(
    "given, stored",
    [
        ("outages", "outages"),
        ("  outages ", "outages"),
        ("spam", "spam"),
        ("SPAM", "spam"),
        ("new topic: зарядка электромобилей", "new topic: зарядка электромобилей"),
        ("New topic:   вывоз  веток ", "new topic: вывоз веток"),
        ("new topic: 🔌⚡", "new topic: 🔌⚡"),
        ("new topic: " + "очень " * 100, "new topic: " + ("очень " * 100)[:100].strip()),
    ],
)
def test_topics_spam_and_new_topics_are_accepted(given, stored):
    assert check_label(given) == stored


@pytest.mark.parametrize("label", ["", "новая тема", "new topic:", "new topic:  ", "Outages",
                                   "Аварийные отключения", None])
def test_a_label_outside_the_taxonomy_is_refused_with_the_forms_allowed(label_store, label):
    with pytest.raises(LabelError, match="new topic: <name>"):
        label_store.add(["нужна автовышка"], label, "Анна")
    assert label_store.frame().empty


@pytest.mark.parametrize(
    "texts, stored",
    [([], 0), (["", "   "], 0), (["😀😀"], 1), (["<b>жирный</b>"], 1),
     (["нужна автовышка", "нужна автовышка "], 1), (["а" * 50_000], 1)],
)
def test_odd_texts_are_stored_or_skipped_without_an_error(label_store, texts, stored):
    assert label_store.add(texts, "out_of_scope", "") == stored
    frame = label_store.frame()
    assert len(frame) == stored
    assert (frame["text"].str.len() <= 2000).all()
    assert (frame["analyst"] == "analyst").all()


def test_a_single_text_counts_as_one_message(label_store):
    assert label_store.add("нужна автовышка", ORDER_LABEL, "Анна") == 1
    assert label_store.frame()["text"].tolist() == ["нужна автовышка"]


def test_analysts_saving_at_the_same_time_lose_no_label(label_store):
    def label_batch(number: int) -> int:
        texts = [f"вопрос {number}-{index}" for index in range(5)]
        label_store.frame()
        return label_store.add(texts, "out_of_scope", f"аналитик {number}")

    with ThreadPoolExecutor(max_workers=4) as pool:
        saved = list(pool.map(label_batch, range(4)))

    assert saved == [5] * 4
    assert len(label_store.frame()) == 20


def test_a_label_waits_while_another_process_reads_the_file(label_store):
    label_store.add(["нужен кран"], "services_apply", "Анна")
    # The export stage in another process holds the file for a moment.
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_FILE, str(label_store.path)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        assert label_store.add(["нужна автовышка"], ORDER_LABEL, "Анна") == 1
    finally:
        holder.wait()

    assert len(label_store.frame()) == 2


def test_without_a_labels_file_the_frame_is_empty_and_no_file_appears(labels_db):
    frame = LabelStore(labels_db).frame()

    assert frame.empty
    assert list(frame.columns) == ["text", "label", "analyst", "labelled_at", "cluster"]
    assert not labels_db.exists()


def test_the_labels_file_follows_the_environment(tmp_path, monkeypatch):
    path = tmp_path / "elsewhere.duckdb"
    monkeypatch.setenv(settings.LABELS_DB_ENV, str(path))

    LabelStore().add(["нужна автовышка"], ORDER_LABEL, "Анна")

    assert path.is_file()


def test_the_export_keeps_real_topics_and_drops_spam_and_new_topics(label_store, tmp_path):
    label_store.add(["нужна автовышка"], ORDER_LABEL, "Анна")
    label_store.add(["купите слона"], "spam", "Анна")
    label_store.add(["где зарядить электромобиль?"], "new topic: зарядка", "Анна")
    output = tmp_path / "analyst_labels.csv"

    assert export_labels(label_store.path, output) == 1

    rows = read_analyst_labels(output)
    assert list(rows.columns) == CLEAN_COLUMNS
    assert rows[["text", "topic", "context"]].values.tolist() == [
        ["нужна автовышка", ORDER_LABEL, ""]
    ]


def test_without_labels_the_export_is_an_empty_table(tmp_path):
    output = tmp_path / "analyst_labels.csv"

    assert export_labels(tmp_path / "absent.duckdb", output) == 0
    assert read_analyst_labels(output).empty


def split_row(text: str, topic: str) -> dict:
    return {"text": text, "topic": topic, "context": ""}


def test_labels_join_the_training_part_only_and_never_repeat_evaluation_messages():
    train = pd.DataFrame([split_row("нужен кран", "out_of_scope"),
                          split_row("как подать заявку", "tp_primary_apply")])
    test = pd.DataFrame([split_row("Нужна автовышка!", "services_apply")])
    analyst = pd.DataFrame([split_row("нужна автовышка", ORDER_LABEL),
                            split_row("Нужен кран", "services_apply")])

    joined = with_analyst_labels(train, analyst, [test])

    assert joined[["text", "topic"]].values.tolist() == [
        ["как подать заявку", "tp_primary_apply"],
        ["Нужен кран", "services_apply"],
    ]


def quick_model(train: pd.DataFrame, validation: pd.DataFrame) -> TopicClassifier:
    params = {**settings.stage_params("train"), **QUICK_TRAIN}
    model = fit(train, validation, params)
    meta = {"context_turns": params["context_turns"],
            "thresholds": {"answer": 1, "clarify": 1}}
    return TopicClassifier(model, meta)


def predicted(classifier, texts: list[str]) -> list[str]:
    return [classifier.predict(text).label for text in texts]


@pytest.fixture(scope="module")
def small_split():
    train = read_labelled(settings.SPLIT_DIR / "train.parquet")
    validation = read_labelled(settings.SPLIT_DIR / "validation.parquet")
    return (train.groupby("topic").head(MESSAGES_PER_TOPIC),
            validation.groupby("topic").head(VALIDATION_PER_TOPIC))


def test_orders_the_model_got_wrong_are_learnt_once_analysts_label_them(
    classifier, small_split, label_store, tmp_path
):
    assert ORDER_LABEL not in predicted(classifier, ORDERS), "the model learnt them already"
    train, validation = small_split
    assert ORDER_LABEL not in predicted(quick_model(train, validation), ORDERS)

    label_store.add(ORDERS, ORDER_LABEL, "Анна")
    label_store.add(["купите слона"], "spam", "Анна")
    export = tmp_path / "analyst_labels.csv"
    assert export_labels(label_store.path, export) == len(ORDERS)
    analyst = read_analyst_labels(export)
    relabelled = quick_model(with_analyst_labels(train, analyst, [validation]), validation)

    assert predicted(relabelled, ORDERS) == [ORDER_LABEL] * len(ORDERS)
    assert predicted(relabelled, REWORDED_ORDERS) == [ORDER_LABEL] * len(REWORDED_ORDERS)
