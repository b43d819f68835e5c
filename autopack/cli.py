"""The `autopack` command: subcommands dispatch lazily to the modules that implement them."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from autopack import __version__

if TYPE_CHECKING:
    from autopack.config import Config
    from autopack.engine import Enforcement

# subcommand → (module:function, one line of help). Modules are imported only when chosen.
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("autopack.cli:check_main", "run every enabled enforcement (the main job)"),
    "debug-guard": ("autopack.debug_guard:main", "production DEBUG guard on FILE..."),
    "doc-drift": ("autopack.doc_drift:main", "doc drift: configured doc checks and broken links"),
    "catalog": ("autopack.catalog.cli:main", "model catalog: validate | show | route TIER | snapshot"),
    "parallel-lint": ("autopack.parallel.lint:main", "parallelism anchor lint on Python FILE..."),
    "autopilot": ("autopack.autopilot.cli:main", "read-only autopilot: scan, plan, safe actions, artifacts"),
    "digest": ("autopack.autopilot.cli:digest_main", "print the deterministic workspace digest"),
    "install-hooks": ("autopack.install_hooks:main", "install the native git hooks"),
    "config": ("autopack.cli:config_main", "print the effective configuration"),
    "rules": ("autopack.cli:rules_main", "list every rule with its id, name and fix"),
}

USAGE = "usage: autopack COMMAND [ARGS...]\n\ncommands:\n" + "".join(
    f"  {name:<14} {text}\n" for name, (_, text) in COMMANDS.items()
) + "\nRun `autopack COMMAND --help` for a command's options.\n"


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    """` (did you mean 'validate'?)` for a close misspelling of one of `choices`, else ''."""
    import difflib  # only on the error path

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_main(argv: Sequence[str] | None = None) -> int:
    """`autopack check [--all-files | FILE...]`: every enabled enforcement; no FILE means all files."""
    from autopack import engine

    return engine.run(
        list(engine.REGISTRY),
        argv,
        prog="autopack check",
        description="Run every enabled autopack enforcement.",
        default_all=True,
    )


def _load_for_listing(
    argv: Sequence[str] | None, prog: str, rule_ids: bool = False
) -> tuple[Config, list[Enforcement], list[str]]:
    """The configuration (`--config` honoured), every enforcement and, for `rules`, the rule ids
    named on the command line."""
    import argparse

    from autopack import engine, files
    from autopack.config import load_config

    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("--config", type=Path, metavar="FILE")
    if rule_ids:
        parser.add_argument("rules", nargs="*", metavar="RULE", help="rule ids or names to show with their documentation")
    args = parser.parse_args(argv)
    root = files.find_root(Path.cwd())
    return load_config(root, args.config), [engine.resolve(name) for name in engine.REGISTRY], getattr(args, "rules", [])


def config_main(argv: Sequence[str] | None = None) -> int:
    """Print the effective configuration (defaults merged with the file) as JSON."""
    from autopack.config import GLOBAL_SETTINGS, ConfigError

    try:
        config, enforcements, _ = _load_for_listing(argv, "autopack config")
        effective: dict[str, object] = {"source": str(config.source) if config.source else None}
        effective.update({key: config.values[key] for key in GLOBAL_SETTINGS})
        for enforcement in enforcements:
            effective[enforcement.name] = config.section(enforcement.name, enforcement.settings)
        from autopack.autopilot.settings import SETTINGS as AUTOPILOT_SETTINGS

        effective["autopilot"] = config.section("autopilot", AUTOPILOT_SETTINGS)
    except ConfigError as exc:
        print(f"autopack config: error: {exc}", file=sys.stderr)
        return 2
    print(grouped_json(effective))
    return 0


def grouped_json(value: object, indent: int = 0, width: int = 100) -> str:
    """JSON laid out like `json.dumps(indent=2, sort_keys=True)`, except that a list of plain
    values is packed several to a line (wrapped at `width`): long lists such as `exclude` or the
    autopilot's `root-allow` take a few lines instead of one line per item. Still plain JSON."""
    pad = " " * indent
    if isinstance(value, dict) and value:
        items = [f"{pad}  {json.dumps(key)}: {grouped_json(item, indent + 2, width)}" for key, item in sorted(value.items())]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list) and value and any(isinstance(item, (dict, list)) for item in value):
        return "[\n" + ",\n".join(f"{pad}  {grouped_json(item, indent + 2, width)}" for item in value) + f"\n{pad}]"
    if isinstance(value, list) and value:
        words = [json.dumps(item) + "," for item in value]
        words[-1] = words[-1][:-1]
        if len(pad) + sum(len(word) + 1 for word in words) + 1 <= width:
            return "[" + " ".join(words) + "]"
        lines = [words[0]]
        for word in words[1:]:
            if len(pad) + 2 + len(lines[-1]) + 1 + len(word) > width:
                lines.append(word)
            else:
                lines[-1] += " " + word
        return "[\n" + "\n".join(f"{pad}  {line}" for line in lines) + f"\n{pad}]"
    return json.dumps(value, sort_keys=True)


def rules_main(argv: Sequence[str] | None = None) -> int:
    """List every rule (id, name, default severity, summary, fix), or show the named rules with
    how to suppress them and their documentation."""
    from autopack.config import ConfigError
    from autopack.findings import CORE_RULES, docs_link

    try:
        _, enforcements, wanted = _load_for_listing(argv, "autopack rules", rule_ids=True)
    except ConfigError as exc:
        print(f"autopack rules: error: {exc}", file=sys.stderr)
        return 2
    rules = {r.id: r for r in CORE_RULES}
    for enforcement in enforcements:
        rules.update({r.id: r for r in enforcement.rules})
    by_name = {key.upper(): rule for rule in rules.values() for key in (rule.id, rule.name)}
    unknown = [name for name in wanted if name.upper() not in by_name]
    if unknown:
        suggestion = did_you_mean(unknown[0].upper(), sorted(rules))
        print(f"autopack rules: error: no rule {unknown[0]!r}{suggestion}; `autopack rules` lists them all", file=sys.stderr)
        return 2
    chosen = [by_name[name.upper()] for name in wanted] or [rules[rule_id] for rule_id in sorted(rules)]
    for rule in chosen:
        print(f"{rule.id}  {rule.name}  [{rule.severity.value}]\n    {rule.summary}\n    fix: {rule.fix}")
        if wanted:
            print(f"    suppress: `autopack: ignore[{rule.id}]` in a comment on the line or the line above")
            print(f"    docs: {docs_link(f'{rule.doc}#{rule.id.lower()}')}")
            section = rule_documentation(rule.id, rule.doc)
            if section:
                print("\n" + section.rstrip() + "\n")
    return 0


def rule_documentation(rule_id: str, doc: str) -> str | None:
    """The rule's section of its docs page (`### APD101` up to the next heading of that level or
    higher), when autopack runs from a checkout that has its docs; None in a bare install."""
    import re

    page = Path(__file__).resolve().parent.parent / "docs" / doc
    try:
        text = page.read_text(encoding="utf-8")
    except OSError:
        return None
    start = re.search(rf"^(#{{1,6}})[ \t]+{re.escape(rule_id)}\b.*$", text, re.MULTILINE | re.IGNORECASE)
    if start is None:
        return None
    level = len(start.group(1))
    end = re.compile(rf"^#{{1,{level}}}[ \t]", re.MULTILINE).search(text, start.end())
    return text[start.start() : end.start() if end else len(text)]


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        sys.stdout.write(USAGE)
        return 0 if args else 2
    if args[0] in ("-V", "--version"):
        print(f"autopack {__version__}")
        return 0
    command = COMMANDS.get(args[0])
    if command is None:
        sys.stderr.write(f"autopack: error: unknown command {args[0]!r}{did_you_mean(args[0], list(COMMANDS))}\n\n{USAGE}")
        return 2
    module_name, _, function = command[0].partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("autopack"):
            raise
        sys.stderr.write(f"autopack: error: {args[0]!r} is not available in this build\n")
        return 2
    try:
        return int(getattr(module, function)(args[1:]))
    except BrokenPipeError:
        from autopack.engine import reader_went_away

        return reader_went_away()
