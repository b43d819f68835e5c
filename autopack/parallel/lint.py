"""`autopack-parallel-lint`: parallel work without an anchor, found from the syntax tree alone.

The scanned code is parsed with `ast` (in `autopack.parallel.syntax`), never imported. A file
that mentions none of the configured names is not parsed at all, and the hook does not even import
`ast`: the substring test is the whole cost for most files.
Names are followed through `import ... as`, `from ... import ... as`, simple assignments,
attribute calls on modules and objects, `getattr(obj, "name")` and `functools.partial`; raw pools
(APP403) also through pool classes held in variables or parameter defaults, partials of pools and
subclasses of the standard pools defined anywhere in the project.
The lint is conservative where it cannot know: `**kwargs` may carry `anchor`, so it is not a
finding, and any `anchor=` other than a literal None counts as an anchor.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from autopack import engine
from autopack.config import Setting
from autopack.engine import CheckContext, Enforcement
from autopack.files import SourceFile, compile_globs
from autopack.findings import Finding, Rule, Severity

TYPE_CHECKING = False  # typing and the syntax-tree half for type checkers only: the hook starts lean
if TYPE_CHECKING:
    from typing import Any

    from autopack.parallel.syntax import ProjectDefinitions, ProjectPools

DOC = "parallelism.md"
PYTHON_SUFFIXES = (".py", ".pyi", ".pyw")
WORKER_KEYWORDS = ("workers", "max_workers")
EXECUTORS = {"ThreadPoolExecutor", "ProcessPoolExecutor"}
MP_POOLS = {"Pool": "multiprocessing.Pool", "ThreadPool": "multiprocessing.pool.ThreadPool"}
MP_MODULES = ("multiprocessing", "multiprocessing.pool", "multiprocessing.dummy")
# What `from <module> import *` brings in that APP403 follows (each module's `__all__`).
MP_STAR_EXPORTS = {
    "multiprocessing": ("Pool", "get_context"),
    "multiprocessing.pool": ("Pool", "ThreadPool"),
    "multiprocessing.dummy": ("Pool",),
}
SHOWN_SOURCE_CHARS = 60

SETTINGS: dict[str, Setting] = {
    "entry-points": Setting(
        ["execute_parallel", "execute_parallel_runs"],
        "str-list",
        "Functions whose calls need `anchor=` unless workers is provably 1 (APP401).",
    ),
    "serial-by-default": Setting(
        ["execute_parallel"],
        "str-list",
        "Entry points whose workers default to 1, so a call without `workers=` is serial.",
    ),
    "internal-names": Setting(
        ["_execute_parallel_internal"],
        "str-list",
        "Private runners that skip the policy; any import or call outside `owner` is APP402.",
    ),
    "owner": Setting(
        "autopack/parallel/",
        "str",
        "The package directory, module file or dotted module that owns the internal names; matched at "
        "any depth unless it starts with `/`.",
    ),
    "raw-pool-paths": Setting(
        [],
        "glob-list",
        "Globs of files where a raw ThreadPoolExecutor, ProcessPoolExecutor or multiprocessing.Pool with "
        "more than one worker is APP403 (empty: APP403 is off).",
    ),
}

UNPARSABLE = Rule(
    id="APP400",
    name="python-syntax-error",
    severity=Severity.ERROR,
    summary="A Python file that mentions a parallel entry point does not parse, so it cannot be checked.",
    fix="Fix the syntax error; the parallelism lint checks only files Python can parse.",
    doc=DOC,
)
PARALLEL_WITHOUT_ANCHOR = Rule(
    id="APP401",
    name="parallel-without-anchor",
    severity=Severity.ERROR,
    summary="A parallel entry point is called with workers that are not provably 1 and no anchor.",
    fix='Pass anchor=load_anchor(".autopack/anchor.yaml") (see docs/parallelism.md), or use workers=1.',
    doc=DOC,
)
INTERNAL_API = Rule(
    id="APP402",
    name="internal-parallel-api",
    severity=Severity.ERROR,
    summary="The private, unchecked parallel runner is used outside the module that owns it.",
    fix="Call the policy-checked execute_parallel(tasks, workers=..., anchor=...) instead.",
    doc=DOC,
)
RAW_POOL = Rule(
    id="APP403",
    name="raw-parallel-pool",
    severity=Severity.ERROR,
    summary="A raw thread or process pool with more than one worker bypasses the parallelism policy.",
    fix="Use autopack.parallel.execute_parallel(tasks, workers=N, anchor=...) or a single worker.",
    doc=DOC,
)


def owner_matcher(owner: str) -> Callable[[str], bool]:
    """A path, directory or dotted module → predicate on repo-relative paths. A directory also
    matches the module file of the same name (`a/b` matches `a/b/x.py` and `a/b.py`)."""
    value = owner.strip()
    if not value.strip("/"):
        return lambda _path: False
    if "/" not in value and not value.endswith(PYTHON_SUFFIXES):
        value = value.replace(".", "/")
    prefix = "" if value.startswith("/") else "(?:.*/)?"
    value = value.strip("/")
    tail = "" if value.endswith(PYTHON_SUFFIXES) else r"(?:\.pyi?|/.*)"
    pattern = re.compile(f"{prefix}{re.escape(value)}{tail}", re.DOTALL)
    return lambda path: pattern.fullmatch(path) is not None


def _last_components(names: Iterable[str]) -> frozenset[str]:
    """Names as calls spell them: `autopack.parallel.execute_parallel` is matched as `execute_parallel`."""
    return frozenset(name.strip().rpartition(".")[2] for name in names if name.strip())


def _shortest_needles(names: Iterable[str]) -> tuple[str, ...]:
    """The substrings that prove a file may matter: a name containing another needs no test of
    its own (`execute_parallel` covers `execute_parallel_runs` and `_execute_parallel_internal`)."""
    unique = set(names)
    return tuple(sorted(n for n in unique if not any(other != n and other in n for other in unique)))


class Lint:
    """The settings, compiled once per run."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.entry_points = _last_components(settings["entry-points"])
        self.serial = _last_components(settings["serial-by-default"])
        self.internals = _last_components(settings["internal-names"])
        self.names = self.entry_points | self.internals
        self.owner = f"`{settings['owner']}`"
        self.is_owned = owner_matcher(settings["owner"])
        self.in_pool_paths = compile_globs(settings["raw-pool-paths"])
        self.needles = _shortest_needles(self.names)
        self.pool_needles = _shortest_needles({*self.names, "Pool"})
        self.project: ProjectPools | None = None  # the project's own pool subclasses, when a run gives its files
        self.context: CheckContext | None = None  # the run, for what the project defines (`ProjectDefinitions`)
        self.definitions: ProjectDefinitions | None = None  # made on first need

    def scan(self, source: SourceFile) -> list[Finding]:
        pools = self.in_pool_paths(source.path)
        text = source.text
        # in raw-pool paths of a whole run every file is parsed: a pool subclass imported from the
        # project (`Farm(max_workers=4)`) need not mention any pool name
        if not (pools and self.project is not None) and not any(needle in text for needle in (self.pool_needles if pools else self.needles)):
            return []
        if not _is_python(source):
            return []
        from autopack.parallel.syntax import scan_file  # ast, for a file that mentions a name

        owned = self.is_owned(source.path)
        return scan_file(self, source, owned, pools and not owned)

    def unparsable(self, source: SourceFile, problem: str, line: int | None, column: int | None) -> Finding:
        lines = source.lines
        return UNPARSABLE.finding(
            source.path,
            f"cannot parse as Python ({problem}), so the parallelism lint cannot check it",
            line=line or 1,
            column=column,
            line_text=lines[line - 1] if line and 0 < line <= len(lines) else "",
        )


def check(context: CheckContext) -> Iterable[Finding]:
    lint = Lint(context.settings)
    lint.context = context
    if context.settings["raw-pool-paths"]:
        from autopack.parallel.syntax import ProjectPools

        lint.project = ProjectPools(lint, context)
    for source in context.files:
        yield from lint.scan(source)


def wants(path: str, _settings: dict[str, Any]) -> bool:
    """Python files by suffix, and extensionless scripts (kept only with a python shebang)."""
    return path.endswith(PYTHON_SUFFIXES) or "." not in path.rpartition("/")[2]


def _is_python(source: SourceFile) -> bool:
    if source.path.endswith(PYTHON_SUFFIXES):
        return True
    first_line = source.text[:200].partition("\n")[0]
    return first_line.startswith("#!") and "python" in first_line


ENFORCEMENT = Enforcement(
    name="parallelism",
    hook_id="parallel-lint",
    rules=(UNPARSABLE, PARALLEL_WITHOUT_ANCHOR, INTERNAL_API, RAW_POOL),
    settings=SETTINGS,
    check=check,
    wants=wants,
)


def main(argv: Sequence[str] | None = None) -> int:
    return engine.run(
        ["parallelism"],
        argv,
        prog="autopack-parallel-lint",
        description="Flag parallel execution without an anchor and uses of the unchecked internal runner.",
    )


if __name__ == "__main__":
    raise SystemExit(main())
