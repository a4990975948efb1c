"""Domain exceptions: each message names the bad value and the command that fixes it."""

from .settings import BUILD_COMMAND


class AssistantError(Exception):
    """Base class of the errors the core raises on purpose."""


class ModelMissingError(AssistantError):
    def __init__(self, path):
        super().__init__(
            f"Topic model not found at {path}. Build it with: {BUILD_COMMAND} (runs dvc repro)"
        )


class StoreMissingError(AssistantError):
    def __init__(self, path, detail: str = "not found"):
        super().__init__(
            f"Knowledge store {path} is {detail}. Build it with: {BUILD_COMMAND} (runs dvc repro)"
        )


class UnknownLabelError(AssistantError):
    def __init__(self, label, known):
        super().__init__(f"Unknown topic label {label!r}; expected one of {len(known)} labels "
                         f"from data/topics.csv, e.g. {sorted(known)[:3]}")
