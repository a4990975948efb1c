"""Model quality: metrics against the baseline, confusions, data checks and version."""

import altair as alt
import analysis
import streamlit as st

from assistant.analytics import quality

# The figures of the evaluate stage (models/metrics.json) as analysts read them.
FIGURE_TITLES = {
    "accuracy": "доля верно определённых тем",
    "macro_f1": "F1, среднее по темам",
    "size": "сообщений в тестовой выборке",
    "answered_share": "доля сообщений, где модель уверена и отвечает сразу",
    "answered_accuracy": "доля верных тем среди ответов сразу",
    "calibration_error": "ошибка калибровки уверенности (ECE)",
    "follow_up_accuracy": "доля верных тем у реплик с контекстом диалога",
}
SCORE_TITLES = {
    "precision": "точность",
    "recall": "полнота",
    "f1": "F1",
    "baseline_f1": "F1 базовой линии",
}
SUPPORT_TITLE = "сообщений в тесте"
TOPIC_SCORE_COLUMNS = {
    "label": "тема",
    "support": SUPPORT_TITLE,
    **{
        name: st.column_config.NumberColumn(title, format="%.2f")
        for name, title in SCORE_TITLES.items()
    },
}

analysis.require_analyst()
snapshot = analysis.load_snapshot()

st.title("Качество модели")

try:
    metrics = quality.read_metrics()
    predictions = quality.test_predictions()
    version = quality.model_version()
except quality.QualityReportMissingError as error:
    st.error(f"Отчёт модели не собран: {error}")
    st.stop()

st.subheader("Версия")
analysis.show_table(
    [
        {"что": "файлы модели (models/topic)", "хэш": version["model"]},
        {"что": "данные обучения (split)", "хэш": version["data"]},
        {"что": "параметры обучения (params.yaml: train)", "хэш": version["params"]},
        {"что": "код обучения (pipelines/train.py)", "хэш": version["code"]},
        {"что": "исходная выгрузка", "хэш": version["raw_export"]},
    ],
)

st.subheader("Модель и базовая линия на тестовой выборке")
figures = quality.overall_figures(metrics)
analysis.show_table(
    figures.assign(figure=figures["figure"].map(FIGURE_TITLES)),
    column_config={
        "figure": "показатель",
        "model": "CatBoost",
        "baseline": "TF-IDF + LR",
    },
)

st.subheader("F1 по темам, худшие сверху")
per_topic = quality.per_topic_f1(metrics)
bars = (
    alt.Chart(per_topic)
    .mark_bar()
    .encode(
        x=alt.X("f1:Q", title="F1", scale=alt.Scale(domain=[0, 1])),
        y=alt.Y(
            "label:N", sort=alt.EncodingSortField("f1", order="ascending"), title=None
        ),
        tooltip=[
            alt.Tooltip("label:N", title="тема"),
            *[
                alt.Tooltip(f"{name}:Q", title=title, format=".2f")
                for name, title in SCORE_TITLES.items()
            ],
            alt.Tooltip("support:Q", title=SUPPORT_TITLE),
        ],
    )
)
st.altair_chart(bars, width="stretch")
analysis.show_table(per_topic, column_config=TOPIC_SCORE_COLUMNS)

st.subheader("Матрица ошибок")
matrix = quality.confusion(snapshot, predictions)
heatmap = (
    alt.Chart(matrix)
    .mark_rect()
    .encode(
        x=alt.X("predicted:N", title="предсказано"),
        y=alt.Y("actual:N", title="на самом деле"),
        color=alt.Color(
            "messages:Q", title="сообщений", scale=alt.Scale(scheme="blues")
        ),
        tooltip=[
            alt.Tooltip("actual:N", title="на самом деле"),
            alt.Tooltip("predicted:N", title="предсказано"),
            alt.Tooltip("messages:Q", title="сообщений"),
        ],
    )
)
st.altair_chart(heatmap, width="stretch")

st.subheader("Чаще всего путаются")
pairs = quality.confused_pairs(snapshot, predictions)
pairs["examples"] = pairs["examples"].map(
    lambda texts: " ‖ ".join(text for text in texts if text)
)
analysis.show_table(
    pairs,
    column_config={
        "actual": "на самом деле",
        "predicted": "предсказано",
        "messages": "сообщений",
        "examples": st.column_config.TextColumn("примеры (маскированы)", width="large"),
    },
)

st.subheader("Проверка данных (great-expectations)")
checks = quality.validation_results()
if checks.empty:
    st.warning("Результатов проверки нет: соберите данные (make build).")
else:
    passed = bool(checks["success"].all())
    (st.success if passed else st.error)(
        "Все наборы проверок пройдены." if passed else "Есть непройденные проверки."
    )
    analysis.show_table(
        checks,
        column_config={
            "stage": "стадия",
            "suite": "набор",
            "success": "пройден",
            "checks": "проверок",
            "failed": "не пройдены",
        },
    )
