"""Command line: classify, dialog and ask; the contract automated evaluation relies on."""

import argparse
import json
import logging
import sys

from .errors import AssistantError

log = logging.getLogger("assistant")


def read_json_lines(stream):
    """Parsed objects from JSON lines; a bad line is reported and skipped, not fatal."""
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            log.warning("line %d is not JSON (%s); skipped", number, error)
            continue
        if isinstance(item, dict):
            yield item
        else:
            log.warning("line %d is not a JSON object; skipped", number)


def write_json_line(item: dict) -> None:
    sys.stdout.write(json.dumps(item, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def run_classify(_args) -> None:
    from .classifier import TopicClassifier

    classifier = TopicClassifier.load()
    for item in read_json_lines(sys.stdin):
        if not isinstance(item.get("text"), str):
            log.warning("an input has no \"text\" string; classified as an empty message")
        context = item.get("context") or []
        context = [context] if isinstance(context, str) else [str(turn) for turn in context]
        prediction = classifier.predict(str(item.get("text") or ""), context)
        write_json_line({
            "label": prediction.label,
            "confidence": round(prediction.confidence, 4),
            "top": [{"label": label, "p": round(p, 4)} for label, p in prediction.top],
        })


def read_turns(item: dict) -> list:
    """The turns of one dialog; a bare string counts as one turn, not as its letters."""
    turns = item.get("turns") or []
    if isinstance(turns, str):
        return [turns]
    if not isinstance(turns, list):
        log.warning("dialog %r: \"turns\" is not a list; no turns run", item.get("id"))
        return []
    return turns


def run_dialog(_args) -> None:
    from .service import load_dialog_manager

    manager = load_dialog_manager()
    for item in read_json_lines(sys.stdin):
        session = manager.new_session(str(item.get("channel") or "utp"))
        turns = []
        for turn in read_turns(item):
            text = turn.get("text", "") if isinstance(turn, dict) else str(turn)
            reply = manager.reply(session, str(text or ""))
            result = {"label": reply.label, "confidence": round(reply.confidence, 4),
                      "reply": reply.text}
            if reply.suggestions:
                result["suggestions"] = reply.suggestions
            turns.append(result)
        write_json_line({"id": item.get("id"), "turns": turns})


def run_ask(args) -> None:
    from .service import load_dialog_manager

    manager = load_dialog_manager()
    print(manager.reply(manager.new_session(), " ".join(args.text)).text)


def run_mask(_args) -> None:
    from .mask import mask_text

    for item in read_json_lines(sys.stdin):
        write_json_line({"masked": mask_text(str(item.get("text") or ""))})


def run_analysts(args) -> None:
    from .analysts_cli import run

    run(args)


def run_compact_log(_args) -> None:
    from .chatlog import ChatLog
    from .compaction import describe

    chat_log = ChatLog()
    try:
        # A folder this user cannot write fails here with its name, before any merge.
        chat_log.connect()
        print(describe(chat_log.compact(), chat_log.path))
    finally:
        chat_log.close()


def build_parser() -> argparse.ArgumentParser:
    # Read from stdin one JSON object per line, so that a whole test set is one call.
    stdin_commands = (
        ("classify", run_classify,
         'JSON lines {"text", "context"} on stdin → ranked labels',
         """echo '{"text": "сколько стоит подключение"}' | python -m assistant classify"""),
        ("dialog", run_dialog,
         'JSON lines {"id", "turns": [{"text"}]} on stdin → replies, one session each',
         """echo '{"id": "d1", "turns": [{"text": "привет"}]}' | python -m assistant dialog"""),
        ("mask", run_mask,
         'JSON lines {"text"} on stdin → {"masked"}, personal data replaced',
         """echo '{"text": "Меня зовут Иван"}' | python -m assistant mask"""),
    )
    parser = argparse.ArgumentParser(prog="python -m assistant", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, run, summary, example in stdin_commands:
        commands.add_parser(
            name, help=summary, description=f"{summary}.\n\nExample:\n  {example}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        ).set_defaults(run=run)
    ask = commands.add_parser("ask", help="print the reply to one message")
    ask.add_argument("text", nargs="+", help="the client's message")
    ask.set_defaults(run=run_ask)
    compact_help = "merge each closed day of the chat log into one file per dataset"
    commands.add_parser(
        "compact-log",
        help=compact_help,
        description=f"{compact_help}: the days before today (UTC), turns and ratings "
        "apart; safe while the chat page and the API keep writing",
    ).set_defaults(run=run_compact_log)
    add_analysts_parser(commands)
    return parser


def add_analysts_parser(commands) -> None:
    analysts = commands.add_parser(
        "analysts", help="analyst accounts of the app's analytics pages"
    )
    actions = analysts.add_subparsers(dest="action", required=True)
    add_help = (
        "create an analyst or set a new password; the password comes from "
        "ASSISTANT_ANALYST_PASSWORD, a prompt, or the first line of stdin"
    )
    add = actions.add_parser("add", help=add_help, description=add_help)
    add.add_argument("name", help="login name: lower-case Latin letters and digits")
    remove = actions.add_parser("remove", help="delete an analyst account")
    remove.add_argument("name")
    actions.add_parser("list", help="print the analysts' names")
    analysts.set_defaults(run=run_analysts)


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        args.run(args)
    except AssistantError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader (`| head`) has gone: nothing left to write to.
        sys.stderr.close()
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
