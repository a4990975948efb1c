"""Which actions the dialog manager runs; one line per action class."""

from ..store import KnowledgeStore
from .account import PersonalAccountAction
from .application_status import ApplicationStatusAction
from .appointment import AppointmentAction
from .base import Action, Clock
from .cost import CostAction
from .deadlines import DeadlineAction
from .offices import OfficeAction
from .outages import OutageAction
from .services import ServiceAction
from .staff import StaffAction

ACTION_CLASSES: tuple[type[Action], ...] = (
    CostAction,
    DeadlineAction,
    ServiceAction,
    PersonalAccountAction,
    StaffAction,
    OutageAction,
    ApplicationStatusAction,
    OfficeAction,
    AppointmentAction,
)


def build_actions(store: KnowledgeStore, clock: Clock) -> dict[str, Action]:
    """Every action, keyed by each topic label that starts it."""
    by_label: dict[str, Action] = {}
    for action_class in ACTION_CLASSES:
        action = action_class(store, clock)
        for label in action_class.labels:
            if label in by_label:
                raise ValueError(
                    f"topic {label} has two actions: "
                    f"{by_label[label].name} and {action.name}"
                )
            by_label[label] = action
    return by_label
