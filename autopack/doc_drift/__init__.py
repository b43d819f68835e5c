"""Doc drift: run the repository's own doc checks, and find links, anchors and paths that no
longer exist in its Markdown.

Two halves, both mechanical and offline:
- configured checks (`[[tool.autopack.doc-drift.commands]]`, or `preset = "autopack-seed"`) run
  without a shell through `autopack.commands`; a failure, a timeout or a missing program or
  script is a finding whose `data["evidence"]` is the command's deterministic evidence;
- built-in checks parse every Markdown file with markdown-it-py (CommonMark: code, reference
  links, images and HTML comments are what the parser says they are) and report relative links
  to missing files (APR201), `#anchors` missing from the target's GitHub heading slugs (APR202)
  and repo paths in inline code and shell code blocks that do not exist (APR203).

The subject is the whole doc set: a rename anywhere can break a link in an unchanged file, so the
hook ignores the file names it is handed and always checks everything.

Where each part lives:
- `commands`: configured checks (APR200, APR204, APR205), presets;
- `markdown`: parsing a file into a `Document` (anchors, links, code paths); `slugs`: heading
  anchors; `shell`: paths in shell commands;
- `links`: APR201 and APR202; `code_paths`: APR203; `sites`: documentation site systems;
- `repo`: the repository's paths and parsed documents; `builtin`: the built-in checks over the doc set.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence

from autopack import engine
from autopack.config import Setting
from autopack.doc_drift.builtin import builtin_findings
from autopack.doc_drift.commands import (
    COMMAND_ITEM,
    DOC_CHECK_FAILED,
    DOC_CHECK_NOT_FOUND,
    DOC_CHECK_NOT_RUN,
    DOC_CHECK_TIMEOUT,
    PRESETS,
    command_findings,
    run_configured,
)
from autopack.doc_drift.rules import BROKEN_ANCHOR, BROKEN_LINK, MISSING_CODE_PATH
from autopack.engine import CheckContext, Enforcement
from autopack.findings import Finding

__all__ = ["ENFORCEMENT", "RULES", "SETTINGS", "check", "main", "run_configured"]

RULES = (DOC_CHECK_FAILED, BROKEN_LINK, BROKEN_ANCHOR, MISSING_CODE_PATH, DOC_CHECK_TIMEOUT, DOC_CHECK_NOT_FOUND, DOC_CHECK_NOT_RUN)

SETTINGS: dict[str, Setting] = {
    "preset": Setting("none", "str", "A named set of commands run before `commands`.", choices=tuple(PRESETS)),
    "commands": Setting([], "table-list", "Doc checks to run: each a table with `run` and optional `name`, `if-exists`, `timeout`, `cwd`.", item=COMMAND_ITEM),
    "docs-globs": Setting(["**/*.md"], "glob-list", "Markdown files the built-in checks read."),
    "check-links": Setting(True, "bool", "APR201: relative links and images to missing files."),
    "check-anchors": Setting(True, "bool", "APR202: #anchors missing from the target document."),
    "check-code-paths": Setting(True, "bool", "APR203: repo paths in inline code and shell code blocks that do not exist."),
    "ignore-targets": Setting([], "glob-list", "Globs of repo paths never reported as missing (e.g. generated files)."),
    "fixture-globs": Setting(
        ["**/__fixtures__/**", "**/test*/**/fixtures/**", "**/__tests__/**/fixtures/**", "**/testdata/**", "**/test_data/**", "**/__snapshots__/**",
         "**/tests/**/data/**", "**/test/**/data/**", "**/tests/*/**", "**/test/*/**", "**/testsuite/**"],
        "glob-list",
        "Markdown test data the built-in checks do not read as documentation (fixtures are often broken on purpose).",
    ),
    "history-globs": Setting(
        ["**/changelog*", "**/changes*", "**/history*", "**/news*", "**/release-notes*", "**/releases*",
         "**/blog/**", "**/adr/**", "**/adrs/**", "**/decisions/**", "**/*migrat*", "**/*migrat*/**",
         "**/plans/**", "**/plan.md", "**/*-plan.md", "**/*_plan.md", "**/rfcs/**", "**/rfc-*", "**/proposals/**", "**/roadmap*",
         "**/*upgrad*", "**/.changeset/**", "**/changelog.d/**", "**/newsfragments/**", "**/tasks.md", "**/tasks/**", "**/todo*",
         "**/specs/**"],
        "glob-list",
        "Documents that record history or plans (matched case-insensitively): APR203 skips their code paths, which name old or future files on purpose.",
    ),
}


def check(context: CheckContext) -> Iterable[Finding]:
    """Configured commands first (they may take time), then the built-in Markdown checks."""
    yield from command_findings(context)
    yield from builtin_findings(context)


ENFORCEMENT = Enforcement(
    name="doc-drift",
    hook_id="doc-drift",
    rules=RULES,
    settings=SETTINGS,
    check=check,
    wants=None,
)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if "--explain" in args:
        from autopack.doc_drift.explain import explain_main

        return explain_main([arg for arg in args if arg != "--explain"])
    return engine.run(
        ["doc-drift"],
        args,
        prog="autopack-doc-drift",
        description="Run the repository's doc checks and find broken links, anchors and paths in its Markdown. "
                    "`--explain` says which documentation site system judges which documents, and what is not judged and why.",
    )
