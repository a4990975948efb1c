"""Our texts as the chat page writes them in Markdown: literal, with web addresses as links."""

import sys

import pytest
from markdown_it import MarkdownIt

from assistant import settings

sys.path.insert(0, str(settings.ROOT / "app"))
import widgets  # noqa: E402


@pytest.mark.parametrize(
    "text, markdown",
    [
        (
            "Войдите на lk.rossetimr.ru по e-mail и паролю.",
            "Войдите на [lk.rossetimr.ru](https://lk.rossetimr.ru) по e-mail и паролю.",
        ),
        (
            "Карта: utp.rossetimr.ru/map-epc.",
            "Карта: [utp.rossetimr.ru/map-epc](https://utp.rossetimr.ru/map-epc).",
        ),
        (
            "политика: https://rossetimr.ru/",
            "политика: [https://rossetimr.ru/](https://rossetimr.ru/)",
        ),
        (
            "Счета — my.mosenergosbyt.ru, mos.ru",
            "Счета — [my.mosenergosbyt.ru](https://my.mosenergosbyt.ru), "
            "[mos.ru](https://mos.ru)",
        ),
        (
            "(см. rossetimr.ru)",
            "(см. [rossetimr.ru](https://rossetimr.ru))",
        ),
        (
            "https://www.consultant.ru/document/cons_doc_LAW_51030/",
            "[https://www.consultant.ru/document/cons\\_doc\\_LAW\\_51030/]"
            "(https://www.consultant.ru/document/cons_doc_LAW_51030/)",
        ),
        (
            "Сообщите на светлаястрана.рф.",
            "Сообщите на [светлаястрана.рф](https://xn--80aaafp0bqweeid1o.xn--p1ai).",
        ),
        ("пишите на info@mail.ru", "пишите на info@mail.ru"),
        ("0,4 кВ, т.е. до 15 кВт", "0,4 кВ, т.е. до 15 кВт"),
    ],
)
def test_web_addresses_become_links_and_the_rest_stays_as_written(text, markdown):
    assert widgets.format_bot_text(text) == markdown


def rendered(markdown: str) -> tuple[str, list[str]]:
    """The text a CommonMark renderer shows for the Markdown, and the link targets."""
    shown, targets = [], []
    for block in MarkdownIt("commonmark").parse(markdown):
        for token in block.children or []:
            if token.type == "link_open":
                targets.append(token.attrs["href"])
            elif token.type in ("softbreak", "hardbreak"):
                shown.append("\n")
            elif token.type == "text":
                shown.append(token.content)
            elif token.type not in ("link_close",):
                raise AssertionError(f"markup rendered: {token.type} {token.content!r}")
    return "".join(shown), targets


@pytest.mark.parametrize(
    "text",
    [
        "evil.ru/$x$*a*](javascript:alert(1))",
        "site.ru/<img src=x onerror=alert(1)> **жирный**",
        "https://a.ru/`code`\\ и _курсив_",
        "https://a.ru/)[x](javascript:alert(1)",
        "[нажми](javascript:alert(1)) rossetimr.ru\n1. пункт\n- пункт",
    ],
)
def test_a_text_with_links_shows_as_written_and_links_only_over_https(text):
    shown, targets = rendered(widgets.format_bot_text(text))

    assert shown == text
    assert targets and all(target.startswith("https://") for target in targets)
