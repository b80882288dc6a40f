"""Command line: run, health, chat, ask, announce, kb check | eval | versions | rollback | suggest |
teach | upgrade (also installed as `sahabat`)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from bot import LANGUAGES
from bot.cli.loading import load_engine, run_later
from bot.config import ConfigError, Settings
from bot.memory import return_large_blocks

if TYPE_CHECKING:
    from bot.engine.answer import Engine

ADMIN_COMMANDS = ("versions", "rollback", "suggest", "teach", "upgrade", "edit", "new")


def _add_kb_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kb", metavar="DIR", type=Path,
                        help="knowledge directory (default: $BOT_KNOWLEDGE_DIR, else $BOT_DATA_DIR/knowledge, "
                             "seeded from the bundled base)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sahabat", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)")
    _add_kb_option(run)
    health = commands.add_parser("health", help="exit 0 when the running bot reached Telegram lately (the "
                                                "container's health check), else 1")
    health.add_argument("--max-age", type=float, metavar="SECONDS",
                        help="how old the last contact may be (default: 3 long polls, at least 60 s)")

    chat = commands.add_parser("chat", help="talk to the bot in this console (no token needed)")
    _add_kb_option(chat)
    chat.add_argument("--lang", choices=LANGUAGES, help="interface language (default: BOT_DEFAULT_LANGUAGE)")

    ask = commands.add_parser("ask", help="answer questions (arguments, or one per line on standard input)")
    _add_kb_option(ask)
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    ask.add_argument("--lang", choices=LANGUAGES, help="answer in this language instead of detecting it")
    ask.add_argument("question", nargs="*", help="each argument is one question (quote it)")

    kb = commands.add_parser("kb", help="knowledge base tools")
    kb_commands = kb.add_subparsers(dest="kb_command", required=True)
    check = kb_commands.add_parser("check", help="validate the knowledge base; exit 1 on errors")
    check.add_argument("dir", nargs="?", type=Path)
    _add_kb_option(check)
    check.add_argument("--strict", action="store_true", help="treat warnings (phrasings too alike) as errors")
    evaluate = kb_commands.add_parser("eval", help="measure accuracy on a labelled question file")
    evaluate.add_argument("file", type=Path)
    _add_kb_option(evaluate)
    evaluate.add_argument("--json", action="store_true", help="print one summary object")
    from bot.cli.admin import add_commands
    add_commands(kb_commands, commands)
    for sub in (kb_commands.choices[name] for name in ADMIN_COMMANDS):
        _add_kb_option(sub)
    _add_kb_option(commands.choices["announce"])
    return parser


def main(argv: list[str] | None = None) -> int:
    return_large_blocks()       # a large base's indexing would otherwise leave tens of MB of freed heap
    try:
        return _main(argv)
    except KeyboardInterrupt:       # Ctrl-C: stop without a traceback (SIGTERM exits, see bot/stop_request.py)
        return 130
    except BrokenPipeError:
        # The reader went away (`... | head`): stop quietly, as command-line tools do.
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _main(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    if args.command == "health":
        from bot.cli.health import health_command
        return health_command(settings, args.max_age)
    chosen: Path | None = getattr(args, "dir", None) or getattr(args, "kb", None)
    if args.command == "run":
        from bot.telegram.runner import run_bot
        return run_bot(settings, chosen)        # None: the live directory, prepared by the runner
    if args.command in ("announce", "event") or (args.command == "kb" and args.kb_command in ADMIN_COMMANDS):
        from bot.cli.admin import run
        return run(args, settings, chosen)
    kb_dir = chosen or reading_dir(settings)
    if args.command == "kb" and args.kb_command == "check":
        return check_command(kb_dir, settings, args.strict)
    later: list[Callable[[], None]] = []     # the engine cache's writing, once there is an answer to show
    engine = load_engine(kb_dir, settings, later)
    if engine is None:
        return 1
    if args.command == "ask":
        return ask_command(engine, args, later)
    run_later(later)
    if args.command == "chat":
        from bot.cli.console import run_console
        from bot.store import Store, StoreError
        try:
            store = Store(settings.data_dir)
        except StoreError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        try:
            return run_console(engine, args.lang or settings.default_language, store, chosen=args.lang is not None)
        finally:
            store.close()
    return eval_command(engine, args)


def reading_dir(settings: Settings) -> Path:
    """What the bot would answer from, for commands that only read: the live directory, or the
    bundled base while the live directory follows it (nothing is written; see bot/admin/bundled.py)."""
    from bot.admin.bundled import reading_dir as resolve
    from bot.config import BUNDLED_KNOWLEDGE_DIR
    return resolve(settings.live_knowledge_dir, BUNDLED_KNOWLEDGE_DIR)


def check_command(kb_dir: Path, settings: Settings, strict: bool) -> int:
    from bot.engine.answer import build_engine
    from bot.engine.decision import Traffic
    from bot.i18n import Catalogs
    from bot.knowledge.loader import load_directory
    catalogs = Catalogs(settings.locales_dir)
    gettext = catalogs.for_language(settings.default_language)
    started = time.perf_counter()
    result = load_directory(kb_dir, strict=strict)
    engine, problems = build_engine(result, catalogs, settings.default_language, Traffic.of(settings), strict)
    elapsed = time.perf_counter() - started
    for problem in problems:
        print(problem.render(gettext), file=sys.stderr if not problem.warning else sys.stdout)
    if result.kb is None or engine is None:
        errors = sum(not p.warning for p in problems)
        print(gettext.ngettext("{count} error; the knowledge base was not loaded.",
                               "{count} errors; the knowledge base was not loaded.", errors).format(count=errors),
              file=sys.stderr)
        return 1
    kb = result.kb
    phrasings = {lang: sum(len(e.questions.get(lang, ())) for e in kb.entries) for lang in LANGUAGES}
    warnings = sum(p.warning for p in problems)

    def grouped(n: int) -> str:
        from babel.numbers import format_decimal
        return format_decimal(n, locale=settings.default_language)
    print(gettext("OK: {entries}, {phrasings} ({per_language}), {warnings}, version {version}, checked in {ms} ms"
                  ).format(
        entries=gettext.ngettext("{count} entry", "{count} entries", len(kb.entries)).format(
            count=grouped(len(kb.entries))),
        phrasings=gettext.ngettext("{count} phrasing", "{count} phrasings", sum(phrasings.values())).format(
            count=grouped(sum(phrasings.values()))),
        per_language=", ".join(f"{lang} {grouped(n)}" for lang, n in phrasings.items() if n),
        warnings=gettext.ngettext("{count} warning", "{count} warnings", warnings).format(count=grouped(warnings)),
        version=kb.version, ms=grouped(round(elapsed * 1000))))
    print(calibration_text(engine, gettext, settings.default_language))
    return 0


def calibration_text(engine: Engine, gettext: Callable[[str], str], lang: str) -> str:
    """What the engine calibrated on this base, for `kb check` and `kb eval`."""
    from babel.numbers import format_decimal, format_percent
    c = engine.calibration

    def pct(share: float) -> str:
        return format_percent(share, "#,##0.0%", locale=lang)

    def num(value: float) -> str:
        return format_decimal(value, "0.00#", locale=lang)
    return gettext("Calibrated on {positives} phrasings of the knowledge base, assuming that {near_share} of the "
                   "questions close to an entry ask for a fact the knowledge base lacks (costs: a wrong answer "
                   "{wrong}, a refusal {refusal}, a \"did you mean\" tap {tap}). The bot answers when the estimated "
                   "chance of being right is at least {threshold}, and offers \"did you mean\" from a confidence of "
                   "{clarify_score}. Expected on the knowledge base's own phrasings: {right} answered right, "
                   "{wrong_share} answered wrong, {clarified} \"did you mean\", {refused} not known; near misses "
                   "answered: {near}.").format(
        positives=c.positives, near_share=pct(c.traffic.near_miss_share), wrong=num(c.traffic.wrong),
        refusal=num(c.traffic.refusal), tap=num(c.traffic.tap), threshold=pct(min(c.rule.threshold, 1.0)),
        clarify_score=num(c.rule.clarify_score), right=pct(c.answered_right), wrong_share=pct(c.answered_wrong),
        clarified=pct(c.clarified), refused=pct(c.refused), near=pct(c.near_miss_answered))


def ask_command(engine: Engine, args: argparse.Namespace, later: list[Callable[[], None]] | None = None) -> int:
    """Answer each question; `later`: work to do once the first answer is out (and before
    returning, when there was no question)."""
    # Each argument is one question (quote it); with none, one question per line of standard input.
    source = args.question or (line.rstrip("\n") for line in sys.stdin)
    try:
        return _answer_all(engine, args, source, later or [])
    finally:
        run_later(later or [])


def _answer_all(engine: Engine, args: argparse.Namespace, source: Iterable[str],
                later: list[Callable[[], None]]) -> int:
    for question in source:
        if not question.strip():
            continue
        reply = engine.ask(question, lang=args.lang)
        if args.json:
            print(json.dumps({
                "question": question, "lang": reply.lang, "kind": reply.kind, "entry": reply.entry_id,
                "score": round(reply.score, 4), "answer": reply.text,
                "choices": [c.entry_id for c in reply.choices],
                "choice_questions": [c.text for c in reply.choices],
                "related": [c.entry_id for c in reply.related],
                "candidates": [{"entry": c.entry_id, "score": c.score} for c in reply.candidates],
                "missing": list(reply.missing),
            }, ensure_ascii=False), flush=True)
        else:
            from bot.cli.console import Conversation
            print(Conversation(engine, reply.lang).render(reply), flush=True)
        run_later(later)
    return 0


def eval_command(engine: Engine, args: argparse.Namespace) -> int:
    from bot.cli.evaluate import EvalFileError, evaluate, format_report, read_cases
    try:
        cases = read_cases(args.file, engine.kb.by_id)
    except EvalFileError as exc:
        print(exc.render(engine.catalogs.for_language(engine.default_language)), file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    report = evaluate(engine, cases)
    if args.json:
        print(json.dumps({**report.as_dict(), "calibration": engine.calibration.as_dict()}, ensure_ascii=False))
    else:
        gettext = engine.catalogs.for_language(engine.default_language)
        print(calibration_text(engine, gettext, engine.default_language))
        print(format_report(report))
    return 0
