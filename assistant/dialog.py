"""The dialog manager: one session per client, classifier plus knowledge store → reply."""

import logging
import uuid
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz, process

from .classifier import NO_SERVICE, Prediction, TopicClassifier
from .guard import MAX_MESSAGE_CHARS, check_message
from .labels import DIALOG_GROUP, OUT_OF_SCOPE, load_topics
from .mask import mask_text
from .store import KnowledgeStore

log = logging.getLogger(__name__)

ANSWERED, CLARIFIED, FALLBACK = "answered", "clarified", "fallback"
CONTEXT_TURNS = 3
CHOICE_MATCH_SCORE = 80
# A typed word that fits both offered topics («стоимость») must not pick one at random.
CHOICE_MARGIN = 10
AMBIGUOUS = "<ambiguous>"


@dataclass(frozen=True)
class Choice:
    label: str
    title: str


@dataclass
class Session:
    channel: str = "utp"
    session_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    history: list[str] = field(default_factory=list)
    service: str | None = None
    choices: list[Choice] = field(default_factory=list)
    turns: int = 0


@dataclass(frozen=True)
class Reply:
    label: str
    confidence: float
    text: str
    outcome: str
    masked_text: str
    choices: list[Choice] = field(default_factory=list)
    top: list[tuple[str, float]] = field(default_factory=list)


def numbered(choices: list[Choice]) -> str:
    """Choices as a numbered list, so that a client can type the number."""
    return "\n".join(f"{number}. {choice.title}" for number, choice in enumerate(choices, 1))


class DialogManager:
    """Turns a client message into a reply, keeping per-session state in Session."""

    def __init__(self, classifier: TopicClassifier, store: KnowledgeStore):
        self.classifier = classifier
        self.store = store
        self.topics = load_topics()

    def new_session(self, channel: str = "utp") -> Session:
        return Session(channel=channel)

    def reply(self, session: Session, raw_text: str) -> Reply:
        """Answer one client message and update the session."""
        session.turns += 1
        checked = check_message(raw_text)
        masked = mask_text(checked.text)
        if checked.problem:
            return self._service_reply(checked.problem, masked)

        chosen = self._match_choice(session, checked.text)
        if chosen == AMBIGUOUS:
            return self._ask_again(session, masked)
        if chosen:
            reply = self._answer(session, chosen, 1.0, masked, [(chosen, 1.0)])
        else:
            reply = self._classify_and_answer(session, masked)
        session.history.append(masked)
        if checked.truncated:
            notice = self.store.message("too_long", limit=MAX_MESSAGE_CHARS)
            reply = replace(reply, text=f"{notice}\n\n{reply.text}")
        return reply

    def choose(self, session: Session, label: str) -> Reply:
        """The client pressed a clarification button."""
        session.turns += 1
        session.choices = []
        title = self.topics[label].title if label in self.topics else label
        return self._answer(session, label, 1.0, title, [(label, 1.0)])

    def _classify_and_answer(self, session: Session, masked: str) -> Reply:
        context = session.history[-CONTEXT_TURNS:]
        prediction = self.classifier.predict(masked, context, session.service)

        thresholds = self.classifier.thresholds
        if prediction.confidence >= thresholds.answer:
            return self._answer(session, prediction.label, prediction.confidence, masked,
                                prediction.top)
        if prediction.confidence >= thresholds.clarify:
            return self._clarify(session, prediction, masked)
        return self._fallback(session, prediction, masked)

    def _answer(self, session, label, confidence, masked, top) -> Reply:
        topic = self.topics[label]
        if topic.service not in NO_SERVICE:
            session.service = topic.service
        session.choices = []
        return Reply(label, confidence, self.store.answer(label).text, ANSWERED, masked,
                     top=top)

    def _clarify(self, session: Session, prediction: Prediction, masked: str) -> Reply:
        """Offer the two likeliest client topics; small talk is never a choice."""
        floor = self.classifier.thresholds.clarify
        labels = [label for label, probability in prediction.top
                  if self.topics[label].group != DIALOG_GROUP and probability >= floor][:2]
        # One leftover topic under a small-talk guess is noise, not a question worth asking.
        if len(labels) < 2:
            return self._fallback(session, prediction, masked)
        session.choices = [Choice(label, self.topics[label].title) for label in labels]
        text = f"{self.store.message('clarify')}\n{numbered(session.choices)}"
        return Reply(prediction.label, prediction.confidence, text, CLARIFIED, masked,
                     choices=list(session.choices), top=prediction.top)

    def _ask_again(self, session: Session, masked: str) -> Reply:
        """The client's words fit both choices: show the same buttons again."""
        question = self.store.message("clarify_unknown_choice")
        text = f"{question}\n{numbered(session.choices)}"
        first = session.choices[0].label
        return Reply(first, 0.0, text, CLARIFIED, masked, choices=list(session.choices))

    def _fallback(self, session: Session, prediction: Prediction, masked: str) -> Reply:
        session.choices = []
        return Reply(prediction.label, prediction.confidence, self.store.message("fallback"),
                     FALLBACK, masked, top=prediction.top)

    def _service_reply(self, key: str, masked: str) -> Reply:
        return Reply(OUT_OF_SCOPE, 0.0, self.store.message(key), FALLBACK, masked)

    def _match_choice(self, session: Session, text: str) -> str | None:
        """A typed answer to a clarifying question: its number or (roughly) its title.

        Returns AMBIGUOUS when the words fit both choices equally well."""
        if not session.choices:
            return None
        stripped = text.strip().rstrip(".)")
        if stripped.isdigit() and 1 <= int(stripped) <= len(session.choices):
            return session.choices[int(stripped) - 1].label
        titles = {choice.title: choice.label for choice in session.choices}
        matches = process.extract(text, list(titles), scorer=fuzz.WRatio, limit=2)
        scores = [score for _, score, _ in matches] + [0]
        if scores[0] < CHOICE_MATCH_SCORE:
            return None
        if scores[0] - scores[1] < CHOICE_MARGIN:
            return AMBIGUOUS
        return titles[matches[0][0]]
