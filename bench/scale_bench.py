"""Scale benchmark: `autopack check --all-files` and `autopack autopilot` on generated
repositories of 2k and 20k files and on a large real code base (Django's sdist), with wall time,
peak memory, and how each grows from 2k to 20k files (near-linear is the goal: ratio ~10).

    .venv/bin/python bench/scale_bench.py [--runs 3] [--real PATH]

Generated trees live under bench/.work/ (git-ignored); each is a real git repository with a mix
of Python modules, linked Markdown, production and development configuration and plain files,
a few of them planted with findings so every enforcement has work to do.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
WORK = BENCH / ".work" / "scale"
BIN = Path(sys.executable).parent
GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@b", "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@b"}

# One wrapper process per measurement, so the peak RSS is that command's own.
MEASURE = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[2:], cwd=sys.argv[1], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
    "wall = time.perf_counter() - start\n"
    "print(wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)\n"
)


def generate(root: Path, count: int) -> Path:
    """A git repository of `count` files; reused when it already exists."""
    if (root / ".git").is_dir():
        return root
    shutil.rmtree(root, ignore_errors=True)
    for index in range(count):
        package = root / f"pkg{index // 200}"
        kind = index % 10
        if kind < 4:
            path, text = package / f"mod{index}.py", f'"""Module {index}."""\n\ndef f{index}(x):\n    return x + {index}\n'
        elif kind < 6:
            target = f"doc{index - 1}.md" if kind == 5 else "../README.md"
            path, text = package / f"doc{index}.md", f"# Doc {index}\n\nSee [the other]({target}) and `pkg{index // 200}/`.\n"
        elif kind == 6:
            debug = "true" if index % 1000 == 6 else "false"
            path, text = package / f"values-production-{index}.yaml", f"replicas: 2\nenv:\n  - name: DEBUG\n    value: \"{debug}\"\n"
        elif kind == 7:
            path, text = package / f".env.dev{index}", "DEBUG=1\nLOG_LEVEL=debug\n"
        elif kind == 8:
            path, text = package / f"settings_prod_{index}.py", "DEBUG = False\nALLOWED_HOSTS = ['example.com']\n"
        else:
            path, text = package / f"data{index}.txt", f"line {index}\n" * 20
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "README.md").write_text("# Generated\n\n[missing](nowhere.md)\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True, env=GIT_ENV)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True, env=GIT_ENV)
    subprocess.run(["git", "commit", "-q", "-m", "generated"], cwd=root, check=True, env=GIT_ENV)
    return root


def real_code_base(explicit: str | None) -> Path | None:
    """Django's sdist as a git repository (downloaded from PyPI once), or an explicit path."""
    if explicit:
        return Path(explicit)
    root = WORK / "django"
    if (root / ".git").is_dir():
        return root
    download = WORK / "download"
    download.mkdir(parents=True, exist_ok=True)
    fetched = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:", "django==5.2.*", "-d", str(download)],
        check=False,
    )
    archives = sorted(download.glob("[Dd]jango-*.tar.gz"))
    if fetched.returncode != 0 or not archives:
        print("(could not download Django's sdist; pass --real PATH to measure another code base)")
        return None
    with tarfile.open(archives[-1]) as archive:
        archive.extractall(WORK, filter="data")
    extracted = WORK / archives[-1].name.removesuffix(".tar.gz")
    extracted.rename(root)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "django"]):
        subprocess.run(["git", *args], cwd=root, check=True, env=GIT_ENV)
    return root


def measure(root: Path, argv: list[str], runs: int) -> tuple[float, float, int]:
    """Median wall seconds, peak RSS in MiB, and the exit code."""
    walls, peaks, code = [], [], 0
    for _ in range(runs):
        output = subprocess.run([sys.executable, "-c", MEASURE, str(root), *argv], capture_output=True, text=True, check=True)
        wall, rss, code_text = output.stdout.split()
        walls.append(float(wall))
        peaks.append(int(rss) / 1024)
        code = int(code_text)
    return statistics.median(walls), max(peaks), code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--real", help="a large real code base (a git repository) instead of Django's sdist")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    repos = {"generated 2k": generate(WORK / "gen2k", 2_000), "generated 20k": generate(WORK / "gen20k", 20_000)}
    real = real_code_base(args.real)
    if real is not None:
        repos[f"real: {real.name}"] = real
    commands = {
        "check --all-files": [str(BIN / "autopack"), "check", "--all-files"],
        "autopilot": [str(BIN / "autopack"), "autopilot", "--run-dir", str(WORK / "runs")],
        "git ls-files (floor)": ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    }
    results: dict[tuple[str, str], tuple[float, float, int]] = {}
    print(f"{'repository':<16} {'files':>6}  {'command':<22} {'wall s':>8} {'peak MiB':>9} {'exit':>4}")
    for label, root in repos.items():
        count = len(subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True).stdout.splitlines())
        for name, argv in commands.items():
            results[(label, name)] = measure(root, argv, args.runs)
            wall, peak, code = results[(label, name)]
            print(f"{label:<16} {count:>6}  {name:<22} {wall:>8.2f} {peak:>9.1f} {code:>4}")
    print("\ngrowth from 2k to 20k files (10x the files; ~10 is linear):")
    for name in commands:
        small, large = results[("generated 2k", name)], results[("generated 20k", name)]
        print(f"  {name:<22} time x{large[0] / small[0]:.1f}   peak memory x{large[1] / small[1]:.1f}")
    print(json.dumps({f"{k[0]} | {k[1]}": v for k, v in results.items()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
