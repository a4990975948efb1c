"""Model quality: metrics against the baseline, confusions, data checks and version."""

import altair as alt
import analysis
import streamlit as st

from assistant.analytics import quality

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
st.dataframe(
    [
        {"что": "файлы модели (models/topic)", "хэш": version["model"]},
        {"что": "данные обучения (split)", "хэш": version["data"]},
        {"что": "параметры обучения (params.yaml: train)", "хэш": version["params"]},
        {"что": "код обучения (pipelines/train.py)", "хэш": version["code"]},
        {"что": "исходная выгрузка", "хэш": version["raw_export"]},
    ],
    hide_index=True,
)

st.subheader("Модель и базовая линия на тестовой выборке")
st.dataframe(
    quality.overall_figures(metrics),
    hide_index=True,
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
            "label:N",
            "precision:Q",
            "recall:Q",
            "f1:Q",
            "support:Q",
            "baseline_f1:Q",
        ],
    )
)
st.altair_chart(bars, width="stretch")
st.dataframe(per_topic, hide_index=True)

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
        tooltip=["actual:N", "predicted:N", "messages:Q"],
    )
)
st.altair_chart(heatmap, width="stretch")

st.subheader("Чаще всего путаются")
pairs = quality.confused_pairs(snapshot, predictions)
pairs["examples"] = pairs["examples"].map(
    lambda texts: " ‖ ".join(text for text in texts if text)
)
st.dataframe(
    pairs,
    hide_index=True,
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
    st.dataframe(
        checks,
        hide_index=True,
        column_config={
            "stage": "стадия",
            "suite": "набор",
            "success": "пройден",
            "checks": "проверок",
            "failed": "не пройдены",
        },
    )
