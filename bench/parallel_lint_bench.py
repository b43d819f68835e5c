"""Benchmark: autopack-parallel-lint over Django's source, side by side with peer tools.

    bench/.venv/bin/python bench/parallel_lint_bench.py [--rounds N]

Downloads Django's sdist from PyPI into bench/.work (once), makes it a git repository (as a user's
checkout would be), then times, as whole processes (wall clock, median of N interleaved rounds):

  autopack-parallel-lint --all-files       the hook as pre-commit runs it (defaults)
  ... with APP403 on for every file         raw-pool-paths = ["**"]: more files need a parse
  ast.parse of every file                   what the lint would cost without its substring test
  ruff check --select S --no-cache          the speed goal
  bandit -r                                 a Python AST security linter
  semgrep with a local rule                 a pattern engine (offline: --metrics=off)

Peer tools live in bench/.venv (created here when missing). Nothing here runs in CI.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / ".work"
PEERS = BENCH / ".venv"
PROJECT_PYTHON = REPO / ".venv" / "bin" / "python"
LINT = REPO / ".venv" / "bin" / "autopack-parallel-lint"
PEER_PACKAGES = ("ruff", "bandit", "semgrep")
RUFF = "ruff check --select S --no-cache"
SEMGREP_OFFLINE = ("--metrics=off", "--disable-version-check")
SLOW_SECONDS = 10.0  # a tool slower than this on its first run is timed once
TIMEOUT = 1800

PARSE_ALL = """
import ast, os, sys, warnings
warnings.simplefilter("ignore")
count = 0
for folder, dirs, names in os.walk(sys.argv[1]):
    dirs[:] = [d for d in dirs if d != ".git"]
    for name in names:
        if name.endswith(".py"):
            with open(os.path.join(folder, name), "rb") as handle:
                source = handle.read()
            try:
                ast.parse(source)
            except (SyntaxError, ValueError):
                pass
            count += 1
print(count)
"""

SEMGREP_RULE = """\
rules:
  - id: parallel-without-anchor
    languages: [python]
    severity: ERROR
    message: parallel execution without an anchor
    patterns:
      - pattern-either:
          - pattern: execute_parallel(..., workers=$W, ...)
          - pattern: $OBJ.execute_parallel(..., workers=$W, ...)
      - pattern-not: execute_parallel(..., anchor=$A, ...)
      - pattern-not: $OBJ.execute_parallel(..., anchor=$A, ...)
      - pattern-not: execute_parallel(..., workers=1, ...)
  - id: internal-parallel-api
    languages: [python]
    severity: ERROR
    message: private unchecked parallel runner
    pattern-either:
      - pattern: _execute_parallel_internal(...)
      - pattern: $OBJ._execute_parallel_internal(...)
"""


def run(command: list[str], cwd: Path, timeout: float = TIMEOUT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)


def ensure_peers() -> None:
    if not (PEERS / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS)], check=True, timeout=300)
    missing = [name for name in PEER_PACKAGES if not (PEERS / "bin" / name).exists()]
    if missing:
        result = run([str(PEERS / "bin" / "pip"), "install", "-q", *missing], BENCH)
        if result.returncode != 0:
            print(f"note: could not install {' '.join(missing)}: {result.stderr.strip()[-300:]}")


def ensure_django() -> Path:
    """The unpacked sdist, as a git repository with every file untracked (git ls-files sees it)."""
    sources = sorted(p for p in WORK.glob("[Dd]jango-*") if p.is_dir())
    if not sources:
        downloads = WORK / "downloads"
        downloads.mkdir(parents=True, exist_ok=True)
        pip = PEERS / "bin" / "pip"
        result = run([str(pip), "download", "--no-deps", "--no-binary", ":all:", "django", "-d", str(downloads)], BENCH)
        if result.returncode != 0:
            raise SystemExit(f"cannot download Django's sdist: {result.stderr.strip()[-500:]}")
        archive = max(downloads.glob("[Dd]jango-*.tar.gz"))
        with tarfile.open(archive) as tar:
            tar.extractall(WORK, filter="data")
        sources = sorted(p for p in WORK.glob("[Dd]jango-*") if p.is_dir())
    source = sources[-1]
    if not (source / ".git").exists():
        run(["git", "init", "-q", "-b", "main"], source)
    return source


def time_once(command: list[str], cwd: Path) -> float | str:
    """Wall seconds of one run, or why there is no figure."""
    if not Path(command[0]).exists():
        return f"not installed ({command[0]})"
    start = time.perf_counter()
    try:
        result = run(command, cwd)
    except subprocess.TimeoutExpired:
        return f"timed out after {TIMEOUT}s"
    if result.returncode not in (0, 1):  # 1 means findings
        return f"exit {result.returncode}: {(result.stderr or result.stdout).strip()[-200:]}"
    return time.perf_counter() - start


Tools = list[tuple[str, list[str]]]


def measure(tools: Tools, cwd: Path, rounds: int) -> tuple[dict[str, list[float]], dict[str, str]]:
    """Wall times per tool, round by round, and why a tool has none. Rounds are interleaved (every
    tool once per round), so a busy machine slows all tools alike; a tool slower than SLOW_SECONDS
    runs in the first round only."""
    times: dict[str, list[float]] = {name: [] for name, _ in tools}
    failures: dict[str, str] = {}
    for round_number in range(1, rounds + 1):
        for name, command in tools:
            if name in failures or (times[name] and times[name][0] > SLOW_SECONDS):
                continue
            outcome = time_once(command, cwd)
            if isinstance(outcome, str):
                failures[name] = outcome
            else:
                times[name].append(outcome)
            shown = outcome if isinstance(outcome, str) else f"{outcome:.3f}s"
            print(f"  round {round_number}: {name}: {shown}", flush=True)
    return times, failures


def lint_coverage(source: Path) -> tuple[int, int, int]:
    """(Python files, files the lint parses with the default settings, and with APP403 on)."""
    code = (
        "import sys; from pathlib import Path\n"
        "from autopack.files import SourceFile\n"
        "from autopack.parallel.lint import SETTINGS, Lint\n"
        "lint = Lint({k: s.default for k, s in SETTINGS.items()})\n"
        "files = [p for p in Path(sys.argv[1]).rglob('*.py') if '.git' not in p.parts]\n"
        "texts = [p.read_text('utf-8', 'replace') for p in files]\n"
        "parsed = sum(any(n in t for n in lint.needles) for t in texts)\n"
        "with_pools = sum(any(n in t for n in lint.pool_needles) for t in texts)\n"
        "print(len(files), parsed, with_pools)\n"
    )
    output = run([str(PROJECT_PYTHON), "-c", code, str(source)], REPO).stdout.split()
    return int(output[0]), int(output[1]), int(output[2])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="runs per tool (the median is reported)")
    args = parser.parse_args()
    ensure_peers()
    source = ensure_django()
    pool_config = WORK / "parallel-all-pools.toml"
    pool_config.write_text('[parallelism]\nraw-pool-paths = ["**"]\n', encoding="utf-8")
    semgrep_rule = WORK / "parallel.semgrep.yaml"
    semgrep_rule.write_text(SEMGREP_RULE, encoding="utf-8")
    python_files, parsed, parsed_with_pools = lint_coverage(source)
    print(
        f"target: {source.name}, {python_files} Python files; the lint parses {parsed} of them by default, "
        f"{parsed_with_pools} with APP403 on everywhere"
    )
    print(
        f"cpus: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}, rounds: {args.rounds} "
        f"(median wall time; tools over {SLOW_SECONDS:.0f}s run once)\n"
    )

    peer = PEERS / "bin"
    tools: Tools = [
        ("autopack-parallel-lint --all-files", [str(LINT), "--all-files"]),
        ("autopack-parallel-lint, APP403 on everywhere", [str(LINT), "--all-files", "--config", str(pool_config)]),
        ("python: ast.parse every file", [str(PROJECT_PYTHON), "-c", PARSE_ALL, str(source)]),
        (RUFF, [str(peer / "ruff"), "check", "--select", "S", "--no-cache", "--quiet", "."]),
        ("bandit -r", [str(peer / "bandit"), "-r", ".", "-q", "-f", "json", "-o", os.devnull]),
        (
            "semgrep (local rule, offline)",
            [str(peer / "semgrep"), "scan", "--config", str(semgrep_rule), *SEMGREP_OFFLINE, "--quiet", "."],
        ),
    ]
    times, failures = measure(tools, source, args.rounds)
    results = [
        (name, statistics.median(times[name]), f"{len(times[name])} run(s)")
        if times[name]
        else (name, None, failures[name])
        for name, _ in tools
    ]

    ours = results[0][1]
    ruff = next(seconds for name, seconds, _ in results if name == RUFF)
    print(f"\n{'tool':<46} {'wall s':>8} {'÷ ruff':>8} {'÷ ours':>8}  note")
    for name, seconds, note in results:
        shown = f"{seconds:8.3f}" if seconds is not None else f"{'-':>8}"
        vs_ruff = f"{seconds / ruff:8.2f}" if seconds and ruff else f"{'-':>8}"
        vs_ours = f"{seconds / ours:8.2f}" if seconds and ours else f"{'-':>8}"
        print(f"{name:<46} {shown} {vs_ruff} {vs_ours}  {note}")
    if ours and ruff:
        verdict = "meets" if ours <= ruff else "misses"
        print(f"\ngoal (no slower than ruff's wall time): {verdict} ({ours:.3f}s vs {ruff:.3f}s)")
        paired = sorted(a / b for a, b in zip(times[tools[0][0]], times[RUFF], strict=False))
        middle = statistics.median(paired)
        print(f"ours ÷ ruff within each round: median {middle:.2f}, range {paired[0]:.2f}-{paired[-1]:.2f}")
    if shutil.which("git") is None:
        print("note: git not found; the lint walked the directory instead of `git ls-files`")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
