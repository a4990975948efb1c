"""The dialog manager: one session per client, classifier plus knowledge store → reply."""

import logging
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process

from .actions import Action, Clock, Flow, Step, build_actions
from .classifier import NO_SERVICE, Prediction, TopicClassifier
from .guard import (
    DIGIT,
    MAX_MESSAGE_CHARS,
    check_message,
    has_known_word,
    is_closing,
    is_refusal,
    is_small_talk,
)
from .labels import DIALOG_GROUP, OUT_OF_SCOPE, load_topics
from .mask import mask_text, tags
from .store import KnowledgeStore

log = logging.getLogger(__name__)

ANSWERED, CLARIFIED, FALLBACK = "answered", "clarified", "fallback"
CONTEXT_TURNS = 3
CHOICE_MATCH_SCORE = 80
# A typed word that fits both offered topics («стоимость») must not pick one at random.
CHOICE_MARGIN = 10
AMBIGUOUS = "<ambiguous>"
MOSCOW = ZoneInfo("Europe/Moscow")
SMALL_TALK = "smalltalk"
NOT_RUSSIAN = "not_russian"
# A code or a name in Latin letters is short; a longer Latin message is foreign text.
MAX_LATIN_ANSWER_WORDS = 3
# Typed messages that fit no choice before the clarification gives way to the fallback.
MAX_RETYPED_CHOICES = 2


def moscow_now() -> datetime:
    """Office hours, outages and slots are all in Moscow time."""
    return datetime.now(MOSCOW)


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
    flow: Flow | None = None
    # Flow.notes of each action, by action name.
    notes: dict[str, dict] = field(default_factory=dict)
    # Flow.facts: what the client said about the case (kW, applicant, dates), for every
    # flow of the session.
    facts: dict = field(default_factory=dict)
    # The client's words behind the open clarification: the chosen topic's action reads
    # them («15 кВт») as if the message had been classified at once.
    clarified_text: str = ""
    # Messages typed after the open clarification that fitted none of its choices.
    retyped_choices: int = 0
    # The label of the last flow that ended: a short correction re-runs it.
    finished_flow: str | None = None
    # The classifier's rows of this session's latest messages read alone: the next turn
    # reads the latest one as its context's service without running the model again.
    read_alone: dict = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class Reply:
    label: str
    confidence: float
    text: str
    outcome: str
    masked_text: str
    choices: list[Choice] = field(default_factory=list)
    top: list[tuple[str, float]] = field(default_factory=list)
    # Quick replies of an action's question: the client may send one as typed text.
    suggestions: list[str] = field(default_factory=list)
    action: str | None = None


def numbered(choices: list[Choice]) -> str:
    """Choices as a numbered list, so that a client can type the number."""
    return "\n".join(f"{number}. {choice.title}" for number, choice in enumerate(choices, 1))


class DialogManager:
    """Turns a client message into a reply, keeping per-session state in Session."""

    def __init__(self, classifier: TopicClassifier, store: KnowledgeStore,
                 clock: Clock = moscow_now,
                 actions: dict[str, Action] | None = None):
        self.classifier = classifier
        self.store = store
        self.topics = load_topics()
        self.clock = clock
        self.actions = build_actions(store, clock) if actions is None else actions

    def new_session(self, channel: str = "utp") -> Session:
        return Session(channel=channel)

    def reply(self, session: Session, raw_text: str) -> Reply:
        """Answer one client message and update the session."""
        session.turns += 1
        checked = check_message(raw_text)
        masked = self._mask(session, checked.text)
        # Read before the flow moves on: the answer to a secret question is logged as
        # one placeholder, while the model still reads the masked words.
        secret = self._secret_placeholder(session)
        # A flow may ask for Latin letters: a booking code «AB12CD» is not English.
        latin_answer = (session.flow is not None and checked.problem == NOT_RUSSIAN
                        and len(checked.text.split()) <= MAX_LATIN_ANSWER_WORDS)
        if checked.problem and not latin_answer:
            return self._service_reply(checked.problem, secret or masked)

        chosen = self._match_choice(session, checked.text)
        triggered = None if chosen else self._triggered(session, checked.text)
        if chosen == AMBIGUOUS:
            return self._ask_again(session, masked)
        if chosen:
            reply = self._answer(session, chosen, 1.0, masked, [(chosen, 1.0)],
                                 session.clarified_text, chosen=True)
        elif triggered:
            reply = self._answer(session, triggered, 1.0, masked, [(triggered, 1.0)],
                                 checked.text)
        elif session.flow:
            reply = self._continue_flow(session, checked.text, masked)
        elif session.choices:
            reply = self._typed_after_clarification(session, checked.text, masked)
        elif not any(ch.isalpha() for ch in checked.text):
            # «300» with no question open says nothing of a topic; a guess would be noise.
            reply = self._service_reply("numbers_only", masked)
        else:
            reply = self._classify_and_answer(session, masked, checked.text)
        if secret:
            reply = replace(reply, masked_text=secret)
        session.history.append(secret or masked)
        if checked.truncated:
            notice = self.store.message("too_long", limit=MAX_MESSAGE_CHARS)
            reply = replace(reply, text=f"{notice}\n\n{reply.text}")
        return reply

    def _mask(self, session: Session, text: str) -> str:
        """Masked text; an action's keys («AB12CD») are hidden as well."""
        flow = session.flow
        current = self.actions.get(flow.label) if flow else None
        masked = mask_text(text)
        for action in set(self.actions.values()):
            runs = action is current or (action.trigger and action.trigger.search(text))
            if action.secret_pattern and runs:
                masked = action.secret_pattern.sub(tags()["CODE"], masked)
        return masked

    def _secret_placeholder(self, session: Session) -> str | None:
        """The placeholder that stands for the whole answer to a secret question."""
        flow = session.flow
        action = self.actions.get(flow.label) if flow else None
        if action is None or flow.asking not in action.secret_slots:
            return None
        return tags()[action.secret_slots[flow.asking]]

    def _triggered(self, session: Session, text: str) -> str | None:
        """The label of an action whose trigger the message matches, if any."""
        for label, action in self.actions.items():
            own_flow = session.flow and session.flow.action == action.name
            if action.trigger and not own_flow and action.trigger.search(text):
                return label
        return None

    def choose(self, session: Session, label: str) -> Reply:
        """The client pressed a clarification button."""
        session.turns += 1
        session.choices = []
        title = self.topics[label].title if label in self.topics else label
        return self._answer(session, label, 1.0, title, [(label, 1.0)],
                            session.clarified_text, chosen=True)

    def _predict(self, session: Session, masked: str) -> Prediction:
        context = session.history[-CONTEXT_TURNS:]
        return self.classifier.predict(masked, context, session.service, session.read_alone)

    def _classify_and_answer(self, session: Session, masked: str, text: str) -> Reply:
        return self._respond(session, self._predict(session, masked), masked, text)

    def _respond(self, session: Session, prediction: Prediction, masked: str,
                 text: str) -> Reply:
        """Answer, clarify or fall back by the model's confidence."""
        prediction = self._without_small_talk(prediction, text)
        taken = self._taken_over(session, prediction, text)
        if taken:
            return self._answer(session, taken, 1.0, masked, prediction.top, text)
        thresholds = self.classifier.thresholds
        if prediction.confidence >= thresholds.answer:
            return self._answer(session, prediction.label, prediction.confidence, masked,
                                prediction.top, text)
        if prediction.confidence >= thresholds.clarify:
            reply = self._clarify(session, prediction, masked)
            session.clarified_text = text if reply.outcome == CLARIFIED else ""
            session.retyped_choices = 0
            return reply
        return self._fallback(session, prediction, masked)

    def _answer(self, session, label, confidence, masked, top, text: str = "",
                chosen: bool = False) -> Reply:
        """The topic's answer; a topic with an action starts its flow instead.

        chosen: the client picked the topic by its button, so its title is their words."""
        topic = self.topics[label]
        if topic.service not in NO_SERVICE:
            session.service = topic.service
        session.choices = []
        session.clarified_text = ""
        session.flow = None
        action = self.actions.get(label)
        if action is None:
            if topic.group != DIALOG_GROUP:
                # The client moved on: a bare «30 кВт» no longer corrects the last flow.
                session.finished_flow = None
            return Reply(label, confidence, self.store.answer(label).text, ANSWERED,
                         masked, top=top)

        notes = session.notes.setdefault(action.name, {})
        context = tuple(session.history[-CONTEXT_TURNS:])
        if chosen:
            context += (topic.title,)
        flow = Flow(action=action.name, label=label, notes=notes, facts=session.facts,
                    context=context)
        step = action.start(flow, text)
        return self._flow_reply(session, flow, step, confidence, masked, top)

    def _continue_flow(self, session: Session, text: str, masked: str) -> Reply:
        """The client answers an action's question, or moves on to another topic."""
        flow = session.flow
        if is_refusal(text):
            session.flow = None
            return Reply(flow.label, 1.0, self.store.message("flow_cancelled"), ANSWERED,
                         masked, action=flow.action)

        step = self.actions[flow.label].resume(flow, text)
        if step.understood:
            return self._flow_reply(session, flow, step, 1.0, masked, [(flow.label, 1.0)])

        # Not an answer to the question: a confident new topic leaves the flow behind.
        # Small talk does not: «да» or «1» read as a goodbye must not end the client's case.
        prediction = self._predict(session, masked)
        confident = prediction.confidence >= self.classifier.thresholds.answer
        small_talk = self.topics[prediction.label].service == SMALL_TALK
        # «Спасибо» or «до свидания» alone, though, is the client closing the case.
        closing = small_talk and is_closing(text)
        # Nor does a message of no topic at all: the flow asks its question again.
        new_topic = not small_talk and prediction.label != OUT_OF_SCOPE
        if confident and (closing or new_topic) and prediction.label != flow.label:
            session.flow = None
            return self._respond(session, prediction, masked, text)
        return self._flow_reply(session, flow, step, prediction.confidence, masked,
                                prediction.top)

    def _without_small_talk(self, prediction: Prediction, text: str) -> Prediction:
        """The prediction without small-talk labels when the message is more or less than that.

        «до 0,4» or «до 15» look like «до свидания» to the model; a goodbye would end
        the conversation of a client who is giving figures. Made-up words are no greeting."""
        if not self._is_small_talk_label(prediction.label):
            return prediction
        if is_small_talk(text) and has_known_word(text):
            return prediction
        top = [(label, p) for label, p in prediction.top
               if not self._is_small_talk_label(label)]
        if not top:
            return Prediction(OUT_OF_SCOPE, 0.0, [])
        return Prediction(top[0][0], top[0][1], top)

    def _is_small_talk_label(self, label: str) -> bool:
        return self.topics[label].service == SMALL_TALK

    def _taken_over(self, session: Session, prediction: Prediction,
                    text: str) -> str | None:
        """A topic an action takes over from the model's, or None.

        An action's overrides() wins over any topic («как оплатить счёт» is paid in the
        account, whatever cost topic the model reads); its claim() only over a topic that
        has a stored answer and no flow («есть ли у вас опломбирование» is a catalogue
        question, not meter installation); and «не 15, а 30 кВт» after a cost answer asks
        for the cost again, not how to apply."""
        for action in dict.fromkeys(self.actions.values()):
            label = action.overrides(text)
            if label and label != prediction.label:
                return label
        predicted = self.actions.get(prediction.label)
        if predicted is None:
            for action in dict.fromkeys(self.actions.values()):
                label = action.claim(text)
                if label:
                    return label
        finished = session.finished_flow
        if not finished or not self.actions[finished].corrects(text):
            return None
        # A confident question for another action («а сроки для 30 кВт?») is its own.
        elsewhere = predicted is not None and predicted is not self.actions[finished]
        if elsewhere and self._confident(prediction):
            return None
        return finished

    def _typed_after_clarification(self, session: Session, text: str,
                                   masked: str) -> Reply:
        """Words typed instead of a button: more about the same question, or a new one.

        «15 кВт, физлицо» after «какой срок подключения?» adds to the question; read
        together the two messages usually name their topic, and the flow then reads
        every figure of both. Messages that name nothing keep the choices, twice at most."""
        offered = {choice.label for choice in session.choices}
        combined = f"{session.clarified_text} {text}".strip()
        alone = self._without_small_talk(self._predict(session, masked), text)
        if self._confident(alone) and alone.label in offered:
            return self._answer(session, alone.label, alone.confidence, masked,
                                alone.top, combined)
        together = self._without_small_talk(
            self._predict(session, self._mask(session, combined)), text)
        # Figures are details of the open question; words alone may ask a new one.
        readings = [(together, combined), (alone, text)]
        if not DIGIT.search(text):
            readings.reverse()
        for prediction, words in readings:
            if self._confident(prediction):
                return self._respond(session, prediction, masked, words)
        session.retyped_choices += 1
        if session.retyped_choices > MAX_RETYPED_CHOICES:
            return self._fallback(session, alone, masked)
        session.clarified_text = combined
        return self._ask_again(session, masked)

    def _confident(self, prediction: Prediction) -> bool:
        return prediction.confidence >= self.classifier.thresholds.answer

    def _flow_reply(self, session, flow: Flow, step: Step, confidence, masked,
                    top) -> Reply:
        # A flow may settle on a sibling topic («постоянное» turns a temporary connection's
        # cost into a home's): the next follow-up continues from that one.
        service = self.topics[flow.label].service
        if service not in NO_SERVICE:
            session.service = service
        session.flow = None if step.done else flow
        if step.done:
            session.finished_flow = flow.label
        return Reply(flow.label, confidence, step.text, ANSWERED, masked, top=top,
                     suggestions=list(step.suggestions), action=flow.action)

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
