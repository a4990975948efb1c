"""What the client may do after a reply: press a choice, send a quick reply, open a
link, call us."""

import re

from assistant.dialog import Reply

from .schemas import NextAction

# Our answers name sites without a scheme («lk.rossetimr.ru», «my.mosenergosbyt.ru»).
LINK = re.compile(r"(?:https?://)?\b((?:[a-z0-9-]+\.)+ru)\b(/[\w/.-]*)?", re.IGNORECASE)
# The hotline is the only phone the answers give, written as «8 800 220-0-220».
PHONE = re.compile(r"\b8 800 \d{3}-\d-\d{3}\b")


def next_actions(reply: Reply) -> list[NextAction]:
    """The choices first, then the links and phones found in the reply text."""
    actions = [
        NextAction(type="choose", value=choice.label, title=choice.title)
        for choice in reply.choices
    ]
    actions += [NextAction(type="reply", value=text, title=text)
                for text in reply.suggestions]
    return actions + link_actions(reply.text) + phone_actions(reply.text)


def link_actions(text: str) -> list[NextAction]:
    found = LINK.findall(text)
    urls = unique([f"https://{host.lower()}{path.rstrip('.')}" for host, path in found])
    return [NextAction(type="open_link", value=url, title=url) for url in urls]


def phone_actions(text: str) -> list[NextAction]:
    phones = unique(PHONE.findall(text))
    return [
        NextAction(type="call", value=tel_uri(phone), title=phone) for phone in phones
    ]


def tel_uri(phone: str) -> str:
    """«8 800 220-0-220» as tel:+78002200220, which phones dial from a tap."""
    digits = re.sub(r"\D", "", phone)
    return f"tel:+7{digits[1:]}"


def unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
