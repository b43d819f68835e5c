"""The built-in Markdown checks over the whole doc set: which documents are read, every one parsed
before any link is judged (anchors and MyST targets are cross-file), and missing targets git
ignores (build output, local files) dropped."""

from __future__ import annotations

import fnmatch
import os
import posixpath
from collections.abc import Iterator

from autopack import files
from autopack.doc_drift.rules import BROKEN_ANCHOR
from autopack.engine import CheckContext
from autopack.findings import Finding

TYPE_CHECKING = False  # the judging code is imported only to judge: remembered verdicts need none of it
if TYPE_CHECKING:
    from autopack.cache import Store
    from autopack.doc_drift.repo import Repo


def builtin_findings(context: CheckContext) -> Iterator[Finding]:
    """APR201, APR202 and APR203 over every document the settings select: remembered from the
    last run when none of their inputs changed (`memo`), else judged and remembered."""
    from autopack.doc_drift import memo

    found = memo.recall(context)
    if found is None:
        store, started, notes_before = memo.store_for(context), memo.clock(), len(context.skipped)
        found, repo, selected = judge(context, store)
        if store is not None:
            probes = repo.probes if repo is not None else {}
            memo.remember(context, store, found, selected, probes, context.skipped[notes_before:], started)
    yield from without_git_ignored(context, found)


def check_documents(context: CheckContext) -> tuple[list[Finding], Repo | None]:
    """The built-in checks' findings, and the repository as they saw it (for `--explain`)."""
    from autopack.cache import trusted_store

    found, repo, _ = judge(context, trusted_store(context.root_dir, context.config, context.use_cache))
    return without_git_ignored(context, found), repo


def judge(context: CheckContext, store: Store | None) -> tuple[list[Finding], Repo | None, list[str]]:
    """The findings before the git-ignore filter, the repository as they saw it, and every
    document the settings select (symlinked copies too). `store` caches parsed documents."""
    from autopack.doc_drift.code_paths import code_path_findings
    from autopack.doc_drift.links import link_findings
    from autopack.doc_drift.repo import Repo

    settings = context.settings
    if not (settings["check-links"] or settings["check-anchors"] or settings["check-code-paths"]):
        return [], None, []
    wanted = files.compile_globs(settings["docs-globs"])
    fixture = files.compile_globs(settings["fixture-globs"])
    names = [pattern.rsplit("/", 1)[-1] for pattern in settings["docs-globs"]]  # `*.md`: a file's own name must match
    repo_files = context.repo_files()
    selected = [path for path in repo_files
                if wanted(path) and not fixture(path) and any(fnmatch.fnmatch(posixpath.basename(path), name) for name in names)]
    selected = _without_go_vendored(repo_files, selected)
    paths = _without_symlinked_copies(context.root_dir, selected)
    if not paths:
        return [], None, selected
    history = files.compile_globs(pattern.lower() for pattern in settings["history-globs"])
    repo = Repo(context)
    repo.preload(paths, store)
    for path in paths:  # every document's MyST targets, before any link is judged
        document = repo.document(path)
        if document is not None:
            repo.labels.update(document.labels)
    repo.sites.adopt_included(repo)
    found: list[Finding] = []
    for path in paths:
        document = repo.document(path)
        if document is None or document.machine_made:
            continue  # a generated document: its links are fixed in its source, which is checked
        if settings["check-links"] or settings["check-anchors"]:
            found.extend(link_findings(repo, document, settings))
        if settings["check-code-paths"] and not history(path.lower()):
            found.extend(code_path_findings(repo, document))
    return found, repo, selected


def without_git_ignored(context: CheckContext, found: list[Finding]) -> list[Finding]:
    """`found` less the findings whose missing target git ignores (asked of git on every run)."""

    def target(finding: Finding) -> str | None:
        if not finding.data or finding.rule_id == BROKEN_ANCHOR.id:
            return None
        return str(finding.data.get("resolved", finding.data["target"]))  # a code path as the repository has it

    missing = sorted({path for finding in found if (path := target(finding))})
    ignored = _git_ignored(context.root_dir, missing) if missing else set()
    return [finding for finding in found if target(finding) not in ignored]


def _without_go_vendored(repo_files: list[str], paths: list[str]) -> list[str]:
    """`vendor/github.com/x/y/README.md` beside `vendor/modules.txt`: Go's copy of another
    module, made without the images and examples its links name; it is judged in its own
    repository, not here."""
    vendors = tuple(path[: -len("modules.txt")] for path in repo_files if path == "vendor/modules.txt" or path.endswith("/vendor/modules.txt"))
    return [path for path in paths if not path.startswith(vendors)] if vendors else paths


def _without_symlinked_copies(root: str, paths: list[str]) -> list[str]:
    """`docs/changelog.md -> ../CHANGELOG.md` (a docs site's view of a top-level file): the file is
    checked once, where it lives; its links were written for that place."""
    kept = set(paths)
    real_root = os.path.realpath(root)
    result = []
    for path in paths:
        full = os.path.join(root, path)
        if os.path.islink(full):
            target = os.path.relpath(os.path.realpath(full), real_root).replace(os.sep, "/")
            if target != path and target in kept:
                continue
        result.append(path)
    return result


def _git_ignored(root: str, paths: list[str]) -> set[str]:
    """Those of `paths` git ignores: build output (`docs/_build/html`), local files (`.env`) that
    the docs name on purpose and no clone has. One `git check-ignore` call (exit 1: none
    ignored); none outside git."""
    if not files.is_git_repo(root):
        return set()
    # `docs/_build` is asked as a folder too: a missing path matches a folder-only pattern (`_build/`) only so
    request = "".join(f"{path}\0{path}/\0" for path in paths).encode("utf-8", "surrogateescape")
    output = files.run_git(root, "check-ignore", "--no-index", "-z", "--stdin", stdin=request, success=(0, 1))
    if output is None:
        return set()
    return {path.rstrip("/") for path in output.decode("utf-8", "surrogateescape").split("\0") if path}
