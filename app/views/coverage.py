"""Topic coverage: volumes over time, answered shares, rising topics, answer content."""

from datetime import datetime

import altair as alt
import analysis
import streamlit as st

from assistant.analytics import coverage
from assistant.provenance import STATUSES

analysis.require_analyst()
snapshot = analysis.load_snapshot()
analysis.refresh_button(snapshot)
turn_filter = analysis.filter_sidebar(snapshot)

st.title("Покрытие тем")

PERIOD_TITLES = {"week": "неделя", "day": "день"}
BREAKDOWN_TITLES = {"group": "группа тем", "label": "тема", "channel": "канал"}
CONTENT_STATUS_TITLES = {
    "missing": "нет ответа",
    "outdated": "устарел",
    "current": "актуален",
}
# Each breakdown's keys as the legend shows them; topics keep their short codes.
KEY_TITLES = {
    "group": analysis.group_title,
    "channel": lambda key: analysis.CHANNEL_TITLES.get(key, key),
    "label": lambda key: key,
}


def with_group_titles(frame):
    return frame.assign(topic_group=frame["topic_group"].map(analysis.group_title))


left, right = st.columns(2)
period = left.radio(
    "Период",
    list(PERIOD_TITLES),
    format_func=PERIOD_TITLES.get,
    horizontal=True,
    key="coverage_period",
)
by = right.radio(
    "Разбивка",
    list(BREAKDOWN_TITLES),
    format_func=BREAKDOWN_TITLES.get,
    horizontal=True,
    key="coverage_by",
)

totals = coverage.overall(snapshot, turn_filter)
columns = st.columns(3)
columns[0].metric("Сообщений", f"{int(totals['messages']):,}".replace(",", " "))
columns[1].metric("Без «не понял»", analysis.share(totals["without_fallback_share"]))
columns[2].metric("Нерешённых", analysis.share(totals["unresolved_share"]))

st.subheader("Сообщения во времени")
volume = coverage.volume_over_time(snapshot, turn_filter, period, by)
if volume.empty:
    st.info("За выбранные даты и фильтры сообщений нет.")
else:
    volume["key"] = volume["key"].map(KEY_TITLES[by])
    chart = (
        alt.Chart(volume)
        .mark_bar()
        .encode(
            x=alt.X("period:T", title=PERIOD_TITLES[period]),
            y=alt.Y("messages:Q", title="сообщений"),
            color=alt.Color("key:N", title=BREAKDOWN_TITLES[by]),
            tooltip=[
                alt.Tooltip("period:T", title="начало периода", format="%d.%m.%Y"),
                alt.Tooltip("key:N", title=BREAKDOWN_TITLES[by]),
                alt.Tooltip("messages:Q", title="сообщений"),
            ],
        )
    )
    st.altair_chart(analysis.russian_dates(chart), width="stretch")

st.subheader("Темы: объём и доля ответов")
summary = coverage.topic_summary(snapshot, turn_filter)
analysis.show_table(
    with_group_titles(summary),
    column_config={
        "label": "тема",
        "title": "название",
        "topic_group": "группа",
        "messages": "сообщений",
        "without_fallback_share": st.column_config.ProgressColumn(
            "без «не понял»", format="percent", min_value=0, max_value=1
        ),
        "answered_share": st.column_config.ProgressColumn(
            "сразу ответ", format="percent", min_value=0, max_value=1
        ),
        "clarified_share": st.column_config.NumberColumn("уточнение", format="percent"),
        "unresolved_share": st.column_config.NumberColumn(
            "нерешённые", format="percent"
        ),
        "median_confidence": st.column_config.NumberColumn(
            "медиана уверенности", format="%.2f"
        ),
    },
)

st.subheader("Быстрее всего растут")
st.caption(
    "Наклон — прирост сообщений за период (линейный тренд; периоды без сообщений "
    "считаются нулём)."
)
rising = coverage.rising_topics(snapshot, turn_filter, period)
analysis.show_table(
    rising,
    column_config={
        "label": "тема",
        "title": "название",
        "slope_per_period": st.column_config.NumberColumn("наклон", format="%.2f"),
        "last_period": "последний период",
        "earlier_mean": st.column_config.NumberColumn(
            "в среднем раньше", format="%.1f"
        ),
        "messages": "всего",
    },
)

st.subheader("Ответы в базе знаний")
st.caption(
    f"«устарел» — факты ответа проверялись больше {coverage.STALE_AFTER_DAYS} "
    "дней назад; «нет ответа» — для темы нет ответа в базе знаний."
)
today = datetime.now(analysis.MOSCOW).date()
content = coverage.content_status(snapshot, turn_filter, today)
content = with_group_titles(content).assign(
    status=content["status"].map(CONTENT_STATUS_TITLES),
    source_confidence=content["source_confidence"].map(STATUSES),
)
analysis.show_table(
    content,
    column_config={
        "label": "тема",
        "title": "название",
        "topic_group": "группа",
        "checked_on": st.column_config.DateColumn("проверен"),
        "source_confidence": "надёжность источников",
        "days_since_check": "дней назад",
        "status": "состояние",
        "messages": "сообщений",
    },
)

st.subheader("Уверенность модели по темам")
histogram = coverage.confidence_histogram(snapshot, turn_filter)
if not histogram.empty:
    heatmap = (
        alt.Chart(histogram)
        .mark_rect()
        .encode(
            x=alt.X(
                "bin_start:O", title="уверенность (от)", axis=alt.Axis(format=".1f")
            ),
            y=alt.Y("label:N", title="тема"),
            color=alt.Color(
                "turns:Q", title="сообщений", scale=alt.Scale(scheme="blues")
            ),
            tooltip=[
                alt.Tooltip("label:N", title="тема"),
                alt.Tooltip("bin_start:Q", title="уверенность от", format=".1f"),
                alt.Tooltip("turns:Q", title="сообщений"),
            ],
        )
    )
    threshold = snapshot.answer_threshold
    st.caption(
        f"Порог ответа модели: {threshold:.2f}; ниже — уточнение или «не понял»."
    )
    st.altair_chart(heatmap, width="stretch")
