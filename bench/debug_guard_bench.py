"""Benchmark of the production DEBUG guard, printed side by side (medians of several runs).

(a) one hook call on one file vs `python -c pass`, `python -c "import yaml"` and
    pre-commit-hooks' `check-yaml` on the same file;
(b) a scan of a generated tree of production config files (mixed formats) vs `grep -rniE` for
    debug assignments, a bare Python read-and-regex loop over the same files,
    `ruff check --select S201`, `bandit -r` and `detect-secrets scan`;
(c) Django's sdist treated as production (`production-globs = ["**"]`: every file is read, the
    Python ones parsed where a line could decide) vs the bare loop and `ruff check --select S`,
    with the peak RSS of each (goal: within 2x the bare loop, memory bound by the largest file).

autopack runs from a regular install (`pip install`, not editable) of REF (default: the working
tree) made by bench/hooks_bench.py under bench/.work/hooks/; peers are installed into
bench/.venv (created on first run). Run from the repository root:
    python bench/debug_guard_bench.py [--ref REV] [--services 200] [--repeat 7] [--skip-django]
Never part of CI or the tests.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from hooks_bench import WORKTREE, django_repo, regular_install

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BENCH_VENV = HERE / ".venv"
WORK = HERE / ".work"
PEERS = ("pre-commit-hooks", "ruff", "bandit", "detect-secrets")
TIMEOUT = 600

DEBUG_ASSIGNMENT = r"""(^|[^A-Za-z0-9_])(DEBUG|[A-Z_]+_DEBUG)["']?[[:space:]]*[:=][[:space:]]*["']?(1|true|yes|on)\b"""
BARE_LOOP = r"""
import os, re, sys
pattern = re.compile(r'''(?:^|[^A-Za-z0-9_])(?:DEBUG|[A-Z_]+_DEBUG)["']?\s*[:=]\s*["']?(?:1|true|yes|on)\b''', re.I | re.M)
hits = 0
for directory, subdirs, names in os.walk(sys.argv[1]):
    subdirs[:] = [d for d in subdirs if d != ".git"]
    for name in names:
        with open(os.path.join(directory, name), "rb") as handle:
            text = handle.read().decode("utf-8", "replace")
        hits += len(pattern.findall(text))
print(hits)
"""


# --- the generated tree -------------------------------------------------------------------------


def _files_for(index: int) -> dict[str, str]:
    """One service's production files; every tenth service has debug enabled somewhere."""
    bad = index % 10 == 0
    flag = "true" if bad else "false"
    filler = "".join(f"# setting group {n}: tuned for service {index}\n" for n in range(8))
    return {
        ".env.production": f"APP_NAME=svc{index}\nLOG_LEVEL={'debug' if index % 3 else 'info'}\nDEBUG={'1' if bad else '0'}\nDATABASE_URL=postgres://db/svc{index}\n{filler}",
        "config/production.yaml": f"app:\n  name: svc{index}\n  debug: {flag}\nlogging:\n  level: INFO\nserver:\n  port: 8080\n  workers: 4\n{filler}",
        "k8s/overlays/prod/deployment.yaml": (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  template:\n    spec:\n"
            "      containers:\n        - name: web\n          image: registry/web:1.2.3\n          env:\n"
            f"            - name: DEBUG\n              value: \"{flag}\"\n            - name: PORT\n              value: \"8080\"\n{filler}"
        ),
        "values-production.yaml": f"replicaCount: 3\nimage:\n  tag: 1.2.3\nenv:\n  LOG_LEVEL: info\nresources:\n  limits:\n    cpu: 500m\n{filler}",
        "docker-compose.prod.yml": (
            f"services:\n  web:\n    image: svc{index}\n    command: gunicorn app.wsgi {'--reload' if bad else '--workers 4'}\n"
            f"    environment:\n      - NODE_ENV=production\n      - DEBUG={'1' if bad else '0'}\n{filler}"
        ),
        "Dockerfile.prod": f"FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nENV PORT=8080\nCMD [\"gunicorn\", \"app.wsgi\"]\n{filler}",
        "settings/prod.py": f"from .base import *  # noqa\n\nDEBUG = {'True' if bad else 'False'}\nALLOWED_HOSTS = ['svc{index}.example.com']\n{filler}",
        "application-prod.properties": f"server.port=8080\nspring.application.name=svc{index}\nlogging.level.root=INFO\n{filler}",
        "appsettings.Production.json": '{\n  "Logging": {"LogLevel": {"Default": "Warning"}},\n  "AllowedHosts": "*",\n  "DetailedErrors": ' + flag + "\n}\n",
        "config/environments/production.rb": f"Rails.application.configure do\n  config.eager_load = true\n  config.consider_all_requests_local = {flag}\n  config.log_level = :info\nend\n{filler}",
        "config/prod.toml": f"[server]\nport = 8080\nname = \"svc{index}\"\n\n[features]\nbeta = false\n{filler}",
        "deploy/prod/start.sh": f"#!/bin/sh\nset -eu\nexec gunicorn app.wsgi --bind 0.0.0.0:8080 --workers 4\n{filler}",
    }


def generate_tree(services: int) -> Path:
    tree = WORK / f"tree-{services}"
    if (tree / ".git").is_dir():
        return tree
    shutil.rmtree(tree, ignore_errors=True)
    for index in range(services):
        for relative, text in _files_for(index).items():
            path = tree / f"svc{index:04d}" / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@b", "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@b"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "tree"]):
        subprocess.run(["git", *args], cwd=tree, env=env, check=True, timeout=TIMEOUT)
    return tree


# --- peers --------------------------------------------------------------------------------------


def ensure_peers() -> Path:
    bin_dir = BENCH_VENV / "bin"
    if not (bin_dir / "detect-secrets").exists():
        print(f"installing peers into {BENCH_VENV} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True, timeout=TIMEOUT)
        subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", *PEERS], check=True, timeout=TIMEOUT)
    return bin_dir


# --- timing -------------------------------------------------------------------------------------


# As installed by pip or pre-commit: byte code is cached (this sandbox sets PYTHONDONTWRITEBYTECODE).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(command: Sequence[str], cwd: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system of the process and its children) and exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, timeout=TIMEOUT, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, completed.returncode


SLOW_SECONDS = 3.0  # a peer slower than this is timed 3 times, not `repeat` times


def table(title: str, rows: list[tuple[str, Sequence[str], Path]], baseline: str, repeat: int) -> tuple[dict[str, float], dict[str, float]]:
    """Runs every command in turn (round robin, after one warm-up each), so a busy machine slows
    all of them alike; prints median wall and CPU time and the ratio of wall medians. Returns the
    median wall and CPU seconds by name."""
    print(f"\n{title}")
    print(f"  median of {repeat} interleaved runs (3 for peers over {SLOW_SECONDS:.0f} s); ratio of wall medians to {baseline!r}")
    warm = {name: timed(command, cwd) for name, command, cwd in rows}
    samples: dict[str, list[tuple[float, float, int]]] = {name: [] for name, _, _ in rows}
    for round_number in range(repeat):
        for name, command, cwd in rows:
            if warm[name][0] > SLOW_SECONDS and round_number >= 3:
                continue
            samples[name].append(timed(command, cwd))
    walls = {name: statistics.median(s[0] for s in runs) for name, runs in samples.items()}
    print(f"  {'':<38} {'wall':>9}   {'cpu':>9}   {'ratio':>7}   exit")
    for name, runs in samples.items():
        cpu = statistics.median(s[1] for s in runs)
        print(f"  {name:<38} {walls[name] * 1000:6.1f} ms   {cpu * 1000:6.1f} ms   x{walls[name] / walls[baseline]:6.2f}   {runs[-1][2]}")
    return walls, {name: statistics.median(s[1] for s in runs) for name, runs in samples.items()}


def peak_rss_mib(command: Sequence[str], cwd: Path) -> float:
    """Peak resident memory of one run of `command` (its own wrapper process, so only its peak)."""
    code = "import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    completed = subprocess.run([sys.executable, "-c", code, *command], cwd=cwd, env=ENV, capture_output=True, text=True, timeout=TIMEOUT, check=True)
    return int(completed.stdout.split()[-1]) / 1024


def django_as_production(bin_dir: Path, peers: Path, repeat: int) -> None:
    """(c): every file of Django's sdist in production scope."""
    repo = django_repo(bin_dir / "pip")
    config = repo.parent / "all-production.toml"
    config.write_text('[debug-guard]\nproduction-globs = ["**"]\n', encoding="utf-8")
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=repo, capture_output=True, check=True, timeout=TIMEOUT).stdout
    paths = [repo / name for name in listed.decode("utf-8", "surrogateescape").split("\0") if name]
    largest = max(paths, key=lambda path: path.stat().st_size)
    megabytes = sum(path.stat().st_size for path in paths) / 1e6
    bare = [str(bin_dir / "python"), "-c", BARE_LOOP, str(repo)]
    guard = [str(bin_dir / "autopack-debug-guard"), "--all-files", "--config", str(config)]
    walls, cpus = table(
        f"(c) Django's sdist as production: {len(paths)} files, {megabytes:.0f} MB (production-globs = [\"**\"])",
        [
            ("bare python read+regex loop", bare, repo),
            ("autopack-debug-guard --all-files", guard, repo),
            ("ruff check --select S", [str(peers / "ruff"), "check", "--no-cache", "--select", "S", "--quiet", "."], repo),
        ],
        "bare python read+regex loop",
        repeat,
    )
    print(f"  peak RSS: bare loop {peak_rss_mib(bare, repo):.0f} MiB, autopack-debug-guard {peak_rss_mib(guard, repo):.0f} MiB "
          f"(largest file: {largest.relative_to(repo)}, {largest.stat().st_size / 1024:.0f} KiB)")  # fmt: skip
    guard_name, bare_name = "autopack-debug-guard --all-files", "bare python read+regex loop"
    print(f"  Django-as-production / bare python loop   x{walls[guard_name] / walls[bare_name]:.2f} wall, "
          f"x{cpus[guard_name] / cpus[bare_name]:.2f} CPU  (goal <= 2)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ref", default=WORKTREE, help="git revision of autopack to install and time (default: the working tree)")
    parser.add_argument("--services", type=int, default=200, help="services in the tree (12 files each; default 200 → 2,400 files)")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per command (default 7)")
    parser.add_argument("--skip-django", action="store_true", help="leave out (c), Django's sdist as production")
    args = parser.parse_args(argv)
    peers = ensure_peers()
    project_bin = regular_install(args.ref)
    tree = generate_tree(args.services)
    files = sum(1 for p in tree.rglob("*") if p.is_file() and ".git" not in p.parts)
    python = str(project_bin / "python")
    bad_file = tree / "svc0000" / "config" / "production.yaml"  # `debug: true`: parsed, yaml imported
    clean_file = tree / "svc0001" / "config" / "production.yaml"  # `debug: false`: decided without parsing
    one, _ = table(
        "(a) one hook call on one file (svc000N/config/production.yaml; check-yaml on the same file)",
        [
            ("python -c pass", [python, "-c", "pass"], tree),
            ('python -c "import yaml"', [python, "-c", "import yaml"], tree),
            ("check-yaml (pre-commit-hooks)", [str(peers / "check-yaml"), str(bad_file)], tree),
            ("autopack-debug-guard FILE", [str(project_bin / "autopack-debug-guard"), str(bad_file)], tree),
            ("autopack-debug-guard CLEAN-FILE", [str(project_bin / "autopack-debug-guard"), str(clean_file)], tree),
        ],
        "python -c pass",
        args.repeat * 2,
    )
    scan, _ = table(
        f"(b) tree scan: {files} production config files",
        [
            ("bare python read+regex loop", [python, "-c", BARE_LOOP, str(tree)], tree),
            ("grep -rniE debug assignments", ["grep", "-rniEc", "--exclude-dir=.git", DEBUG_ASSIGNMENT, "."], tree),
            ("autopack-debug-guard --all-files", [str(project_bin / "autopack-debug-guard"), "--all-files"], tree),
            ("ruff check --select S201", [str(peers / "ruff"), "check", "--no-cache", "--select", "S201", "."], tree),
            ("bandit -r", [str(peers / "bandit"), "-q", "-r", "."], tree),
            ("detect-secrets scan", [str(peers / "detect-secrets"), "scan", "--all-files", "."], tree),
        ],
        "bare python read+regex loop",
        args.repeat,
    )
    print("\nsummary")
    print(f"  hook call / python -c pass        x{one['autopack-debug-guard FILE'] / one['python -c pass']:.2f}  (goal <= 4; a YAML file with a finding: its parser floor is the import yaml row)")
    print(f"  hook call / python -c pass        x{one['autopack-debug-guard CLEAN-FILE'] / one['python -c pass']:.2f}  (goal <= 3; clean file)")
    print(f"  tree scan / bare python loop      x{scan['autopack-debug-guard --all-files'] / scan['bare python read+regex loop']:.2f}  (goal <= 2)")
    print(f"  tree scan / grep                  x{scan['autopack-debug-guard --all-files'] / scan['grep -rniE debug assignments']:.2f}")
    print(f"  tree scan / bandit                x{scan['autopack-debug-guard --all-files'] / scan['bandit -r']:.2f}")
    if not args.skip_django:
        django_as_production(project_bin, peers, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
