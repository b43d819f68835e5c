"""Benchmark: the autopilot's workspace digest and a whole read-only session on a Django-sized
repository (~7k files).

    python bench/autopilot_bench.py [--repeat N]

Builds bench/.work/autopilot/django once: Django's sdist (downloaded from PyPI into bench/.work
when no other bench has fetched it) committed into a fresh git repository. Then prints, side by
side (wall clock, median of N whole-process runs):

  python -c pass                         the interpreter floor
  git status --porcelain=v2 -z           the goal: `autopack digest` within 2x of this
  autopack digest                        clean tree, then with 200 files modified; from the
                                         project's editable install and from a regular install
                                         (bench/.work/autopilot/venv: the editable finder costs
                                         every interpreter start ~15 ms)
  autopack-autopilot (read-only)         a whole session: scan, plan, checks, artifacts;
                                         time and peak RSS (resource.getrusage of children)

Nothing here runs in CI.
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
WORK = BENCH / ".work"
PEERS = BENCH / ".venv"
BIN = BENCH.parent / ".venv" / "bin"
REPO = WORK / "autopilot" / "django"
REGULAR = WORK / "autopilot" / "venv"  # autopack installed as users get it (not editable)
MODIFIED = 200
TIMEOUT = 1800
GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(command, cwd=cwd, capture_output=True, timeout=TIMEOUT, check=False,
                          env={**os.environ, **GIT_ENV})


def django_sdist() -> Path:
    """Django's sdist archive, downloaded with pip into bench/.work/downloads when missing."""
    archives = sorted(WORK.glob("*/[Dd]jango-*.tar.gz"))
    if archives:
        return archives[-1]
    if not (PEERS / "bin" / "pip").exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS)], check=True, timeout=300)
    downloads = WORK / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    result = run([str(PEERS / "bin" / "pip"), "download", "--no-deps", "--no-binary", ":all:", "django", "-d",
                  str(downloads)], BENCH)
    if result.returncode != 0:
        raise SystemExit(f"cannot download Django's sdist: {result.stderr.decode()[-500:]}")
    return max(downloads.glob("[Dd]jango-*.tar.gz"))


def ensure_repo() -> Path:
    """Django's source committed into a git repository (a clean checkout, as users have)."""
    if (REPO / ".git").exists():
        return REPO
    archive = django_sdist()
    staging = WORK / "autopilot" / "staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with tarfile.open(archive) as tar:
        tar.extractall(staging, filter="data")
    shutil.rmtree(REPO, ignore_errors=True)
    next(staging.iterdir()).rename(REPO)
    shutil.rmtree(staging)
    for command in (["git", "init", "-q", "-b", "main"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "django"]):
        result = run(command, REPO)
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed: {result.stderr.decode()[-300:]}")
    return REPO


def regular_install() -> Path | None:
    """bin/ of a venv with autopack installed from this checkout as a regular (non-editable) package."""
    pip = REGULAR / "bin" / "pip"
    if not pip.exists():
        subprocess.run([sys.executable, "-m", "venv", str(REGULAR)], check=True, timeout=300)
    # reinstalled on every bench run, so it measures the code of this checkout
    result = run([str(pip), "install", "-q", "--force-reinstall", str(BENCH.parent)], BENCH)
    if result.returncode != 0:
        print(f"note: no regular install: {result.stderr.decode()[-300:]}")
        return None
    return pip.parent


def median_time(command: list[str], cwd: Path, repeat: int) -> tuple[float, float]:
    """(median, fastest) wall time of `repeat` runs: the fastest shows the cost on a quiet machine."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = run(command, cwd)
        times.append(time.perf_counter() - start)
        if result.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(command)}: exit {result.returncode}: {result.stderr.decode()[-300:]}")
    return statistics.median(times), min(times)


def session(cwd: Path) -> tuple[float, float, int]:
    """One whole session in a helper process: wall time, peak RSS (MiB) of it and its children, exit."""
    helper = (
        "import resource, subprocess, sys\n"
        "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)\n"
    )
    start = time.perf_counter()
    result = run([sys.executable, "-c", helper, str(BIN / "autopack-autopilot")], cwd)
    elapsed = time.perf_counter() - start
    peak_kib, code = result.stdout.split()
    return elapsed, int(peak_kib) / 1024, int(code)


def modify(repo: Path, count: int) -> None:
    listed = run(["git", "ls-files", "-z", "--", "*.py"], repo).stdout.decode().split("\0")
    for path in sorted(filter(None, listed))[:count]:
        with open(repo / path, "a", encoding="utf-8") as handle:
            handle.write("# bench\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    repo = ensure_repo()
    files = len(run(["git", "ls-files", "-z"], repo).stdout.split(b"\0")) - 1
    run(["git", "checkout", "-q", "--", "."], repo)
    run(["git", "status", "-q"], repo)  # refresh the index once so both sides start warm
    print(f"repository: {repo} ({files} files)\n")
    floor = median_time([sys.executable, "-c", "pass"], repo, args.repeat)
    status = median_time(["git", "status", "--porcelain=v2", "-z"], repo, args.repeat)
    digest = median_time([str(BIN / "autopack"), "digest"], repo, args.repeat)
    regular = regular_install()
    digest_regular = median_time([str(regular / "autopack"), "digest"], repo, args.repeat) if regular else None
    floor_regular = median_time([str(regular / "python"), "-c", "pass"], repo, args.repeat) if regular else None
    modify(repo, MODIFIED)
    status_dirty = median_time(["git", "status", "--porcelain=v2", "-z"], repo, args.repeat)
    digest_dirty = median_time([str(BIN / "autopack"), "digest"], repo, args.repeat)
    run(["git", "checkout", "-q", "--", "."], repo)
    rows = [
        ("python -c pass", floor, ""),
        ("git status --porcelain=v2 -z (clean)", status, ""),
        ("autopack digest (clean)", digest, f"{digest[0] / status[0]:.2f}x git status (fastest: {digest[1] / status[1]:.2f}x)"),
        *([("python -c pass (regular install's venv)", floor_regular, "")] if floor_regular else []),
        *([("autopack digest (clean, regular install)", digest_regular,
            f"{digest_regular[0] / status[0]:.2f}x git status (fastest: {digest_regular[1] / status[1]:.2f}x)")]
          if digest_regular else []),
        (f"git status --porcelain=v2 -z ({MODIFIED} modified)", status_dirty, ""),
        (f"autopack digest ({MODIFIED} modified)", digest_dirty,
         f"{digest_dirty[0] / status_dirty[0]:.2f}x git status (fastest: {digest_dirty[1] / status_dirty[1]:.2f}x)"),
    ]
    print(f"  {'':<46} {'median':>10} {'fastest':>10}")
    for label, (median, fastest), note in rows:
        print(f"  {label:<46} {median * 1000:7.1f} ms {fastest * 1000:7.1f} ms  {note}")
    print()
    for state in ("first", "second"):
        elapsed, peak, code = session(repo)
        print(f"  autopack-autopilot session ({state} run)        {elapsed:8.2f} s   peak RSS {peak:.0f} MiB, exit {code}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
