"""What a commit pays for autopack's native pre-commit hook, side by side with the pre-commit
framework running the same enforcements (local `language: system` hooks, so nothing is
installed), and what a push pays for the full check.

Usage: python bench/hooks_bench.py [--files N] [--runs K]
Builds a repository of N files under bench/.work/ (git-ignored) and prints median wall times.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work" / "hooks"
BIN = Path(sys.executable).parent
ENV = {
    **os.environ,
    "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
    "PRE_COMMIT_HOME": str(ROOT / "bench" / ".work" / "pre-commit-home"),
}
PRE_COMMIT_CONFIG = """\
repos:
  - repo: local
    hooks:
      - {id: debug-guard, name: debug-guard, entry: autopack-debug-guard, language: system, types: [text],
         files: '(?i)(^|/|[._-])(prod|production|prd)([._/-]|$)'}
      - {id: doc-drift, name: doc-drift, entry: autopack-doc-drift, language: system, pass_filenames: false, always_run: true}
      - {id: catalog, name: catalog, entry: autopack-catalog, language: system, pass_filenames: false,
         files: '(^|/)(models|pricing)\\.ya?ml$|(^|/)(pyproject\\.toml|\\.autopack\\.toml)$'}
      - {id: parallel-lint, name: parallel-lint, entry: autopack-parallel-lint, language: system, types: [python]}
"""


def run(argv: list[str], cwd: Path) -> None:
    subprocess.run(argv, cwd=cwd, env=ENV, check=True, capture_output=True, timeout=600)


def build(count: int) -> Path:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    for index in range(count):
        folder = WORK / f"pkg{index // 100}"
        folder.mkdir(exist_ok=True)
        kind = index % 4
        if kind == 0:
            (folder / f"mod{index}.py").write_text(f"def f{index}(x):\n    return x + {index}\n" * 20, encoding="utf-8")
        elif kind == 1:
            (folder / f"doc{index}.md").write_text(f"# Doc {index}\n\nSee [the module](mod{index - 1}.py).\n", encoding="utf-8")
        elif kind == 2:
            (folder / f"settings-{index}.yaml").write_text(f"name: svc{index}\nreplicas: 2\n", encoding="utf-8")
        else:
            (folder / f".env.{'production' if index % 8 == 3 else 'local'}{index}").write_text("DEBUG=0\n", encoding="utf-8")
    (WORK / ".pre-commit-config.yaml").write_text(PRE_COMMIT_CONFIG, encoding="utf-8")
    run(["git", "init", "-q", "-b", "main"], WORK)
    run(["git", "add", "-A"], WORK)
    run(["git", "commit", "-q", "-m", "initial"], WORK)
    return WORK


def median_seconds(argv: list[str], cwd: Path, runs: int, before: list[list[str]] | None = None) -> float:
    times = []
    for round_ in range(runs):
        for step in before or []:
            run([part.replace("{n}", str(round_)) for part in step], cwd)
        start = time.perf_counter()
        subprocess.run(argv, cwd=cwd, env=ENV, capture_output=True, timeout=600, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=4000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    repo = build(args.files)
    python = str(BIN / "python")
    stage = [["sh", "-c", "echo 'DEBUG=0 # {n}' > pkg3/.env.production3 && git add pkg3/.env.production3"]]
    rows = [
        ("python -c pass (interpreter start)", median_seconds([python, "-c", "pass"], repo, args.runs)),
        ("autopack check --staged (native pre-commit hook's work)",
         median_seconds([str(BIN / "autopack"), "check", "--staged"], repo, args.runs, stage)),
        ("pre-commit run (framework, same four enforcements)",
         median_seconds([str(BIN / "pre-commit"), "run"], repo, args.runs, stage)),
        ("git commit --no-verify", median_seconds(["git", "commit", "-q", "--no-verify", "-m", "x"], repo, args.runs, stage)),
    ]
    run(["git", "config", "core.hooksPath", str(ROOT / "hooks")], repo)
    rows.append(("git commit with hooks/pre-commit", median_seconds(["git", "commit", "-q", "-m", "x"], repo, args.runs, stage)))
    rows.append(("autopack check --all-files (the pre-push hook's work)",
                 median_seconds([str(BIN / "autopack"), "check", "--all-files"], repo, args.runs)))
    print(f"{args.files} files, median of {args.runs} runs, {sys.executable}")
    for label, seconds in rows:
        print(f"  {label:<58} {seconds * 1000:8.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
