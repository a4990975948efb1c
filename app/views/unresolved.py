"""Unresolved questions: a filterable table, groups of similar ones, a CSV of the view."""

import altair as alt
import analysis
import streamlit as st

from assistant.analytics import REASON_TITLES, REASONS, find_clusters, unresolved_turns
from assistant.analytics.unresolved import reason_counts

# The table shows the newest rows; the CSV holds every row of the view.
DISPLAY_ROWS = 5_000

analysis.require_analyst()
snapshot = analysis.load_snapshot()
analysis.refresh_button(snapshot)
turn_filter = analysis.filter_sidebar(snapshot, REASON_TITLES)

st.title("Нерешённые вопросы")

with st.expander("Что считается нерешённым", expanded=False):
    st.markdown(
        "Реплика клиента нерешённая, если выполнено хотя бы одно условие "
        "(все выполненные — в столбце «причины»):\n\n"
        + "\n".join(f"- `{reason.code}` — {reason.title}" for reason in REASONS)
        + f"\n\nПорог ответа модели: **{snapshot.answer_threshold:.2f}**. Выгрузка "
        "контакт-центра прогнана через текущую модель; оценки в ней — клиентов того "
        "времени. Тексты показаны только замаскированными."
    )

turns = unresolved_turns(snapshot, turn_filter)
# Moscow time, as the date filter: the page and its CSV read the same clock.
turns["logged_at"] = turns["logged_at"].dt.tz_convert(analysis.MOSCOW)
counts = reason_counts(snapshot, turn_filter)

left, right = st.columns([1, 2])
left.metric("Нерешённых реплик", f"{len(turns):,}".replace(",", " "))
if not counts.empty:
    counts["title"] = counts["reason"].map(REASON_TITLES)
    chart = (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=alt.X("turns:Q", title="реплик"),
            y=alt.Y("reason:N", sort="-x", title=None),
            tooltip=[
                alt.Tooltip("title:N", title="причина"),
                alt.Tooltip("turns:Q", title="реплик"),
            ],
        )
    )
    right.altair_chart(chart, width="stretch")

analysis.show_table(
    turns.head(DISPLAY_ROWS),
    # The text first: it is what analysts read, and a narrow screen cuts the last columns.
    column_order=[
        "logged_at",
        "masked_text",
        "reasons",
        "label",
        "topic_title",
        "confidence",
        "top",
        "source",
        "channel",
    ],
    column_config={
        "logged_at": st.column_config.DatetimeColumn(
            "время (по Москве)", format="YYYY-MM-DD HH:mm", timezone=analysis.TIMEZONE
        ),
        "source": "источник",
        "channel": "канал",
        "label": "тема",
        "topic_title": "название темы",
        "confidence": st.column_config.NumberColumn("уверенность", format="%.2f"),
        "top": "топ-3 модели",
        "reasons": "причины",
        "masked_text": st.column_config.TextColumn("текст (маскирован)", width="large"),
    },
)
if len(turns) > DISPLAY_ROWS:
    st.caption(
        f"Показаны {DISPLAY_ROWS:,} новейших из {len(turns):,}; в CSV — все.".replace(
            ",", " "
        )
    )
st.download_button(
    "Скачать CSV",
    data=turns.to_csv(index=False).encode("utf-8-sig"),
    file_name="unresolved.csv",
    mime="text/csv",
    icon=":material/download:",
    key="unresolved_csv",
)

st.subheader("Группы похожих вопросов")
st.caption(
    "Близость по векторам Navec (косинус); тема — самая частая метка модели в группе. "
    "Сообщения без единого слова, известного Navec, не группируются по смыслу: они "
    f"собраны внизу, в группе «{analysis.WORDLESS_TITLE}», без темы."
)


@st.cache_data(ttl=analysis.SNAPSHOT_SECONDS, show_spinner="Группируем вопросы…")
def cluster_summary(_snapshot, loaded_at, turn_filter):
    return find_clusters(_snapshot, turn_filter).summary


summary = cluster_summary(snapshot, snapshot.loaded_at, turn_filter)
if summary.empty:
    st.info("Нерешённых вопросов в выбранном срезе нет.")
else:
    shown = summary.assign(
        typical=summary["typical"].map(lambda texts: " ‖ ".join(texts)),
        cluster=summary["cluster"].map(analysis.cluster_title),
    )
    analysis.show_table(
        shown,
        column_order=[
            "size",
            "typical",
            "texts",
            "topic",
            "topic_title",
            "topic_share",
            "cluster",
        ],
        column_config={
            "size": "реплик",
            "texts": "разных текстов",
            "topic": "вероятная тема",
            "topic_title": "название темы",
            "topic_share": st.column_config.NumberColumn("доля темы", format="percent"),
            "typical": st.column_config.TextColumn("типичные сообщения", width="large"),
            "cluster": "группа",
        },
    )
