"""API settings from the environment (ASSISTANT_API_*), with the chat log's own path."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.chatlog import chatlog_path

# The portals whose chat widgets call the API from a browser; the mobile app sends
# no Origin header and needs no CORS entry.
PORTAL_ORIGINS = ["https://utp.rossetimr.ru", "https://lk.rossetimr.ru"]


class ApiSettings(BaseSettings):
    """ASSISTANT_API_CORS_ORIGINS='["https://…"]' and the like override the defaults."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_API_")

    cors_origins: list[str] = Field(default_factory=lambda: list(PORTAL_ORIGINS))
    rate_limit_messages: int = Field(20, ge=1)
    rate_limit_seconds: float = Field(60.0, gt=0)
    # Half an hour without a message ends a session, as a portal's login would.
    session_ttl_seconds: float = Field(1800.0, gt=0)
    # Sessions kept in memory; the least recently used go first.
    max_sessions: int = Field(10_000, ge=1)
    chatlog_path: Path = Field(default_factory=chatlog_path)
