"""What the analyst pages share: the login guard, the cached turns and the filters."""

import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import altair as alt
import pandas as pd
import streamlit as st

from assistant.accounts import AnalystAccounts
from assistant.analytics import SOURCES, TurnFilter, TurnSnapshot
from assistant.analytics.clusters import NO_KNOWN_WORDS
from assistant.analytics.snapshot import history_path
from assistant.chatlog import chatlog_dir
from assistant.labels import load_topics
from assistant.login_limits import FailedLogins

log = logging.getLogger(__name__)

ANALYST_KEY = "analyst"
# Live turns reach the pages within this many seconds, or at once with «Обновить».
SNAPSHOT_SECONDS = 60
CHANNEL_TITLES = {
    "utp": "портал ТП (utp)",
    "lk": "личный кабинет (lk)",
    "mobile": "приложение (mobile)",
}
SOURCE_TITLES = {"history": "выгрузка контакт-центра", "live": "живой чат"}
GROUP_TITLES = {
    "connection": "присоединение",
    "transport": "передача энергии",
    "services": "услуги",
    "general": "общие",
    "dialog": "диалог",
}
# volume_over_time's key for turns whose label has no topic group.
UNKNOWN_KEY = "unknown"
UNKNOWN_TITLE = "не определена"
WORDLESS_TITLE = "без слов: цифры, эмодзи, коды"
# An empty filter keeps everything, which is what its placeholder says.
ALL_PLACEHOLDER = "все"
# Cells without a value (a baseline figure it has not, a topic without an answer).
MISSING = "—"
DEFAULT_DAYS = 365
TIMEZONE = "Europe/Moscow"
MOSCOW = ZoneInfo(TIMEZONE)
# d3's ru-RU locale, with months in the nominative: an axis tick reads «февраль».
RUSSIAN_TIME = alt.TimeLocale(
    dateTime="%A, %e %B %Y г. %X",
    date="%d.%m.%Y",
    time="%H:%M:%S",
    periods=["AM", "PM"],
    days=["воскресенье", "понедельник", "вторник", "среда", "четверг", "пятница",
          "суббота"],
    shortDays=["вс", "пн", "вт", "ср", "чт", "пт", "сб"],
    months=["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
            "сентябрь", "октябрь", "ноябрь", "декабрь"],
    shortMonths=["янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт",
                 "ноя", "дек"],
)
NOT_LOGGED_IN = (
    "Эта страница доступна аналитикам после входа: откройте страницу "
    "«Вход для аналитиков» по адресу /login."
)


def current_analyst() -> str | None:
    return st.session_state.get(ANALYST_KEY)


@st.cache_resource
def failed_logins() -> FailedLogins:
    """Shared by every session of the process, so a new tab does not reset it."""
    return FailedLogins()


def log_in(name: str, password: str) -> bool:
    """Check the account; on success the session belongs to the analyst."""
    name = name.strip().lower()
    if not name or not password:
        return False
    limits = failed_logins()
    if limits.locked(name):
        log.warning("analyst login for %r refused: too many failures", name[:32])
        return False
    verified = AnalystAccounts().verify(name, password)
    limits.record(name, verified)
    if not verified:
        return False
    st.session_state[ANALYST_KEY] = name
    log.info("analyst %s logged in", name)
    return True


def login_locked(name: str) -> bool:
    return failed_logins().locked(name.strip().lower())


def log_out() -> None:
    st.session_state.pop(ANALYST_KEY, None)


def require_analyst() -> str:
    """The logged-in analyst's name, or a login hint and the end of this run."""
    analyst = current_analyst()
    if analyst is None:
        # Text, not a page link: a page run on its own has no navigation to link into.
        st.warning(NOT_LOGGED_IN)
        st.stop()
    return analyst


def show_account(analyst: str) -> None:
    with st.sidebar:
        st.caption(f"Аналитик: {analyst}")
        st.button("Выйти", on_click=log_out, icon=":material/logout:", key="logout")


@st.cache_resource(show_spinner="Читаем журнал чата…")
def _load_snapshot(chatlog: str, history: str) -> TurnSnapshot:
    return TurnSnapshot.load(chatlog, history)


def load_snapshot() -> TurnSnapshot:
    """Every turn as of at most SNAPSHOT_SECONDS ago; masked text only."""
    snapshot = _load_snapshot(str(chatlog_dir()), str(history_path()))
    if snapshot.age_seconds() > SNAPSHOT_SECONDS:
        # Reads only the segments written since the last refresh.
        snapshot.refresh()
    return snapshot


def refresh_button(snapshot: TurnSnapshot) -> None:
    if st.sidebar.button("Обновить данные", icon=":material/refresh:"):
        snapshot.refresh()


def data_range(snapshot: TurnSnapshot) -> tuple[date, date]:
    """The first day with a turn, and today: new turns keep arriving after the last."""
    frame = snapshot.query("SELECT min(local_time)::DATE AS first FROM turns")
    today = datetime.now(MOSCOW).date()
    first = frame["first"].iloc[0]
    if pd.isna(first):
        return today, today
    return min(pd.Timestamp(first).date(), today), today


def filter_sidebar(
    snapshot: TurnSnapshot, reasons: dict[str, str] | None = None
) -> TurnFilter:
    """Dates, sources, channels, topic groups, topics (and reasons) in the sidebar."""
    first, last = data_range(snapshot)
    topics = load_topics()
    with st.sidebar:
        st.subheader("Фильтры")
        start_default = max(first, last - timedelta(days=DEFAULT_DAYS))
        chosen = st.date_input(
            "Даты (по Москве)",
            value=(start_default, last),
            min_value=first,
            max_value=last,
            key="filter_dates",
        )
        start, end = chosen if len(chosen) == 2 else (chosen[0], chosen[0])
        sources = choose_all_or_some(
            "Источник", SOURCES, SOURCE_TITLES.get, "filter_sources"
        )
        channels = choose_all_or_some(
            "Канал", list(CHANNEL_TITLES), CHANNEL_TITLES.get, "filter_channels"
        )
        groups = choose_all_or_some(
            "Группа тем", list(GROUP_TITLES), GROUP_TITLES.get, "filter_groups"
        )
        labels = choose_all_or_some(
            "Тема", list(topics), lambda label: topics[label].title, "filter_labels"
        )
        chosen_reasons = ()
        if reasons:
            chosen_reasons = choose_all_or_some(
                "Причина", list(reasons), reasons.get, "filter_reasons"
            )
    return TurnFilter(
        start=start,
        end=end,
        sources=tuple(sources),
        channels=tuple(channels),
        labels=tuple(labels),
        groups=tuple(groups),
        reasons=tuple(chosen_reasons),
    )


def choose_all_or_some(label: str, options, format_func, key: str) -> list:
    """A filter's multiselect; nothing chosen means every option."""
    return st.multiselect(
        label, options, format_func=format_func, key=key, placeholder=ALL_PLACEHOLDER
    )


def share(value) -> str:
    return MISSING if value is None or value != value else f"{value:.0%}"


def show_table(data, **options) -> None:
    """A table without its index; a missing value shows as a dash, not «None»."""
    st.dataframe(data, hide_index=True, placeholder=MISSING, **options)


def group_title(group: str | None) -> str:
    if group is None or group != group or group == UNKNOWN_KEY:
        return UNKNOWN_TITLE
    return GROUP_TITLES.get(group, group)


def cluster_title(cluster: str) -> str:
    """How a group of similar messages is named on the pages."""
    return WORDLESS_TITLE if cluster == NO_KNOWN_WORDS else cluster


def russian_dates(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The chart with Russian month and weekday names on its time axes and tooltips."""
    return chart.configure(locale=alt.Locale(time=RUSSIAN_TIME))
