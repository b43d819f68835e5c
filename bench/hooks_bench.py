"""What autopack's hooks cost a commit, as users install them, side by side with their peers.

(a) Each hook once on one small file, clean and with a finding, as a ratio to `python -c pass`
    of the same interpreter, next to pre-commit-hooks' `check-yaml` and `ruff check` on one file.
    The goals: a clean run within 3x `python -c pass`, a run with a finding within 4x. The
    catalog and doc drift answer a repeat run from their cache; their finding scenario is also
    timed with `AUTOPACK_NO_CACHE=1`, as the first run after a change pays, beside that run's
    floor: the bare import and one parse of its parser (PyYAML, markdown-it-py).
(b) `pre-commit run --all-files` on Django's sdist as a git repository: autopack's four hooks
    vs the common pre-commit-hooks set (check-yaml, check-json, end-of-file-fixer,
    trailing-whitespace, check-ast), both as local hooks of the same virtual environment.

Usage: python bench/hooks_bench.py [--ref REV]... [--rounds 21] [--django-rounds 5] [--skip-django | --skip-one-file]

Each REV (default: the working tree, spelled `worktree`) is installed the way users get it -- a
regular `pip install`, not an editable one -- into its own fresh virtual environment under
bench/.work/hooks/ (git-ignored), with pre-commit, pre-commit-hooks and ruff beside it. Give two
refs (`--ref 7b51598 --ref worktree`) to print before and after in one table. Timings are paired:
every round runs each command once, in turn, so a busy machine slows them alike; a ratio is
taken within its round and the median over the rounds is printed, for wall time (the goals) and
for CPU time (steadier when other work shares the machine). Never part of CI or the tests.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / ".work" / "hooks"
PEERS = ("pre-commit", "pre-commit-hooks", "ruff")
WORKTREE = "worktree"
TIMEOUT = 1800
# As installed by pip or pre-commit: byte code is cached (some sandboxes set PYTHONDONTWRITEBYTECODE).
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
GIT_ENV = {
    **ENV,
    "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}  # fmt: skip
PRE_COMMIT_ENV = {**GIT_ENV, "PRE_COMMIT_HOME": str(WORK / "pre-commit-home")}
CLEAN_GOAL, FINDING_GOAL = 3.0, 4.0

MODELS = """\
model_aliases:
  haiku: claude-haiku-4-5
  sonnet: claude-sonnet-4-5
  opus: claude-opus-4-5
models:
  claude-haiku-4-5: {tier: haiku}
  claude-sonnet-4-5: {tier: sonnet}
  claude-opus-4-5: {tier: opus}
"""
PRICING = """\
anthropic:
  claude-haiku-4-5: {input_per_1k: 0.001, output_per_1k: 0.005}
  claude-sonnet-4-5: {input_per_1k: 0.003, output_per_1k: 0.015}
"""  # the opus line is added in the clean repository only
OPUS_PRICE = "  claude-opus-4-5: {input_per_1k: 0.005, output_per_1k: 0.025}\n"
# One repository per scenario, with a subject for every hook: (clean text, text with a finding).
SUBJECTS = {
    ".env.production": ("APP_NAME=shop\nDEBUG=false\n", "APP_NAME=shop\nDEBUG=true\n"),
    "jobs.py": (
        "def total(prices):\n    return sum(prices)\n",
        "from autopack.parallel import execute_parallel\n\nexecute_parallel(tasks, workers=4)\n",
    ),
    "README.md": ("# Shop\n\nSee [the jobs](jobs.py).\n", "# Shop\n\nSee [the jobs](old_jobs.py).\n"),
    "config/models.yaml": (MODELS, MODELS),
    "config/pricing.yaml": (PRICING + OPUS_PRICE, PRICING),
}
HOOKS = (  # (script, arguments); catalog and doc drift check their fixed set, as pre-commit runs them
    ("autopack-debug-guard", [".env.production"]),
    ("autopack-parallel-lint", ["jobs.py"]),
    ("autopack-catalog", []),
    ("autopack-doc-drift", []),
)
# Hooks whose repeat run on the same files answers from the cache (the catalog's verdict, doc
# drift's verdicts): the table times their finding scenario with the cache off as well.
REMEMBERING = ("autopack-catalog", "autopack-doc-drift")
PARSER_FLOORS = {
    "yaml": "import argparse, yaml; argparse.ArgumentParser().parse_args([]); yaml.load('a: {b: 1}', Loader=yaml.CSafeLoader)",
    "markdown_it": "import argparse, markdown_it; argparse.ArgumentParser().parse_args([]); markdown_it.MarkdownIt('commonmark').parse('# a\\n\\n[b](c.md)\\n')",
}
# pre-commit-hooks' common set: (id, console script, types) as in its .pre-commit-hooks.yaml.
COMMON_SET = (
    ("check-yaml", "check-yaml", ["yaml"]),
    ("check-json", "check-json", ["json"]),
    ("end-of-file-fixer", "end-of-file-fixer", ["text"]),
    ("trailing-whitespace", "trailing-whitespace-fixer", ["text"]),
    ("check-ast", "check-ast", ["python"]),
)


def run(argv: list[str], cwd: Path, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(argv, cwd=cwd, env=GIT_ENV, check=True, capture_output=True, timeout=TIMEOUT, **kwargs)


# --- regular installs ---------------------------------------------------------------------------


def _copy_worktree(target: Path) -> None:
    """The working tree's files as git would commit them (tracked and untracked, not ignored)."""
    listing = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], ROOT).stdout
    for name in filter(None, listing.decode("utf-8", "surrogateescape").split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def _export(ref: str, target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    if ref == WORKTREE:
        _copy_worktree(target)
        return
    archive = run(["git", "archive", "--format=tar", ref], ROOT).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")


def regular_install(ref: str) -> Path:
    """The bin directory of a fresh virtual environment holding autopack at `ref`, installed with
    a plain `pip install` (what users get), and the peer tools."""
    label = ref if ref == WORKTREE else run(["git", "rev-parse", "--short", ref], ROOT).stdout.decode().strip()
    venv = WORK / f"venv-{label}"
    bin_dir = venv / "bin"
    if not (bin_dir / "ruff").exists():
        print(f"creating {venv} ...", file=sys.stderr, flush=True)
        shutil.rmtree(venv, ignore_errors=True)
        run([sys.executable, "-m", "venv", str(venv)], WORK)
        run([str(bin_dir / "python"), "-m", "pip", "install", "-q", *PEERS], WORK)
    stamp = venv / "installed-tree"
    tree = "" if ref == WORKTREE else run(["git", "rev-parse", f"{ref}^{{tree}}"], ROOT).stdout.decode().strip()
    if ref == WORKTREE or not stamp.exists() or stamp.read_text() != tree:
        source = WORK / f"src-{label}"
        _export(ref, source)
        run([str(bin_dir / "python"), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(source)], WORK)
        run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(source)], WORK)  # its dependencies
        stamp.write_text(tree)
    return bin_dir


# --- (a) one file -------------------------------------------------------------------------------


def scenario_repo(name: str, with_finding: bool) -> Path:
    repo = WORK / name
    shutil.rmtree(repo, ignore_errors=True)
    for path, texts in SUBJECTS.items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(texts[with_finding], encoding="utf-8")
    run(["git", "init", "-q", "-b", "main"], repo)
    run(["git", "add", "-A"], repo)
    run(["git", "commit", "-q", "-m", name], repo)
    return repo


Command = tuple[str, list[str], Path]


class Samples:
    """One command's wall and CPU seconds (user + system of it and its children) in every round,
    and its last exit code."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []
        self.code = 0


def paired_rounds(commands: list[Command], rounds: int, env: dict[str, str] = ENV,
                  env_of: dict[str, dict[str, str]] | None = None) -> dict[str, Samples]:
    """Every command once per round, in turn (after one warm-up round); `env_of` gives some
    commands (by label) an environment of their own."""
    samples = {label: Samples() for label, _, _ in commands}
    for round_number in range(rounds + 1):
        for label, argv, cwd in commands:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            # Output through pipes, as pre-commit runs a hook; the parent wakes when they close. (With a
            # timeout and no pipes, subprocess.run polls for the exit with sleeps of up to 50 ms,
            # which rounded every wall time up to the next poll.)
            completed = subprocess.run(argv, cwd=cwd, env=(env_of or {}).get(label, env), capture_output=True, timeout=TIMEOUT, check=False)
            elapsed = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if round_number:
                samples[label].wall.append(elapsed)
                samples[label].cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            samples[label].code = completed.returncode
    return samples


def _paired_ratio(times: list[float], base: list[float]) -> float:
    return statistics.median(t / b for t, b in zip(times, base, strict=True))


def print_table(title: str, results: dict[str, Samples], baseline: str, goals: dict[str, float]) -> None:
    """Wall time is what a commit waits for; CPU time is printed and judged beside it because on a
    shared, busy machine it moves far less from round to round."""
    base = results[baseline]
    print(f"\n{title}")
    width = max(map(len, results))
    print(f"  {'command':<{width}} {'median':>9} {'ratio':>7} {'cpu ratio':>9}  exit  goal")
    for label, samples in results.items():
        ratio, cpu_ratio = _paired_ratio(samples.wall, base.wall), _paired_ratio(samples.cpu, base.cpu)
        goal = goals.get(label)
        verdict = "" if goal is None else f"<= {goal:g}x: wall {_met(ratio, goal)}, cpu {_met(cpu_ratio, goal)}"
        print(f"  {label:<{width}} {statistics.median(samples.wall) * 1000:6.1f} ms {ratio:6.2f}x {cpu_ratio:8.2f}x  {samples.code:>4}  {verdict}")


def _met(ratio: float, goal: float) -> str:
    return "met" if ratio <= goal else "MISSED"


def one_file(installs: dict[str, Path], rounds: int) -> None:
    # A pair of repositories per install: each install's remembered verdicts are its own (two
    # installs in one repository would overwrite each other's and both judge every time).
    repos = {ref: (scenario_repo(f"clean-{ref}", False), scenario_repo(f"finding-{ref}", True)) for ref in installs}
    clean = next(iter(repos.values()))[0]
    first = next(iter(installs.values()))
    python = str(first / "python")
    commands: list[Command] = [
        ("python -c pass", [python, "-c", "pass"], clean),
        ('python -c "import argparse" (the floor of an argparse hook)', [python, "-c", "import argparse"], clean),
        # What the first run after a change cannot go below: its parser's import and one parse
        # (the catalog's PyYAML, doc drift's markdown-it-py), with an argparse parser built.
        ("python -c \"import argparse, yaml ...\" (the catalog's parser floor)", [python, "-c", PARSER_FLOORS["yaml"]], clean),
        ("python -c \"import argparse, markdown_it ...\" (doc drift's parser floor)", [python, "-c", PARSER_FLOORS["markdown_it"]], clean),
        ("check-yaml config/models.yaml (pre-commit-hooks)", [str(first / "check-yaml"), "config/models.yaml"], clean),
        ("ruff check jobs.py", [str(first / "ruff"), "check", "jobs.py"], clean),
    ]
    goals: dict[str, float] = {}
    uncached: dict[str, dict[str, str]] = {}
    for script, arguments in HOOKS:
        for ref, bin_dir in installs.items():
            for repo, kind, goal in zip(repos[ref], ("clean", "finding"), (CLEAN_GOAL, FINDING_GOAL), strict=True):
                label = f"{script} {' '.join(arguments) or '(fixed set)'} [{kind}, {ref}]"
                commands.append((label, [str(bin_dir / script), *arguments], repo))
                goals[label] = goal
            if script in REMEMBERING:  # a repeat run is answered from the cache: time the first run too
                label = f"{script} {' '.join(arguments) or '(fixed set)'} [finding, {ref}, AUTOPACK_NO_CACHE=1]"
                commands.append((label, [str(bin_dir / script), *arguments], repos[ref][1]))
                goals[label], uncached[label] = FINDING_GOAL, {**ENV, "AUTOPACK_NO_CACHE": "1"}
    results = paired_rounds(commands, rounds, env_of=uncached)
    print_table(
        f"(a) one hook call on one file; median of {rounds} paired rounds; ratio = median of (command / python -c pass) within a round",
        results,
        "python -c pass",
        goals,
    )


# --- (b) pre-commit on Django -------------------------------------------------------------------


def django_sdist(pip: Path) -> Path:
    """Django's source distribution (downloaded once into bench/.work/downloads)."""
    downloads = BENCH / ".work" / "downloads"
    archives = sorted(downloads.glob("[Dd]jango-*.tar.gz"))
    if not archives:
        downloads.mkdir(parents=True, exist_ok=True)
        run([str(pip), "download", "-q", "--no-deps", "--no-binary", ":all:", "django", "-d", str(downloads)], BENCH)
        archives = sorted(downloads.glob("[Dd]jango-*.tar.gz"))
    return archives[-1]


def django_repo(pip: Path, name: str = "django") -> Path:
    """Django's sdist unpacked and committed as a git repository (made once)."""
    repo = WORK / name
    if (repo / ".git").is_dir():
        return repo
    shutil.rmtree(repo, ignore_errors=True)
    repo.mkdir(parents=True)
    with tarfile.open(django_sdist(pip)) as tar:
        members = [m for m in tar.getmembers() if "/" in m.name]
        for member in members:
            member.name = member.name.split("/", 1)[1]  # drop the Django-X.Y/ folder
        tar.extractall(repo, members=members, filter="data")
    run(["git", "init", "-q", "-b", "main"], repo)
    run(["git", "add", "-A"], repo)
    run(["git", "commit", "-q", "-m", "Django sdist"], repo)
    return repo


def _autopack_hooks_config(bin_dir: Path) -> str:
    """autopack's own hook definitions (.pre-commit-hooks.yaml) as local hooks of this install."""
    code = (
        "import json, sys, yaml\n"
        "hooks = yaml.safe_load(open(sys.argv[1], encoding='utf-8'))\n"
        "for hook in hooks:\n"
        "    hook['language'] = 'system'\n"
        "    hook['entry'] = sys.argv[2] + '/' + hook['entry']\n"
        "print(json.dumps({'repos': [{'repo': 'local', 'hooks': hooks}]}))\n"
    )
    return run([str(bin_dir / "python"), "-c", code, str(ROOT / ".pre-commit-hooks.yaml"), str(bin_dir)], ROOT).stdout.decode()


def _common_set_config(bin_dir: Path) -> str:
    """The common pre-commit-hooks set as local hooks, with the entries and filters of its manifest."""
    hooks = [
        {"id": hook_id, "name": hook_id, "entry": str(bin_dir / entry), "language": "system", "types": types}
        for hook_id, entry, types in COMMON_SET
    ]
    return json.dumps({"repos": [{"repo": "local", "hooks": hooks}]})


def pre_commit_on_django(installs: dict[str, Path], rounds: int) -> None:
    first = next(iter(installs.values()))
    repo = django_repo(first / "pip")
    configs = WORK / "configs"
    configs.mkdir(exist_ok=True)
    common = configs / "common-set.yaml"  # JSON is YAML
    common.write_text(_common_set_config(first), encoding="utf-8")
    settled = "pre-commit-hooks fixes"
    if run(["git", "log", "-1", "--format=%s"], repo).stdout.decode().strip() != settled:
        # the fixers' first pass changes files: commit it, so every timed run sees a steady state
        subprocess.run([str(first / "pre-commit"), "run", "--all-files", "-c", str(common)], cwd=repo, env=PRE_COMMIT_ENV, capture_output=True, timeout=TIMEOUT, check=False)
        run(["git", "commit", "-q", "--allow-empty", "-am", settled], repo)
    files = len(run(["git", "ls-files", "-z"], repo).stdout.split(b"\0")) - 1
    commands: list[Command] = [("python -c pass", [str(first / "python"), "-c", "pass"], repo)]
    commands.append(
        ("pre-commit run --all-files: " + ", ".join(hook_id for hook_id, _, _ in COMMON_SET),
         [str(first / "pre-commit"), "run", "--all-files", "-c", str(common)], repo)
    )  # fmt: skip
    for ref, bin_dir in installs.items():
        config = configs / f"autopack-{ref}.yaml"
        config.write_text(_autopack_hooks_config(bin_dir), encoding="utf-8")
        commands.append((f"pre-commit run --all-files: autopack's four hooks [{ref}]", [str(first / "pre-commit"), "run", "--all-files", "-c", str(config)], repo))
    results = paired_rounds(commands, rounds, PRE_COMMIT_ENV)
    print_table(f"(b) {repo.name}: Django's sdist as a git repository ({files} files); median of {rounds} paired rounds", results, "python -c pass", {})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ref", action="append", help="git revision to install and time (repeatable; default: the working tree)")
    parser.add_argument("--rounds", type=int, default=21, help="paired rounds of the one-file table (default 21)")
    parser.add_argument("--django-rounds", type=int, default=5, help="paired rounds of the Django table (default 5)")
    parser.add_argument("--skip-django", action="store_true", help="only the one-file table")
    parser.add_argument("--skip-one-file", action="store_true", help="only the Django table")
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    installs = {ref: regular_install(ref) for ref in args.ref or [WORKTREE]}
    print(f"{sys.implementation.name} {sys.version.split()[0]}, {os.cpu_count()} cpus, load average {os.getloadavg()[0]:.1f}")
    if not args.skip_one_file:
        one_file(installs, args.rounds)
    if not args.skip_django:
        pre_commit_on_django(installs, args.django_rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
