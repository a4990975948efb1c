"""What every action shares: the flow it keeps in the session and the step it returns.

An action turns a topic into a short multi-turn flow on real data: it asks only for
what the client has not said yet, remembers the answers in Flow.slots and ends with
the client's own figure, address or status.
"""

from dataclasses import dataclass, field
from datetime import datetime
from re import Pattern
from typing import Any, Callable, ClassVar

from ..store import KnowledgeStore

Clock = Callable[[], datetime]


@dataclass
class Flow:
    """An action in progress in one session."""

    action: str
    label: str
    slots: dict[str, Any] = field(default_factory=dict)
    # The slot the last question asked for, so a bare «15» or «да» has a meaning.
    asking: str | None = None
    # Answers the action could not read, or failed checks (wrong phone digits).
    attempts: int = 0
    # What the action keeps for the rest of the session, across its flows: the same
    # dict each time the action starts again in this session.
    notes: dict[str, Any] = field(default_factory=dict)
    # What the client said about the case in this session, shared by every action
    # (kW, applicant, voltage, distance, dates): the same dict in all flows.
    facts: dict[str, Any] = field(default_factory=dict)
    # Slots this flow took from facts rather than from its own messages.
    recalled: set[str] = field(default_factory=set)
    # The client's latest earlier messages, oldest first, and the title of a topic they
    # chose by its button: where a flow finds what the opening message left unsaid.
    context: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """One reply of an action.

    done: the flow is over and leaves the session; understood: the message answered
    the question (when False the dialog manager may treat it as a new question);
    suggestions: short replies the client can send with one tap.
    """

    text: str
    done: bool = True
    understood: bool = True
    suggestions: tuple[str, ...] = ()


class Action:
    """Base of the actions; a subclass names its labels and fills start and resume."""

    name: ClassVar[str]
    labels: ClassVar[frozenset[str]]
    # Slots whose answers never reach the chat log: the whole answer is logged as the
    # placeholder of this type («phone_last4» → <PHONE>, «name» → <PER>).
    secret_slots: ClassVar[dict[str, str]] = {}
    # A message matching this starts the action whatever the classifier says
    # («отменить запись AB12CD»).
    trigger: ClassVar[Pattern | None] = None
    # Text that works as a key (a booking code) and is hidden from the log in the
    # action's messages.
    secret_pattern: ClassVar[Pattern | None] = None

    def __init__(self, store: KnowledgeStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def claim(self, text: str) -> str | None:
        """A label of this action for a message the model gave to a topic that has only
        a stored answer («есть ли у вас опломбирование» read as meter installation)."""
        return None

    def overrides(self, text: str) -> str | None:
        """A label for a message whatever topic the model chose, even one with a flow
        («как оплатить счёт» read as a connection cost), or None."""
        return None

    def corrects(self, text: str) -> bool:
        """True if the text, sent after this action's answer, only corrects what the
        answer was for («нет, 30 кВт»), so the action should answer again."""
        return False

    def start(self, flow: Flow, text: str) -> Step:
        """The first reply: read what the opening message says, answer or ask."""
        raise NotImplementedError

    def resume(self, flow: Flow, text: str) -> Step:
        """A later message of the same flow: read the answer to flow.asking."""
        raise NotImplementedError
