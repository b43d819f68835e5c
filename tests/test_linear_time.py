"""Linear time on hostile input: every regular expression of the package, and every parser entry,
fed adversarial text (long runs of spaces, tabs, brackets, `#`, quotes, `=`, repeated headings,
one long line) stays within 1 s of CPU per 100 KB.

A backtracking pattern is quadratic or worse, so 5 KB is enough to expose it (a quadratic pattern
spends ~10^7 steps there, several times the budget) while the whole sweep takes seconds. CPU
time, not wall time, is measured and bounded (an interval timer interrupts a runaway match), so a
loaded machine does not make the test flaky and a catastrophic pattern cannot hang it.
"""

from __future__ import annotations

import gc
import importlib
import inspect
import pkgutil
import re
import resource
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import autopack
from autopack.commands import parse_argv
from autopack.config import load_config
from autopack.debug_guard import SETTINGS, scan
from autopack.doc_drift.markdown import markdown_parser, parse_document
from autopack.engine import read_baseline
from autopack.files import GlobError, compile_globs, decode_text
from autopack.findings import ConfigError
from autopack.parallel.lint import SETTINGS as LINT_SETTINGS
from autopack.parallel.lint import Lint
from autopack.yamldoc import YamlProblem, parse
from tests.conftest import run_script

SIZE = 5_000
BUDGET = SIZE / 100_000  # seconds of CPU: 1 s per 100 KB
PUMPS = (" ", "\t", "a", "0", "[", "]", "#", '"', "'", "=", "-", ".", "/", ":", "\\", "{", "(", "*", "`", "<", ",", ";",
         "$", "# a\n", "a ", " a", "a=", "[ ", "- ", "\n", " \n", "a.")
ENDINGS = ("", "\0")


def _module_patterns() -> Iterator[tuple[str, re.Pattern[str], bool]]:
    """(name, compiled pattern, anchored) for every pattern held at module level or in a class of
    the package, directly or in a tuple, list, set or dict; lazily compiled patterns included.
    `anchored`: the module only ever calls it with `fullmatch` or `match` (one start position),
    so only those are probed; any other use (search, finditer, sub, passing it on) probes every
    start position."""
    seen: dict[tuple[str, int], bool] = {}

    def visit(obj: Any, where: str, depth: int, anchored: bool) -> Iterator[tuple[str, re.Pattern[str], bool]]:
        compiled = _as_pattern(obj)
        if compiled is not None:
            key = (compiled.pattern, compiled.flags)
            if key not in seen or (seen[key] and not anchored):
                seen[key] = anchored
                yield where, compiled, anchored
        elif depth < 3 and isinstance(obj, (tuple, list, set, frozenset)):
            for index, item in enumerate(obj):
                yield from visit(item, f"{where}[{index}]", depth + 1, False)
        elif depth < 3 and isinstance(obj, dict):
            for key, item in obj.items():
                yield from visit(item, f"{where}[{key!r}]", depth + 1, False)
        elif depth == 0 and isinstance(obj, type):
            for key, item in vars(obj).items():
                yield from visit(item, f"{where}.{key}", depth + 1, False)

    for info in pkgutil.walk_packages(autopack.__path__, "autopack."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        source = inspect.getsource(module)
        for name, value in vars(module).items():
            if isinstance(value, type) and value.__module__ != module.__name__:
                continue
            uses = re.findall(rf"\b{re.escape(name)}\b(?!\s*=[^=])(\.\w+)?", source)
            anchored = bool(uses) and all(use in (".fullmatch", ".match") for use in uses)
            yield from visit(value, f"{info.name}.{name}", 0, anchored)


def _as_pattern(obj: Any) -> re.Pattern[str] | None:
    if isinstance(obj, re.Pattern):
        return obj if isinstance(obj.pattern, str) else None
    if type(obj).__name__.endswith("Pattern") and not isinstance(obj, type):  # a lazily compiled pattern
        source = getattr(obj, "pattern", None)
        return re.compile(source, obj.flags) if isinstance(source, str) else None
    return None


PATTERNS = {name: (pattern, anchored) for name, pattern, anchored in _module_patterns()}


def _prefixes(pattern: str) -> list[str]:
    """Texts that lead a match into the pattern's repeated parts: nothing, the first words and
    punctuation the pattern spells literally (`case`, `DEBUG`, `[`, `{{`), and those literals
    run together in order (`path=`), which reaches the parts after them."""
    words = [w.replace("\\", "") for w in re.findall(r"(?<![\\?(<])[A-Za-z_]{2,}|\\[\[\]{}()#$.*+?|]|[=:;,#@%&!~'\"<>-]", pattern)]
    joined = ["".join(words[: n + 1]) for n in range(1, min(len(words), 4))]
    return list(dict.fromkeys(["", *words[:6], *joined]))


class TooSlow(Exception):
    pass


def _raise(signum: int, frame: Any) -> None:
    raise TooSlow


@contextmanager
def cpu_budget(seconds: float) -> Iterator[None]:
    """Interrupt the block after `seconds` of this process's CPU time (SIGPROF)."""
    previous = signal.signal(signal.SIGPROF, _raise)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def too_slow(run: Callable[[], object], budget: float = BUDGET) -> float | None:
    """CPU seconds `run` took when over `budget`, else None. The cyclic collector is off while it
    runs (as timeit does): late in a long test session a full collection of the session's heap
    inside one probe costs more than the budget, and says nothing about the code probed."""
    gc.disable()
    started = time.process_time()
    try:
        with cpu_budget(budget * 4):
            run()
    except TooSlow:
        pass
    finally:
        gc.enable()
    spent = time.process_time() - started
    return spent if spent > budget else None


def _consume(pattern: re.Pattern[str], text: str, anchored: bool) -> None:
    if not anchored:
        for _ in pattern.finditer(text):
            pass
    pattern.match(text)
    pattern.fullmatch(text)


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_every_regex_is_linear_on_hostile_input(name: str) -> None:
    pattern, anchored = PATTERNS[name]
    slow = []
    for prefix in _prefixes(pattern.pattern):
        for pump in PUMPS:
            body = prefix + pump * (SIZE // len(pump))
            for ending in ENDINGS:
                text = body + ending
                spent = too_slow(lambda: _consume(pattern, text, anchored))
                if spent is not None:
                    slow.append(f"{prefix!r} + {pump!r} * {SIZE // len(pump)} + {ending!r}: {spent:.2f} s")
                    break
    assert not slow, f"{name} = {pattern.pattern!r} is not linear:\n" + "\n".join(slow[:10])


def test_the_sweep_finds_the_package_patterns() -> None:
    assert len(PATTERNS) >= 30
    assert any(name.startswith("autopack.debug_guard.") for name in PATTERNS)
    assert too_slow(lambda: _consume(re.compile(r"^(\s*\[\s*)*x"), "[" + " " * SIZE, True)) is not None  # the probe itself works
    assert PATTERNS["autopack.doc_drift.slugs._NUMBERED"][1] and not PATTERNS["autopack.engine._IGNORE"][1]


# --- parser entry points ------------------------------------------------------------------------

DEBUG_GUARD_DEFAULTS = {"enabled": True, **{key: setting.default for key, setting in SETTINGS.items()}}
# One production file of each format the guard reads, with the starts of lines that lead into
# its readers (section headers, keys, shell conditions, list items, template actions).
PRODUCTION_FILES = {
    ".env.production": ("", "DEBUG=", "export ", "# "),
    "config/app.prod.ini": ("", "[", "debug = ", "; "),
    "config/app.prod.toml": ("", "[", "debug = ", 'x = "'),
    "k8s/prod/deploy.yaml": ("", "- ", "env:\n  - name: DEBUG\n    value: ", "a: {", "debug: "),
    "appsettings.Production.json": ("", '{"', '{"DEBUG": '),
    "Dockerfile.prod": ("", "ENV ", "RUN ", "FROM x AS "),
    "deploy/prod/run.sh": ("", "case ", "if [ ", "DEBUG="),
    "settings/production.py": ("", "DEBUG = ", "if "),
    "config/production.php": ("", "<?php define('", "<?php "),
    "application-prod.properties": ("", "debug=", "spring."),
    "web.prod.config": ("", "<compilation ", "<"),
    "charts/templates/prod.yaml": ("", "{{ ", "{{- if "),
}


def _scan(path: str, text: str) -> None:
    scan(decode_text(path, text.encode("utf-8", "surrogatepass")), DEBUG_GUARD_DEFAULTS)


@pytest.mark.parametrize("path", sorted(PRODUCTION_FILES))
def test_debug_guard_readers_are_linear_on_hostile_files(path: str) -> None:
    slow = []
    for prefix in PRODUCTION_FILES[path]:
        for pump in PUMPS:
            text = prefix + pump * (SIZE // len(pump))
            spent = too_slow(lambda: _scan(path, text), BUDGET * 4)  # a file goes through several readers
            if spent is not None:
                slow.append(f"{prefix!r} + {pump!r} * {SIZE // len(pump)}: {spent:.2f} s")
    assert not slow, "\n".join(slow)


def test_markdown_reader_is_linear_on_hostile_documents() -> None:
    parser = markdown_parser()
    slow = []
    for prefix in ("", "# ", "[a](", "```sh\n", "<a href=\""):
        for pump in PUMPS:
            text = prefix + pump * (SIZE // len(pump))
            spent = too_slow(lambda: parse_document(parser, decode_text("docs/x.md", text.encode("utf-8"))), BUDGET * 4)
            if spent is not None:
                slow.append(f"{prefix!r} + {pump!r} * {SIZE // len(pump)}: {spent:.2f} s")
    assert not slow, "\n".join(slow)


def _load_config_text(directory: Path, text: str) -> None:
    (directory / ".autopack.toml").write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_config(directory)
    except ConfigError:
        pass


def _read_baseline_text(directory: Path, text: str) -> None:
    (directory / "baseline.json").write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        read_baseline(directory / "baseline.json")
    except ConfigError:
        pass


def _parse_yaml(text: str) -> None:
    try:
        parse(text)
    except YamlProblem:
        pass


def _parse_argv(text: str) -> None:
    try:
        parse_argv(text)
    except ValueError:
        pass


def _match_globs(text: str) -> None:
    """A glob is short (its first 300 characters here); the paths it is matched against are long."""
    glob = text[:300]
    try:
        matcher = compile_globs([glob, f"**/{glob}/**"])
    except GlobError:
        return
    matcher("/".join(["a"] * 1_000))
    matcher("a" * SIZE)


PARSER_ENTRIES: dict[str, tuple[tuple[str, ...], Callable[[Path, str], None]]] = {
    "configuration (TOML)": (("", "a = ", "[", 'a = "', "a = [", "[debug-guard]\nproduction-globs = ["), _load_config_text),
    "baseline (JSON)": (("", '{"findings": [', "[", '{"'), _read_baseline_text),
    "catalog and anchor (YAML)": (("", "a: ", "- ", "a: [", "a: {", "a: |\n  ", "&a "), lambda _d, t: _parse_yaml(t)),
    "parallel lint (Python)": (("", "execute_parallel(", "x = ", "def f(", '"""'), lambda _d, t: Lint(LINT_DEFAULTS).scan(decode_text("jobs.py", t.encode("utf-8", "surrogatepass")))),
    "configured command lines": (("", "python ", "'", '"'), lambda _d, t: _parse_argv(t)),
    "globs": (("", "*", "**/", "[", "a*"), lambda _d, t: _match_globs(t)),
}
LINT_DEFAULTS = {key: setting.default for key, setting in LINT_SETTINGS.items()}


@pytest.mark.parametrize("entry", sorted(PARSER_ENTRIES))
def test_parser_entries_are_linear_on_hostile_input(tmp_path: Path, entry: str) -> None:
    prefixes, parse_text = PARSER_ENTRIES[entry]
    slow = []
    for prefix in prefixes:
        for pump in PUMPS:
            text = prefix + pump * (SIZE // len(pump))
            spent = too_slow(lambda: parse_text(tmp_path, text), BUDGET * 4)
            if spent is not None:
                slow.append(f"{prefix!r} + {pump!r} * {SIZE // len(pump)}: {spent:.2f} s")
    assert not slow, "\n".join(slow)


# --- the rows a security review measured, end to end ---------------------------------------------

# Each file also mentions debug, which sends it through the guard's line readers.
KNOWN_ROWS = {
    "'[' and 2,000 spaces in a production .ini (65 s)": ("config/app.prod.ini", "[" + " " * 2_000 + "\ndebug = true\n"),
    "'case' and 4,000 spaces in a production script (115 s)": ("deploy/prod/run.sh", "case" + " " * 4_000 + "\nDEBUG=1\n"),
    "a 48 KB TOML line (40 s)": ("config/app.prod.toml", "a" * 48_000 + "\ndebug = true\n"),
    "server names and near-miss flags repeated on a 98 KB command line": ("Procfile", "web: " + "gunicorn node --reloadx --inspectx " * 2_800 + "\n"),
    "10,000 '# a' headings in Markdown (34 s)": ("docs/many.md", "# a\n" * 10_000),
}


@pytest.fixture(scope="module")
def startup_cpu(tmp_path_factory: pytest.TempPathFactory) -> float:
    """CPU seconds `autopack check --all-files` spends on an empty directory."""
    empty = tmp_path_factory.mktemp("empty")
    return _child_cpu(lambda: run_script("autopack", "check", "--all-files", cwd=empty))


@pytest.mark.parametrize("path, text", KNOWN_ROWS.values(), ids=KNOWN_ROWS.keys())
def test_known_slow_inputs_check_in_linear_time(tmp_path: Path, startup_cpu: float, path: str, text: str) -> None:
    """`autopack check --all-files` on the file alone: within 1 s of CPU per 100 KB, plus the
    start-up a check of an empty directory costs."""
    baseline = startup_cpu
    target = tmp_path / "repo" / path
    target.parent.mkdir(parents=True)
    target.write_text(text, encoding="utf-8")
    spent = _child_cpu(lambda: run_script("autopack", "check", "--all-files", cwd=tmp_path / "repo", timeout=300))
    assert spent - baseline < 1.0 * len(text) / 100_000 + 0.5, f"{spent - baseline:.2f} s of CPU for {len(text)} bytes"


def _child_cpu(run: Callable[[], object]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = run()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert "Traceback" not in getattr(result, "stderr", "")
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
