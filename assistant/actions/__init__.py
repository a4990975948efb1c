"""Actions: topics answered with the client's own figures from the knowledge store."""

from .base import Action, Clock, Flow, Step
from .registry import build_actions

__all__ = ["Action", "Clock", "Flow", "Step", "build_actions"]
