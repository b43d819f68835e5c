"""The option tables in the documentation list every option the commands accept, with the
metavar or the choices the parser really has: a new flag without a row (or a row for a flag that
is gone) fails here."""

from __future__ import annotations

import argparse
import re

import pytest

from autopack import engine, install_hooks
from tests.conftest import REPO_ROOT


def table_after(document: str, heading: str) -> list[str]:
    """The first cells of the Markdown table that follows the line containing `heading`."""
    text = (REPO_ROOT / document).read_text(encoding="utf-8")
    lines = text[text.index(heading):].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))  # the table's header row
    cells = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells.append(re.split(r"(?<!\\)\|", line)[1].strip())
    return cells


def documented(cells: list[str]) -> dict[str, str]:
    """`--option` → the code span of its cell that names it (`--fail-on error\\|warning\\|note`)."""
    found = {}
    for cell in cells:
        for span in re.findall(r"`([^`]+)`", cell):
            match = re.match(r"(--[a-z][a-z-]*)", span)
            if match:
                assert match.group(1) not in found, f"two rows for {match.group(1)}"
                found[match.group(1)] = span.replace("\\|", "|")
    return found


def accepted(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return {
        option: action
        for action in parser._actions  # argparse keeps no public list of its actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    }


def expected_span(option: str, action: argparse.Action) -> str:
    """How `--help` would spell it: the metavar when there is one, else the choices."""
    if action.nargs == 0:
        return option
    if action.choices and not action.metavar:
        return f"{option} {'|'.join(str(choice) for choice in action.choices)}"
    return f"{option} {action.metavar}"


@pytest.mark.parametrize(
    ("document", "heading", "parser"),
    [
        ("README.md", "Common options of `check` and every hook", engine.build_parser(list(engine.REGISTRY), "autopack check")),
        ("docs/git-hooks.md", "| option | effect |", install_hooks.build_parser()),
    ],
    ids=["check-and-hooks", "install-hooks"],
)
def test_every_option_has_a_row_that_matches_the_parser(document: str, heading: str, parser: argparse.ArgumentParser) -> None:
    rows = documented(table_after(document, heading))
    options = accepted(parser)
    assert sorted(rows) == sorted(options), f"{document}: rows {sorted(set(rows) ^ set(options))} differ from the parser"
    for option, action in options.items():
        assert rows[option] == expected_span(option, action), f"{document}: `{rows[option]}` for {option}"


def test_every_hook_accepts_the_same_common_options() -> None:
    check = set(accepted(engine.build_parser(list(engine.REGISTRY), "autopack check"))) - {"--select"}
    for name in engine.REGISTRY:
        assert set(accepted(engine.build_parser([name], name))) == check, name
