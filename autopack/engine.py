"""The runner every enforcement plugs into: files → checks → findings → reporters.

An enforcement is a name, its rules, its settings and a pure `check(context)`. The runner loads
the configuration, selects and reads files, calls the checks, applies inline suppressions and the
baseline, renders the findings and turns them into the exit code (0 clean, 1 findings, 2 usage or
configuration error).
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
from collections import Counter, namedtuple
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from autopack import files
from autopack.config import Config, Setting, load_config
from autopack.findings import (
    BLANKET_SUPPRESSION,
    CORE_RULES,
    FILE_SKIPPED,
    ConfigError,
    Finding,
    Rule,
    Severity,
    sort_findings,
    use_docs_url,
)
from autopack.lazy import lazy_pattern

TYPE_CHECKING = False  # typing and pathlib are imported for type checkers only: hooks start lean
if TYPE_CHECKING:
    from contextlib import AbstractContextManager
    from pathlib import Path
    from typing import Any

    from autopack.files import StrPath

FORMATS = ("text", "json", "sarif", "github", "markdown")


class CheckContext:
    """What a check sees: the repository, its settings and the files it was given. The root is
    kept as a string (`root_dir`); `root` gives it as a Path to the checks that want one."""

    def __init__(
        self,
        root: StrPath,
        config: Config,
        settings: dict[str, Any],
        files: Iterable[files.SourceFile],
        reader: Callable[[str], files.SourceFile | files.Skipped] | None = None,
        staged: files.StagedTree | None = None,
        use_cache: bool = True,
        shard: tuple[int, int] | None = None,
    ) -> None:
        self.root_dir = os.fspath(root)
        self.config = config
        self.settings = settings
        self.files = files
        self.reader = reader
        self.staged = staged  # --staged: the index is the repository; nothing is read from disk
        self.use_cache = use_cache  # a check may cache what depends only on file content (`autopack.cache`)
        self.shard = shard
        self.skipped: list[files.Skipped] = []
        self.read_files: dict[str, files.SourceFile] = {}
        self._repo_files: list[str] | None = None
        self._root_path: Path | None = None

    @property
    def root(self) -> Path:
        if self._root_path is None:
            from pathlib import Path

            self._root_path = Path(self.root_dir)
        return self._root_path

    def owns(self, path: str) -> bool:
        """Whether this run reports findings at `path`: with `--shard`, only the shard of the
        path does, so work that yields findings at one path (a configured command reported at
        the configuration file) is done in that shard only."""
        return self.shard is None or in_shard(path, self.shard)

    def repo_files(self) -> list[str]:
        """Every candidate file of the repository (for checks whose subject is the whole set)."""
        if self._repo_files is None:
            listed = self.staged.listing() if self.staged else files.list_repo_files(self.root_dir)
            self._repo_files = _apply_excludes(listed, self.config)
        return self._repo_files

    def read(self, path: str) -> files.SourceFile | None:
        """Read a repo-relative file with the core's guards; a skip is remembered for a note."""
        result = self.reader(path) if self.reader else files.read_source(self.root_dir, path, self.config.values["max-file-size"])
        if isinstance(result, files.Skipped):
            self.skipped.append(result)
            return None
        self.read_files[path] = result  # the runner applies suppressions without reading it again
        return result


class ReadOnDemand:
    """A check's files, each read when the check takes it: a scan holds one file's text at a time,
    not the tree's. Iterating again reads them again."""

    def __init__(self, produce: Callable[[], Iterator[files.SourceFile]]) -> None:
        self._produce = produce

    def __iter__(self) -> Iterator[files.SourceFile]:
        return self._produce()


class Enforcement(namedtuple("Enforcement", "name hook_id rules settings check wants triggers", defaults=(None, None))):
    """One enforcement. `wants(path)` selects its files; None means it checks a fixed set of its
    own (catalog, doc drift) and ignores the files it is handed."""

    __slots__ = ()
    name: str  # configuration section, e.g. "debug-guard"
    hook_id: str  # pre-commit hook id and `autopack <hook>` subcommand
    rules: tuple[Rule, ...]
    settings: Mapping[str, Setting]
    check: Callable[[CheckContext], Iterable[Finding]]
    wants: Callable[[str, dict[str, Any]], bool] | None
    # For a fixed-set enforcement: when files are named (a commit, a pull request), it runs only
    # if one of them can affect its result. None, or no files named, means it always runs.
    triggers: Callable[[str, dict[str, Any]], bool] | None


# Enforcements by configuration section; resolved lazily so a hook imports only its own module.
REGISTRY: dict[str, str] = {
    "debug-guard": "autopack.debug_guard:ENFORCEMENT",
    "doc-drift": "autopack.doc_drift:ENFORCEMENT",
    "catalog": "autopack.catalog.hook:ENFORCEMENT",
    "parallelism": "autopack.parallel.lint:ENFORCEMENT",
}


def resolve(name: str) -> Enforcement:
    module_name, _, attribute = REGISTRY[name].partition(":")
    return getattr(importlib.import_module(module_name), attribute)


# --- suppression -------------------------------------------------------------------------------

_COMMENT = lazy_pattern(r"#|//|<!--|;|--|/\*|%|\{#|'")  # compiled when a file mentions autopack
# The id list is bounded: a real one is a few ids, and an unbounded one made each marker of a
# hostile line scan to its end.
_IGNORE = lazy_pattern(r"\bautopack:\s*+ignore\b(\[(?P<ids>[^\]]{0,512}+)\])?", re.IGNORECASE)


def _ignored_ids(line: str) -> set[str] | None:
    """Rule ids an ignore comment on this line names; an empty set for a bare ignore. The
    marker counts when a comment opens before it: found in two linear scans, never a pattern
    that retries from every opener."""
    opener = _COMMENT.search(line)
    if opener is None:
        return None
    match = _IGNORE.search(line, opener.end())
    if match is None:
        return None
    ids = match.group("ids")
    return {part.strip().upper() for part in ids.split(",") if part.strip()} if ids else set()


def apply_suppressions(findings: list[Finding], sources: Mapping[str, files.SourceFile]) -> list[Finding]:
    """Drop findings whose line (or the line above) names them in an ignore comment."""
    kept: list[Finding] = []
    for finding in findings:
        source = sources.get(finding.path)
        if source is not None and finding.line:
            lines = source.lines
            candidates = [finding.line - 1, finding.line - 2]
            if any(
                0 <= i < len(lines) and finding.rule_id in (_ignored_ids(lines[i]) or ())
                for i in candidates
            ):
                continue
        kept.append(finding)
    return kept


def bare_ignores(source: files.SourceFile) -> list[Finding]:
    """APX001 for every ignore comment of a checked file that names no rule."""
    if "autopack" not in source.text:
        return []
    found = []
    for number, line in enumerate(source.lines, start=1):
        ids = _ignored_ids(line)
        if ids is not None and not ids:
            found.append(
                BLANKET_SUPPRESSION.finding(
                    source.path,
                    "ignore comment without a rule id; it suppresses nothing",
                    line=number,
                    column=line.lower().find("autopack") + 1,
                    line_text=line,
                )
            )
    return found


# --- baseline ----------------------------------------------------------------------------------

BASELINE_VERSION = 1


def write_baseline(path: StrPath, findings: list[Finding]) -> None:
    entries = sorted(
        ({"fingerprint": f.fingerprint, "rule": f.rule_id, "path": f.path} for f in findings),
        key=lambda e: (e["path"], e["rule"], e["fingerprint"]),
    )
    document = {"version": BASELINE_VERSION, "findings": entries}
    import json

    files.write_output(path, json.dumps(document, indent=2, sort_keys=True) + "\n")


MAX_BASELINE_BYTES = 256 * 1024 * 1024


def read_baseline(path: StrPath) -> list[dict[str, str]]:
    """The baseline's entries, read with the bounded reader (a FIFO or /dev/zero is refused at
    once); every problem is a ConfigError naming the file."""
    import json

    try:
        document = json.loads(files.read_bounded(path, MAX_BASELINE_BYTES).decode("utf-8"))
    except files.ReadRefused as refused:
        if refused.kind == "missing":
            raise ConfigError(f"{path}: baseline not found; create it with --write-baseline {path}") from None
        raise ConfigError(f"{path}: cannot read the baseline: {refused.reason}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: cannot read the baseline: not UTF-8 (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}:{exc.lineno}:{exc.colno}: baseline is not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise ConfigError(f"{path}: not an autopack baseline: its JSON nests too deeply") from None
    entries = document.get("findings") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in entries
    ):
        raise ConfigError(f"{path}: not an autopack baseline (expected {{'findings': [{{'fingerprint': ...}}]}})")
    return entries


def baseline_file(config: Config, given: str | None = None) -> str | None:
    """The baseline a run applies: `--baseline FILE` (relative to the working directory), else
    the configuration's `baseline` key (relative to the repository root), else none. One rule
    for every entry point, so hooks, pre-commit, the Action and the autopilot agree."""
    if given is not None:
        return given
    configured = config.values["baseline"]
    return os.path.join(config.root_dir, configured) if configured else None


def without_baselined(
    findings: list[Finding], config: Config, given: str | None = None
) -> tuple[list[Finding], list[dict[str, str]]]:
    """The findings the baseline does not record, and its stale entries (none without one)."""
    path = baseline_file(config, given)
    if path is None:
        return findings, []
    if given is None and not os.path.lexists(path):
        raise ConfigError(
            f"{path}: baseline not found (the `baseline` key of {config.source_file or 'the configuration'}); "
            f"create it with `autopack check --write-baseline {config.values['baseline']}`"
        )
    return apply_baseline(findings, read_baseline(path))


def apply_baseline(findings: list[Finding], entries: list[dict[str, str]]) -> tuple[list[Finding], list[dict[str, str]]]:
    """New findings (not in the baseline), and baseline entries that no longer match (stale)."""
    budget = Counter(e["fingerprint"] for e in entries)
    fresh = []
    for finding in sort_findings(findings):
        if budget[finding.fingerprint] > 0:
            budget[finding.fingerprint] -= 1
        else:
            fresh.append(finding)
    stale = []
    for entry in entries:
        if budget[entry["fingerprint"]] > 0:
            budget[entry["fingerprint"]] -= 1
            stale.append(entry)
    return fresh, stale


# --- output ------------------------------------------------------------------------------------

def render(fmt: str, findings: list[Finding], rules: Sequence[Rule], color: bool = False) -> str:
    module = importlib.import_module(f"autopack.report.{fmt}")
    return module.render(findings, rules, color=color)


# --- the command line --------------------------------------------------------------------------


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags every hook and `autopack check` share."""
    parser.add_argument("filenames", nargs="*", metavar="FILE", help="files to check (as pre-commit passes them)")
    parser.add_argument("--all-files", action="store_true", help="check every file of the repository")
    parser.add_argument("--staged", action="store_true", help="check the staged content of staged files (the index, not the working tree)")
    parser.add_argument("--diff-base", metavar="REV", help="check only files changed since REV (merge base)")
    parser.add_argument("--pushed", metavar="REMOTE", help="check what a push to REMOTE sends: the files changed in each pushed ref at their pushed content (reads git's pre-push lines on stdin)")
    parser.add_argument("--shard", metavar="K/N", help="check only shard K of N (files split by a stable hash)")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("--output", metavar="FILE", help="write the report to FILE (atomically)")
    parser.add_argument("--also", action="append", default=[], metavar="FORMAT=FILE", help="also write the report in FORMAT to FILE (repeatable), e.g. --also sarif=autopack.sarif")
    parser.add_argument("--config", metavar="FILE", help="configuration file (default: .autopack.toml or pyproject.toml)")
    parser.add_argument("--fail-on", choices=("error", "warning", "note"), help="lowest severity that fails the run")
    parser.add_argument("--baseline", metavar="FILE", help="report only findings not recorded in FILE (default: the `baseline` configuration key)")
    parser.add_argument("--write-baseline", metavar="FILE", help="record the current findings in FILE and exit 0")
    parser.add_argument("--show-stale", action="store_true", help="with a baseline: list baseline entries that no longer match")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="colour in text output")
    parser.add_argument("--no-commands", action="store_true",
                        help="do not run configured commands (doc checks): they are code from the repository; each one skipped is reported")
    parser.add_argument("--fix", action="store_true", help="apply the certain fixes to the files (then exit 1, as pre-commit expects)")
    parser.add_argument("--allow-ci", action="store_true", help="let --fix change files even where CI or GITHUB_ACTIONS is set")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache directory (`cache-dir`)")
    parser.add_argument("--quiet", action="store_true", help="no summary line on stderr (it is printed only when stderr is a terminal)")


def extra_outputs(values: Sequence[str]) -> list[tuple[str, str]]:
    """`--also FORMAT=FILE` pairs, validated before any check runs."""
    pairs = []
    for value in values:
        fmt, sep, target = value.partition("=")
        if not sep or fmt not in FORMATS or not target:
            raise ConfigError(f"--also {value!r}: expected FORMAT=FILE with FORMAT one of {', '.join(FORMATS)}")
        pairs.append((fmt, target))
    return pairs


def refuse_directories(targets: Sequence[tuple[str, str | None]]) -> None:
    """An output that names a directory is a usage error before any check runs (the report
    would otherwise be lost after the work is done)."""
    for flag, target in targets:
        if target is not None and os.path.isdir(target):
            raise ConfigError(f"{flag} {target}: is a directory; name a file to write the report to")


def parse_shard(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    match = re.fullmatch(r"(\d+)/(\d+)", value.strip())
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise ConfigError(f"--shard {value!r}: expected K/N with 1 <= K <= N, e.g. --shard 1/4")
    return int(match.group(1)), int(match.group(2))


def in_shard(path: str, shard: tuple[int, int]) -> bool:
    """Stable across machines and runs: a path's shard depends on its bytes only."""
    import hashlib

    index, count = shard
    digest = hashlib.sha256(path.encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") % count == index - 1


def _apply_excludes(paths: Iterable[str], config: Config) -> list[str]:
    excluded = files.compile_globs(config.exclude)
    return [p for p in paths if not excluded(p)]


def _to_repo_path(root: str, name: str) -> str | None:
    """A FILE argument as a repo-relative `/` path; None when it lies outside the repository."""
    relative = os.path.relpath(os.path.normpath(os.path.join(os.getcwd(), name)), root)
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return None
    return relative.replace(os.sep, "/")


class RunResult(namedtuple("RunResult", "findings rules files checks", defaults=(0, 0))):
    """What a run found (suppressions applied, sorted), the rules of the enforcements that ran,
    how many files the checks read and how many checks ran."""

    __slots__ = ()
    findings: list[Finding]
    rules: list[Rule]
    files: int
    checks: int


class _InternalErrors:
    """A bug in a check must still end with a clear message, not a traceback; a check may raise
    ConfigError itself to reject its own settings (exit 2 with its message). A class, not
    `contextlib.contextmanager`: every hook imports this module, and contextlib costs a clean run
    more than its check."""

    def __init__(self, enforcement: Enforcement) -> None:
        self.enforcement = enforcement

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, traceback: object) -> None:
        if isinstance(exc, Exception) and not isinstance(exc, ConfigError) and not os.environ.get("AUTOPACK_DEBUG"):
            raise ConfigError(
                f"internal error in {self.enforcement.hook_id}: {type(exc).__name__}: {exc} "
                "(please report it; set AUTOPACK_DEBUG=1 for the traceback)"
            ) from None


def collect(
    enforcements: Sequence[Enforcement],
    root: StrPath,
    config: Config,
    paths: list[str] | None,
    staged: files.StagedTree | None = None,
    use_cache: bool = True,
    shard: tuple[int, int] | None = None,
) -> RunResult:
    """Run the checks and apply suppressions. `paths` None means every file of the repository;
    `staged` makes the index (or a pushed commit) the repository: every file is read from it, and
    only its files exist (the native hooks check what a commit records, or what a push sends);
    `use_cache` False keeps the checks from reading or writing the cache directory.

    `shard` partitions the findings: a finding belongs to the shard of its path. Checks of the
    files they are handed get only the shard's files; fixed-set checks run as in the whole run
    (they need every file to judge any) and keep only the shard's findings, so the union of all
    shards is the unsharded run, each finding once."""
    max_size = config.values["max-file-size"]
    from functools import partial

    read: Callable[[str], files.SourceFile | files.Skipped] = (
        partial(staged.read, max_size=max_size) if staged is not None else partial(files.read_source, root, max_size=max_size)
    )
    listed = (staged.listing() if staged is not None else files.list_repo_files(root)) if paths is None else paths
    everything = _apply_excludes(listed, config)
    candidates = everything if shard is None else [p for p in everything if in_shard(p, shard)]
    findings: list[Finding] = []
    rules: list[Rule] = list(CORE_RULES)
    skipped: dict[str, files.Skipped] = {}
    checked: set[str] = set()  # files whose bare ignores are already looked for
    blanket: list[Finding] = []  # those bare ignores (an ignore comment cannot hide one)

    def checked_file(source: files.SourceFile) -> None:
        if source.path not in checked:
            checked.add(source.path)
            blanket.extend(bare_ignores(source))

    def streamed(wanted: list[str]) -> Iterator[files.SourceFile]:
        """The files a check wants, read one at a time as it asks for them."""
        for path in wanted:
            result = skipped[path] if path in skipped else read(path)
            if isinstance(result, files.Skipped):
                skipped[path] = result
                continue
            checked_file(result)
            yield result
    checks = 0

    for enforcement in enforcements:
        settings = config.section(enforcement.name, enforcement.settings)
        if not settings["enabled"]:
            continue
        if enforcement.triggers is not None and paths:
            if not any(enforcement.triggers(path, settings) for path in paths):
                continue
        rules.extend(enforcement.rules)
        checks += 1
        with _InternalErrors(enforcement):
            wanted = [path for path in candidates if enforcement.wants(path, settings)] if enforcement.wants else []
            context = CheckContext(root=root, config=config, settings=settings, files=ReadOnDemand(partial(streamed, wanted)), reader=read, staged=staged,
                                   use_cache=use_cache, shard=shard)
            if paths is None:
                context._repo_files = everything
            produced = list(enforcement.check(context))
        findings.extend(produced)
        for source in context.read_files.values():
            checked_file(source)
        for skip in context.skipped:
            skipped.setdefault(skip.path, skip)
    sources: dict[str, files.SourceFile] = {}  # files with findings, read again for their ignore comments
    for finding in findings:
        if finding.line and finding.path not in sources and finding.path not in skipped:
            result = read(finding.path)
            if isinstance(result, files.SourceFile):
                sources[finding.path] = result
                checked_file(result)
    findings = apply_suppressions(findings, sources) + blanket
    for skip in skipped.values():
        if skip.notify:
            findings.append(FILE_SKIPPED.finding(skip.path, f"not checked: {skip.reason}", fix=skip.fix or None))
    if shard is not None:
        findings = [finding for finding in findings if in_shard(finding.path, shard)]
    unique_rules = {rule.id: rule for rule in rules}
    read = len(checked)  # every file a check read
    return RunResult(sort_findings(findings), [unique_rules[k] for k in sorted(unique_rules)], read, checks)


def check_flag_conflicts(args: argparse.Namespace, config: Config) -> None:
    """Flags that contradict each other are a usage error, never a silent choice of one of them."""
    selections = [
        flag
        for flag, given in (
            ("FILE arguments", bool(args.filenames)),
            ("--all-files", args.all_files),
            ("--staged", args.staged),
            ("--diff-base", args.diff_base is not None),
            ("--pushed", args.pushed is not None),
            ("--shard", args.pushed is not None and args.shard is not None),
        )
        if given
    ]
    if len(selections) > 1:
        raise ConfigError(
            f"{selections[0]} and {selections[1]} cannot be combined: each chooses which files to check; keep one"
        )
    if args.show_stale and (args.write_baseline or baseline_file(config, args.baseline) is None):
        raise ConfigError(
            "--show-stale lists the entries of the baseline a run applies: pass --baseline FILE or set "
            "`baseline` in the configuration (and not --write-baseline)"
        )


def collect_pushed(
    enforcements: Sequence[Enforcement], root: str, config: Config, remote: str, lines: Iterable[str]
) -> RunResult:
    """Check what a push sends: each pushed commit's changed files at the content it records
    (never the working tree), and the union of the findings, each once."""
    if not files.is_git_repo(root):
        raise ConfigError(f"--pushed {remote}: {root} is not a git repository; it is meant for the pre-push hook")
    findings: set[Finding] = set()
    rules: dict[str, Rule] = {}
    read, checks = 0, 0
    done: set[tuple[str, tuple[str, ...] | None]] = set()
    for pushed in files.pushed_ranges(root, remote, lines):
        key = (pushed.commit, None if pushed.paths is None else tuple(pushed.paths))
        if key in done or pushed.paths == []:
            continue
        done.add(key)
        tree = files.StagedTree(root, commit=pushed.commit)  # the pushed commit is the repository
        try:
            result = collect(enforcements, root, config, tree.listing() if pushed.paths is None else pushed.paths, tree)
        finally:
            tree.close()
        findings.update(result.findings)
        rules.update((rule.id, rule) for rule in result.rules)
        read, checks = read + result.files, max(checks, result.checks)
    return RunResult(sort_findings(list(findings)), [rules[k] for k in sorted(rules)], read, checks)


def select_paths(args: argparse.Namespace, root: str, default_all: bool) -> list[str] | None:
    """The files named on the command line, or None for the whole repository."""
    git_mode = "--staged" if args.staged else f"--diff-base {args.diff_base}" if args.diff_base else None
    if git_mode and not files.is_git_repo(root):
        raise ConfigError(
            f"{git_mode}: {root} is not a git repository (no .git found here or above); "
            "run it inside a git checkout, or use --all-files or FILE arguments"
        )
    if args.staged:
        staged = files.staged_files(root)
        if staged is None:
            raise ConfigError("--staged: git cannot list the staged files (is this a git repository?)")
        paths: list[str] | None = staged
    elif args.diff_base:
        if args.diff_base.startswith("-"):  # never an option of git, whatever git would make of it
            raise ConfigError(f"--diff-base {args.diff_base!r}: a revision cannot start with '-'; name a branch, tag or commit")
        changed = files.changed_files(root, args.diff_base)
        if changed is None:
            raise ConfigError(f"--diff-base {args.diff_base}: git cannot compare against it (is it fetched?)")
        paths = changed
    elif args.all_files or (default_all and not args.filenames):
        paths = None
    else:
        paths = []
        for name in args.filenames:
            relative = _to_repo_path(root, name)
            if relative is None:
                raise ConfigError(f"{name}: outside the repository at {root}")
            paths.append(relative)
        paths = sorted(set(paths))
    return paths


HOOK_ALIASES = {"parallel-lint": "parallelism"}  # hook ids that differ from their section name


def selected(names: Sequence[str], choice: str | None) -> list[str]:
    """`--select debug-guard,catalog`: hook ids or section names, validated."""
    if choice is None:
        return list(names)
    picked = set()
    for item in filter(None, (part.strip() for part in choice.split(","))):
        name = HOOK_ALIASES.get(item, item)
        if name not in names:
            known = ", ".join(sorted({*names, *HOOK_ALIASES}))
            raise ConfigError(f"--select {item!r}: unknown check; choose from {known}")
        picked.add(name)
    return [name for name in names if name in picked]


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, told the terminal's width as `shutil.get_terminal_size` would find
    it: argparse builds a formatter for every flag it is given and imports shutil (and with it
    bz2, lzma and fnmatch) to ask, which costs a hook more than its whole check of a file."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=terminal_columns() - 2)


def terminal_columns() -> int:
    """`$COLUMNS`, else the width of the terminal on stdout, else 80 (shutil's rules)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


def build_parser(names: Sequence[str], prog: str, description: str = "") -> argparse.ArgumentParser:
    """The command line of a hook or of `autopack check` (several enforcements: `--select` too).
    The autopilot's allowlist parses commands with it, so it reads them exactly as they would run."""
    parser = argparse.ArgumentParser(prog=prog, description=description, formatter_class=HelpFormatter)
    add_common_arguments(parser)
    if len(names) > 1:
        parser.add_argument("--select", metavar="CHECKS", help="comma-separated checks to run (default: every enabled one)")
    return parser


def run(
    names: Sequence[str],
    argv: Sequence[str] | None,
    prog: str,
    description: str,
    default_all: bool = False,
) -> int:
    """Parse the common flags, run the named enforcements, report, and return the exit code.
    With several enforcements (`autopack check`), `--select` narrows them."""
    args = build_parser(names, prog, description).parse_args(argv)
    try:
        with commands_turned_off(args.no_commands):
            return _run(selected(names, getattr(args, "select", None)), args, default_all)
    except ConfigError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return reader_went_away()
    except OSError as exc:  # an output that cannot be written
        print(f"{prog}: error: cannot write {exc.filename or 'the report'}: {exc.strerror or exc}", file=sys.stderr)
        return 2


def commands_turned_off(turned_off: bool) -> AbstractContextManager[None]:
    """`--no-commands`: set AUTOPACK_NO_COMMANDS for the run, so the one place that spawns
    configured commands refuses them, here and in every autopack process started from here."""
    if not turned_off:
        return _UNCHANGED
    from autopack.environment import NO_COMMANDS_VARIABLE, variable_set

    return variable_set(NO_COMMANDS_VARIABLE)


class _Unchanged:
    """A block run as it is (`contextlib.nullcontext`, without importing contextlib)."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc_info: object) -> None:
        return None


_UNCHANGED = _Unchanged()


def reader_went_away() -> int:
    """stdout's reader closed the pipe (`autopack ... | head`): stop quietly, as other Unix tools
    do, and keep Python from reporting the pipe again when it flushes stdout at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 1


def _run(names: Sequence[str], args: argparse.Namespace, default_all: bool) -> int:
    import time  # built in: costs nothing

    started = time.monotonic()
    root = files.find_root_dir(os.getcwd())
    staged = files.StagedTree(root) if args.staged else None
    try:
        config = load_config(root, args.config, staged=staged)
        if config.values["docs-url"]:
            use_docs_url(config.values["docs-url"])
        check_flag_conflicts(args, config)
        shard = parse_shard(args.shard)
        outputs = extra_outputs(args.also)
        refuse_directories([("--output", args.output), ("--write-baseline", args.write_baseline)]
                           + [("--also", target) for _, target in outputs])
        enforcements = [resolve(name) for name in names if config.enabled(name)]
        if args.pushed is not None:
            if args.fix:
                raise ConfigError("--fix changes the working tree, so it cannot fix pushed commits (--pushed)")
            result, fixed = collect_pushed(enforcements, root, config, args.pushed, sys.stdin), 0
        else:
            paths = select_paths(args, root, default_all)
            result = collect(enforcements, root, config, paths, staged, use_cache=not args.no_cache, shard=shard)
            fixed = _fix(args, root, result.findings)
            if fixed:  # report what is left after the fixes
                result = collect(enforcements, root, config, paths, staged, use_cache=not args.no_cache, shard=shard)
    finally:
        if staged is not None:
            staged.close()
    findings = result.findings
    if args.write_baseline:
        write_baseline(args.write_baseline, findings)
        print(f"wrote {len(findings)} finding(s) to the baseline {args.write_baseline}", file=sys.stderr)
    else:
        findings, stale = without_baselined(findings, config, args.baseline)
        hidden = len(result.findings) - len(findings)
        if args.show_stale:
            for entry in stale:
                print(f"stale baseline entry: {entry.get('path')}: {entry.get('rule')} {entry['fingerprint'][:12]}", file=sys.stderr)
    for fmt, target in outputs:
        files.write_output(target, render(fmt, findings, result.rules))
    if args.write_baseline:
        return 0
    color = args.color == "always" or (
        args.color == "auto" and args.output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    )
    text = render(args.format, findings, result.rules, color=color)
    if args.output:
        files.write_output(args.output, text)
    else:
        sys.stdout.write(text)
    if not args.quiet and sys.stderr.isatty():
        sys.stdout.flush()
        print(summary_line(findings, result, hidden, time.monotonic() - started), file=sys.stderr)
    return max(exit_code(findings, args.fail_on or config.values["fail-on"]), 1 if fixed else 0)


def _fix(args: argparse.Namespace, root: StrPath, findings: list[Finding]) -> int:
    """With `--fix`: apply the certain fixes, say what changed on stderr, return how many files."""
    if not args.fix:
        return 0
    from autopack import fixes

    refusal = fixes.ci_refusal(args.allow_ci, "--fix")
    if refusal is None and args.staged:
        refusal = "--fix changes the working tree, so it cannot check --staged content"
    if refusal is not None:
        raise ConfigError(refusal)
    written = [fix for fix in fixes.plan_fixes(root, findings) if fixes.write_fix(root, fix)]
    for fix in written:
        for change in fix.changes:
            print(f"fixed {fix.path}: {change.describe()}", file=sys.stderr)
    return len(written)


def summary_line(findings: Sequence[Finding], result: RunResult, hidden: int, seconds: float) -> str:
    """What happened, in one line for a person at a terminal (stderr: never part of a report):
    `autopack: 2 findings (1 error, 1 warning) in 2,431 files (4 checks), 3 more hidden by the
    baseline, in 0.4 s`."""

    def count(number: int, noun: str) -> str:
        return f"{number:,} {noun}{'' if number == 1 else 's'}"

    by_severity = Counter(finding.severity for finding in findings)
    severities = ", ".join(count(by_severity[s], s.value) for s in Severity if by_severity[s])
    line = f"autopack: {count(len(findings), 'finding')}" + (f" ({severities})" if severities else "")
    line += f" in {count(result.files, 'file')} ({count(result.checks, 'check')})"
    if hidden:
        line += f", {hidden:,} more hidden by the baseline,"
    return f"{line} in {seconds:.1f} s"


def exit_code(findings: Iterable[Finding], fail_on: str) -> int:
    threshold = Severity(fail_on).rank
    return 1 if any(f.severity.rank >= threshold for f in findings) else 0
