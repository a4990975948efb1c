"""Analyst queries over real chat-log segments: the unresolved definition, filters,
coverage, clusters and the model's quality report."""

from datetime import date

import duckdb
import pytest

from assistant.analytics import (
    REASONS,
    TurnFilter,
    TurnSnapshot,
    coverage,
    find_clusters,
    quality,
    reason_counts,
    unresolved_turns,
)
from assistant.analytics.clusters import NO_KNOWN_WORDS
from tests.analytics_data import rating, turn, write_ratings, write_turns

CLARIFY_CHOICES = ("tp_primary_cost", "temporary_cost")
REASON_CASES = [
    # session, turns (label, outcome, confidence, choices), reasons of each turn
    ("answered", [("outages", "answered", 0.93, ())], [[]]),
    (
        "fallback-then-leaves",
        [("out_of_scope", "fallback", 0.1, ())],
        [["fallback", "low_confidence", "ended_after_fallback"]],
    ),
    (
        "fallback-then-rephrases",
        [("out_of_scope", "fallback", 0.2, ()), ("outages", "answered", 0.9, ())],
        [["fallback", "low_confidence"], []],
    ),
    (
        "clarified-then-chosen",
        [
            ("tp_primary_cost", "clarified", 0.4, CLARIFY_CHOICES),
            ("temporary_cost", "answered", 1.0, ()),
        ],
        [["low_confidence"], []],
    ),
    (
        "clarified-then-other-topic",
        [
            ("tp_primary_cost", "clarified", 0.4, CLARIFY_CHOICES),
            ("outages", "answered", 0.9, ()),
        ],
        [["clarified_only", "low_confidence"], []],
    ),
    (
        "answer-then-operator",
        [("meter_readings", "answered", 0.9, ()), ("operator", "answered", 0.95, ())],
        [["asked_operator"], []],
    ),
    # Well under the answer threshold of every model so far (0.45 and up): a flow's
    # step is answered at the confidence the model had for the message.
    (
        "answered-unsure",
        [("meter_readings", "answered", 0.3, ())],
        [["low_confidence"]],
    ),
]
OUTAGE_QUESTIONS = [
    "когда дадут свет",
    "когда включат свет",
    "когда дадут электричество",
]
READING_QUESTIONS = [
    "как передать показания счётчика",
    "куда передавать показания счётчика",
    "передать показания электросчётчика",
]


@pytest.fixture
def chatlog(tmp_path):
    return tmp_path / "live"


def snapshot_of(chatlog, tmp_path) -> TurnSnapshot:
    # No replayed export in these tests: only the rows written here count.
    return TurnSnapshot.load(chatlog, tmp_path / "no-history.parquet")


@pytest.fixture
def reason_snapshot(chatlog, tmp_path):
    rows = []
    for session, turns, _ in REASON_CASES:
        for index, (label, outcome, confidence, choices) in enumerate(turns, start=1):
            rows.append(
                turn(session, index, label, outcome, confidence, choices=choices)
            )
    rated = turn("rated-down", 1, "meter_readings", "answered", 0.95)
    changed_mind = turn("rated-up-after-down", 1, "outages", "answered", 0.95)
    write_turns(chatlog, rows + [rated, changed_mind])
    write_ratings(
        chatlog,
        [
            rating(rated, -1),
            rating(changed_mind, -1),
            rating(changed_mind, 1, minutes=6),
        ],
    )
    return snapshot_of(chatlog, tmp_path)


def reasons_by_turn(snapshot) -> dict[str, list[str]]:
    frame = snapshot.query("SELECT turn_id, reasons FROM turns")
    return {row.turn_id: sorted(row.reasons) for row in frame.itertuples()}


@pytest.mark.parametrize(
    "session, turns, expected", REASON_CASES, ids=[case[0] for case in REASON_CASES]
)
def test_each_turn_gets_exactly_the_reasons_that_hold(
    reason_snapshot, session, turns, expected
):
    found = reasons_by_turn(reason_snapshot)
    for index, reasons in enumerate(expected, start=1):
        assert found[f"{session}-{index}"] == sorted(reasons)


def test_the_latest_rating_of_a_turn_counts(reason_snapshot):
    found = reasons_by_turn(reason_snapshot)
    assert found["rated-down-1"] == ["rated_negative"]
    assert found["rated-up-after-down-1"] == []


def test_every_reason_is_documented_once():
    codes = [reason.code for reason in REASONS]
    assert len(codes) == len(set(codes)) == 6
    assert all(reason.title for reason in REASONS)


def test_unresolved_turns_carry_text_top_and_reasons_and_filter_by_reason(
    reason_snapshot,
):
    everything = unresolved_turns(reason_snapshot, TurnFilter())
    operator = unresolved_turns(
        reason_snapshot, TurnFilter(reasons=("asked_operator",))
    )

    assert set(everything["turn_id"]) == {
        "fallback-then-leaves-1",
        "fallback-then-rephrases-1",
        "clarified-then-chosen-1",
        "clarified-then-other-topic-1",
        "answer-then-operator-1",
        "answered-unsure-1",
        "rated-down-1",
    }
    assert operator["turn_id"].tolist() == ["answer-then-operator-1"]
    assert operator["top"].iloc[0] == '[["meter_readings", 0.9]]'
    assert {"masked_text", "confidence", "reasons", "channel", "source"} <= set(
        operator
    )


def test_reason_counts_add_up_per_reason(reason_snapshot):
    counts = reason_counts(reason_snapshot, TurnFilter())
    counts = dict(zip(counts["reason"], counts["turns"], strict=True))
    assert counts["fallback"] == 2
    assert counts["low_confidence"] == 5
    assert counts["rated_negative"] == 1


def test_reason_counts_follow_the_reason_filter(reason_snapshot):
    counts = reason_counts(reason_snapshot, TurnFilter(reasons=("fallback",)))

    assert dict(zip(counts["reason"], counts["turns"], strict=True)) == {"fallback": 2}


@pytest.fixture
def channel_snapshot(chatlog, tmp_path):
    rows = [
        turn("lk-old", 1, "outages", "fallback", 0.2, channel="lk", days=0),
        turn("mobile-new", 1, "outages", "fallback", 0.2, channel="mobile", days=20),
        turn("utp-new", 1, "meter_readings", "answered", 0.9, channel="utp", days=21),
    ]
    write_turns(chatlog, rows)
    return snapshot_of(chatlog, tmp_path)


@pytest.mark.parametrize(
    "turn_filter, sessions",
    [
        (TurnFilter(), {"lk-old", "mobile-new", "utp-new"}),
        (TurnFilter(channels=("mobile",)), {"mobile-new"}),
        (TurnFilter(channels=("lk", "utp")), {"lk-old", "utp-new"}),
        (TurnFilter(start=date(2026, 11, 20)), {"mobile-new", "utp-new"}),
        (TurnFilter(end=date(2026, 11, 2)), {"lk-old"}),
        (TurnFilter(labels=("meter_readings",)), {"utp-new"}),
        (TurnFilter(groups=("transport",)), {"lk-old", "mobile-new", "utp-new"}),
        (TurnFilter(sources=("history",)), set()),
    ],
)
def test_filters_choose_turns_by_date_channel_topic_and_source(
    channel_snapshot, turn_filter, sessions
):
    summary = coverage.volume_over_time(channel_snapshot, turn_filter, "day", "channel")
    assert summary["messages"].sum() == len(sessions)
    where, params = turn_filter.where()
    chosen = channel_snapshot.query(
        f"SELECT session_id FROM turns WHERE {where}", params
    )
    assert set(chosen["session_id"]) == sessions


def test_topic_summary_gives_the_share_answered_without_fallback(channel_snapshot):
    summary = coverage.topic_summary(channel_snapshot, TurnFilter()).set_index("label")
    assert summary.loc["outages", "messages"] == 2
    assert summary.loc["outages", "without_fallback_share"] == 0
    assert summary.loc["meter_readings", "without_fallback_share"] == 1


def test_a_topic_with_more_messages_each_week_rises_fastest(chatlog, tmp_path):
    rows = []
    for week in range(4):
        rows += [
            turn(f"out-{week}-{n}", 1, "outages", "answered", 0.9, days=7 * week)
            for n in range(1 + 3 * week)
        ]
        rows += [
            turn(f"met-{week}-{n}", 1, "meter_readings", "answered", 0.9, days=7 * week)
            for n in range(3)
        ]
    write_turns(chatlog, rows)

    rising = coverage.rising_topics(snapshot_of(chatlog, tmp_path), TurnFilter())

    assert rising["label"].tolist() == ["outages", "meter_readings"]
    assert rising["slope_per_period"].iloc[0] == pytest.approx(3.0)
    assert rising["slope_per_period"].iloc[1] == pytest.approx(0.0)


def test_topics_without_or_with_old_answers_are_listed_first(
    channel_snapshot, tmp_path
):
    store = tmp_path / "kb.duckdb"
    with duckdb.connect(str(store)) as connection:
        connection.execute(
            "CREATE TABLE answers AS SELECT * FROM (VALUES "
            "('outages', DATE '2025-01-10', 'H'), ('meter_readings', DATE '2026-11-01', 'M'))"
            " AS answers(label, checked_on, confidence)"
        )

    status = coverage.content_status(
        channel_snapshot, TurnFilter(), date(2026, 12, 1), store
    ).set_index("label")

    assert status.loc["outages", "status"] == "outdated"
    assert status.loc["meter_readings", "status"] == "current"
    assert status.loc["tp_primary_cost", "status"] == "missing"
    assert "greeting" not in status.index
    assert status["status"].iloc[0] == "outdated"


def test_similar_unresolved_questions_form_one_cluster_each(chatlog, tmp_path):
    texts = OUTAGE_QUESTIONS + READING_QUESTIONS + ["🙂🙂🙂"]
    rows = [
        turn(f"s{number}", 1, "out_of_scope", "fallback", 0.1, text=text)
        for number, text in enumerate(texts)
    ]
    write_turns(chatlog, rows)

    clusters = find_clusters(snapshot_of(chatlog, tmp_path), TurnFilter())

    groups = {frozenset(clusters.texts(name)) for name in clusters.summary["cluster"]}
    assert frozenset(OUTAGE_QUESTIONS) in groups
    assert frozenset(READING_QUESTIONS) in groups
    assert clusters.texts(NO_KNOWN_WORDS) == ["🙂🙂🙂"]
    biggest = clusters.summary.iloc[0]
    assert biggest["size"] == 3 and len(biggest["typical"]) == 3
    assert biggest["topic"] == "out_of_scope"


WORDLESS = ["8825", "😀😀👍", "<APPLICATION>", "абырвалг", "2222", "<PHONE>"]


def test_texts_without_a_known_word_are_one_group_listed_last_with_no_topic(
    chatlog, tmp_path
):
    # More wordless texts than any real group has: the group still comes last.
    texts = OUTAGE_QUESTIONS + WORDLESS
    rows = [
        turn(f"s{number}", 1, "goodbye", "fallback", 0.1, text=text)
        for number, text in enumerate(texts)
    ]
    write_turns(chatlog, rows)

    clusters = find_clusters(snapshot_of(chatlog, tmp_path), TurnFilter())

    assert set(clusters.texts(NO_KNOWN_WORDS)) == set(WORDLESS)
    real = clusters.summary[clusters.summary["cluster"] != NO_KNOWN_WORDS]
    assert {text for name in real["cluster"] for text in clusters.texts(name)} == set(
        OUTAGE_QUESTIONS
    )
    wordless = clusters.summary.iloc[-1]
    assert wordless["cluster"] == NO_KNOWN_WORDS and wordless["size"] == len(WORDLESS)
    assert wordless[["topic", "topic_title", "topic_share"]].isna().all()
    assert real["topic"].eq("goodbye").all()


def test_no_unresolved_turns_give_no_clusters(chatlog, tmp_path):
    write_turns(chatlog, [turn("fine", 1, "outages", "answered", 0.99)])

    clusters = find_clusters(snapshot_of(chatlog, tmp_path), TurnFilter())

    assert clusters.summary.empty and clusters.members.empty


def test_an_empty_log_and_no_history_give_empty_tables(chatlog, tmp_path):
    snapshot = snapshot_of(chatlog, tmp_path)

    assert snapshot.count() == 0
    assert unresolved_turns(snapshot, TurnFilter()).empty
    assert coverage.topic_summary(snapshot, TurnFilter()).empty
    assert coverage.rising_topics(snapshot, TurnFilter()).empty


def test_the_quality_report_pairs_confusions_with_masked_test_examples(
    chatlog, tmp_path
):
    snapshot = snapshot_of(chatlog, tmp_path)
    metrics = quality.read_metrics()
    predictions = quality.test_predictions()

    pairs = quality.confused_pairs(snapshot, predictions)
    matrix = quality.confusion(snapshot, predictions)
    per_topic = quality.per_topic_f1(metrics)

    assert matrix["messages"].sum() == metrics["model"]["size"]
    first = pairs.iloc[0]
    assert first["actual"] != first["predicted"] and 1 <= len(first["examples"]) <= 3
    assert per_topic["f1"].is_monotonic_increasing
    assert (
        quality.overall_figures(metrics).set_index("figure").loc["accuracy", "model"]
        == metrics["model"]["accuracy"]
    )


def test_the_model_version_comes_from_dvc_lock():
    version = quality.model_version()
    assert version["model"].endswith(".dir") and version["data"].endswith(".dir")
    assert len(version["params"]) == 32


def test_the_validation_results_list_every_suite_of_both_stages():
    checks = quality.validation_results()
    assert {"validate", "build_kb"} <= set(checks["stage"])
    assert checks["checks"].gt(0).all()
