#!/usr/bin/env python3
"""Doc drift bench: autopack's built-in Markdown checks side by side with remark-validate-links
(remark-cli) and markdown-link-check, offline, on the same files.

Two trees:
- real: the Markdown of a real project (the `npm` package from the npm registry: its README and
  docs/content, 84 files), as a git repository;
- generated: 240+ cross-linked Markdown files with seeded, known breakage (missing files, missing
  anchors, duplicate and unicode headings, reference links, images) and traps that must not be
  flagged (links in code, HTML comments, external URLs, directories).

The tools run in turns (`--repeat` rounds of A, B, C) so that each sees the same machine load;
the table shows the best and the median wall time, the best CPU time (user + sys of the tool's
processes; steadier than wall time on a busy machine), both as a ratio to remark-validate-links,
and what each tool found (on the generated tree: hits, misses and false alarms against the known
truth).

Then the cache, on big trees (a generated one of about 10.6 MB by default, plus any checkout given
with `--tree`, e.g. a clone of a docs-heavy project): a cold run (empty cache), a warm run
(nothing changed: the remembered verdicts hold, nothing is parsed or judged), a run after one
document changed (every other document from the parse cache, every link judged again), MB of
Markdown per CPU-second, and remark-validate-links once on the same files for the ratio (with a
timeout; it does not finish on the big trees), and again on a generated tree it does finish.

Setup (once; everything lands in bench/.work, which git ignores):
    python bench/doc_drift_bench.py            # installs the npm tools and fetches npm@10 if missing
Run with the project's interpreter, e.g. `.venv/bin/python bench/doc_drift_bench.py`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / ".work"
NODE_BIN = WORK / "node_modules" / ".bin"
NPM_TOOLS = ("remark-cli@12", "remark-validate-links@13", "markdown-link-check@3", "vfile-reporter-json")
REAL_PACKAGE = "npm@10.9.9"
GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}
MLC_OFFLINE = {"ignorePatterns": [{"pattern": "^https?://"}, {"pattern": "^mailto:"}, {"pattern": "^//"}]}


# --- setup -------------------------------------------------------------------------------------


# As installed by pip or pre-commit: byte code is cached (some sandboxes set PYTHONDONTWRITEBYTECODE).
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def run(argv: list[str], cwd: Path, timeout: float = 600, merge: bool = False) -> subprocess.CompletedProcess[str]:
    """Run a tool; `merge` interleaves stderr into stdout (markdown-link-check splits its report)."""
    return subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT if merge else subprocess.PIPE,
                          text=True, timeout=timeout, check=False, env={**ENV, **GIT_ENV})


def ensure_npm_tools() -> None:
    if all((NODE_BIN / tool).exists() for tool in ("remark", "markdown-link-check")):
        return
    WORK.mkdir(parents=True, exist_ok=True)
    result = run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(WORK), *NPM_TOOLS], WORK)
    if result.returncode != 0:
        sys.exit(f"npm install failed:\n{result.stderr}")


def commit_tree(root: Path) -> None:
    run(["git", "init", "-q", "-b", "main"], root)
    run(["git", "add", "-A"], root)
    run(["git", "commit", "-q", "-m", "bench tree"], root)


def real_tree() -> Path:
    """The npm package's README and docs/content (its own Markdown, not the bundled modules')."""
    root = WORK / "real-npm"
    if (root / ".git").exists():
        return root
    tarballs = sorted(WORK.glob("npm-*.tgz"))
    if not tarballs:
        result = run(["npm", "pack", REAL_PACKAGE, "--silent"], WORK)
        if result.returncode != 0:
            sys.exit(f"npm pack {REAL_PACKAGE} failed:\n{result.stderr}")
        tarballs = sorted(WORK.glob("npm-*.tgz"))
    root.mkdir(parents=True)
    with tarfile.open(tarballs[-1]) as archive:
        for member in archive.getmembers():
            name = member.name.removeprefix("package/")
            if name.startswith("node_modules/") or not member.isfile():
                continue
            member.name = name
            archive.extract(member, root, filter="data")
    commit_tree(root)
    return root


# --- the generated tree with known truth -------------------------------------------------------

SECTIONS, PAGES = 12, 20


@dataclass
class Truth:
    """Seeded problems: (file, line, kind, target). kind: file, anchor, image, code-path."""

    items: list[tuple[str, int, str, str]] = field(default_factory=list)


def _page(section: int, page: int) -> str:
    return f"sec{section:02d}/page{page:02d}.md"


def _rel(source: str, target: str) -> str:
    return os.path.relpath(target, os.path.dirname(source)).replace(os.sep, "/")


def generated_tree(seed: int = 7, sections: int = SECTIONS) -> tuple[Path, Truth]:
    root = WORK / ("generated" if sections == SECTIONS else f"generated-{sections}")
    if root.exists():
        shutil.rmtree(root)
    rng = random.Random(seed)
    truth = Truth()
    pages = [_page(s, p) for s in range(sections) for p in range(PAGES)]
    files: dict[str, str] = {"scripts/tool.py": "print('tool')\n", "assets/diagram.png": "PNG\n"}
    anchors = ["overview", "details", "details-1", "ünïcode-café", "api-call-reference"]
    for index, path in enumerate(pages):
        lines = [
            f"# Page {index}", "",
            "## Overview", "",
            f"Intro that links [home]({_rel(path, 'README.md')}) and [the next page]({_rel(path, pages[(index + 1) % len(pages)])}).", "",
            "## Details", "", "First details.", "",
            "## Details", "", "Second details (anchor details-1).", "",
            "## Ünïcode café", "",
            "### API `call()` reference", "",
        ]
        for _ in range(8):
            other = rng.choice(pages)
            anchor = rng.choice(["", "", *anchors])
            lines.append(f"- See [{other}]({_rel(path, other)}{'#' + anchor if anchor else ''}) for more.")
        lines += [
            "", f"![diagram]({_rel(path, 'assets/diagram.png')}) and [a folder](../sec00/) and [top](#overview).",
            "", "External [site](https://example.com/docs/missing.md) and <https://example.org> and [mail](mailto:x@example.com).",
            "", "Code is not a link: `[old](removed.md)` and:", "", "```markdown", "[old](removed-in-fence.md)", "```",
            "", "<!-- [old](removed-in-comment.md) -->", "",
            "```bash", "python scripts/tool.py --check", "```", "",
            "A reference link to [the index][index].", "",
        ]
        roll = rng.random()
        if roll < 0.45:  # seed one problem on its own line, known line number
            kind = rng.choice(["file", "anchor", "self-anchor", "image", "reference", "code-path"])
            other = rng.choice(pages)
            if kind == "file":
                target = _rel(path, other.replace(".md", "-old.md"))
                lines.append(f"Moved: [old page]({target}).")
            elif kind == "anchor":
                target = f"{_rel(path, other)}#detail"
                lines.append(f"Broken anchor: [details]({target}).")
            elif kind == "self-anchor":
                target = "#overveiw"
                lines.append(f"Typo: [overview]({target}).")
                kind = "anchor"
            elif kind == "image":
                target = _rel(path, "assets/chart-old.png")
                lines.append(f"![chart]({target})")
            elif kind == "reference":
                target = _rel(path, "sec99/nowhere.md")
                lines.append("Reference to [nowhere][gone].")
                lines.append("")
                lines.append(f"[gone]: {target}")
                kind = "file"
            else:
                target = "scripts/old_tool.py"
                lines.append(f"Run `python {target}` first.")
            line_number = len(lines) - (2 if lines[-1].startswith("[gone]:") else 0)
            truth.items.append((path, line_number, kind, target))
        lines += ["", f"[index]: {_rel(path, 'README.md')}", ""]
        files[path] = "\n".join(lines)
    files["README.md"] = "# Index\n\n" + "\n".join(f"- [{p}]({p})" for p in pages) + "\n"
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    commit_tree(root)
    return root, truth


# --- tools -------------------------------------------------------------------------------------


@dataclass
class Found:
    """One tool's result on one tree: best and median wall time, best CPU time, and findings as
    (file, line or None, target, kind)."""

    tool: str
    wall: float
    wall_median: float
    cpu: float
    findings: list[tuple[str, int | None, str, str]]


@dataclass(frozen=True)
class Tool:
    """How to run one tool on a tree and read its findings from the output."""

    name: str
    argv: Callable[[Path], list[str]]
    parse: Callable[[subprocess.CompletedProcess[str]], list[tuple[str, int | None, str, str]]]
    merge_output: bool = False


def markdown_files(root: Path) -> list[str]:
    listed = run(["git", "ls-files", "*.md"], root).stdout.split()
    return sorted(listed)


def autopack_argv(root: Path) -> list[str]:
    return [str(Path(sys.executable).parent / "autopack-doc-drift"), "--all-files", "--format", "json"]


def autopack_findings(result: subprocess.CompletedProcess[str]) -> list[tuple[str, int | None, str, str]]:
    kinds = {"APR201": "file", "APR202": "anchor", "APR203": "code-path"}
    findings = []
    for item in json.loads(result.stdout):
        kind = kinds.get(item["rule"], item["rule"])
        data = item.get("data") or {}
        target = data.get("href") or data.get("target", "")
        if kind == "file" and item["message"].startswith("image"):
            kind = "image"
        findings.append((item["path"], item["line"], target, kind))
    return findings


def remark_argv(root: Path) -> list[str]:
    return [str(NODE_BIN / "remark"), "--no-config", "--use", "remark-validate-links=repository:false",
            "--quiet", "--report", "json", "--ext", "md", "."]


def remark_findings(result: subprocess.CompletedProcess[str]) -> list[tuple[str, int | None, str, str]]:
    findings = []
    for report in json.loads(result.stderr or "[]"):
        for message in report["messages"]:
            reason = message.get("reason", "")
            quoted = re.findall(r"`([^`]*)`", reason)
            rule = message.get("ruleId", "")
            kind = "anchor" if "heading" in rule else "file"
            in_file = rule == "missing-heading-in-file" and len(quoted) > 1
            target = (quoted[1] + quoted[0] if in_file else quoted[0]) if quoted else reason
            findings.append((report["path"], message.get("line"), target, kind))
    return findings


def mlc_argv(root: Path) -> list[str]:
    config = WORK / "mlc-offline.json"
    config.write_text(json.dumps(MLC_OFFLINE), encoding="utf-8")
    return [str(NODE_BIN / "markdown-link-check"), "-q", "-c", str(config), *markdown_files(root)]


def mlc_findings(result: subprocess.CompletedProcess[str]) -> list[tuple[str, int | None, str, str]]:
    findings, current = [], ""
    for line in result.stdout.splitlines():
        header = re.search(r"dead links? found in (.+?) !", line)
        if header:
            current = header.group(1)
        dead = re.search(r"\[✖\] (\S+)", line)
        if dead:
            target = dead.group(1)
            findings.append((current, None, target, "anchor" if "#" in target else "file"))
    return findings


TOOLS = (
    Tool("autopack", autopack_argv, autopack_findings),
    Tool("remark-validate-links", remark_argv, remark_findings),
    Tool("markdown-link-check", mlc_argv, mlc_findings, merge_output=True),
)


def measure(root: Path, repeat: int) -> list[Found]:
    """Run the tools in turns (A, B, C, A, B, C, ...) so that each sees the same machine load."""
    walls: dict[str, list[float]] = {tool.name: [] for tool in TOOLS}
    cpus: dict[str, list[float]] = {tool.name: [] for tool in TOOLS}
    last: dict[str, subprocess.CompletedProcess[str]] = {}
    for _ in range(repeat):
        for tool in TOOLS:
            argv = tool.argv(root)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            last[tool.name] = run(argv, root, merge=tool.merge_output)
            walls[tool.name].append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus[tool.name].append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return [
        Found(tool.name, min(walls[tool.name]), statistics.median(walls[tool.name]), min(cpus[tool.name]),
              tool.parse(last[tool.name]))
        for tool in TOOLS
    ]


# --- report ------------------------------------------------------------------------------------


def score(found: Found, truth: Truth) -> tuple[int, int, int]:
    """Hits, misses and false alarms against the seeded truth. A finding matches a truth item by
    file and line, or by file and target (a tool without lines, or one reporting a reference
    link at its definition)."""
    expected = [(path, line, target) for path, line, kind, target in truth.items
                if found.tool == "autopack" or kind != "code-path"]
    hits: set[int] = set()
    false_alarms = 0
    for path, line, target, _kind in found.findings:
        match = next((i for i, (p, l, t) in enumerate(expected) if p == path and i not in hits and (l == line or t == target)), None)
        if match is None:
            false_alarms += 1
        else:
            hits.add(match)
    return len(hits), len(expected) - len(hits), false_alarms


def print_table(title: str, results: list[Found], files: int, truth: Truth | None) -> None:
    reference = next(r for r in results if r.tool == "remark-validate-links")
    print(f"\n{title} ({files} Markdown files)")
    header = f"{'tool':<24}{'best s':>8}{'median s':>9}{'cpu s':>8}{'x remark':>10}{'cpu x':>7}{'findings':>10}"
    if truth:
        header += f"{'hits':>6}{'missed':>8}{'false':>7}"
    print(header)
    for result in results:
        line = (f"{result.tool:<24}{result.wall:>8.3f}{result.wall_median:>9.3f}{result.cpu:>8.3f}"
                f"{result.wall / reference.wall:>10.2f}{result.cpu / reference.cpu:>7.2f}{len(result.findings):>10}")
        if truth:
            hits, missed, false = score(result, truth)
            line += f"{hits:>6}{missed:>8}{false:>7}"
        print(line)
    for result in results:
        kinds = Counter(kind for *_, kind in result.findings)
        print(f"  {result.tool}: " + (", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) or "nothing"))


def print_differences(results: list[Found], limit: int) -> None:
    """What one tool reported that another did not: matched by file and line when both tools
    give lines, else by file and the target as written."""
    for index, a in enumerate(results):
        for b in results[index + 1 :]:
            with_lines = all(line is not None for r in (a, b) for _p, line, _t, _k in r.findings)

            def keys(found: Found) -> dict[tuple[str, object], str]:
                return {(path, line if with_lines else target): f"{path}:{line or '-'} {kind} {target}"
                        for path, line, target, kind in found.findings}

            keys_a, keys_b = keys(a), keys(b)
            only_a = sorted(keys_a[k] for k in keys_a.keys() - keys_b.keys())
            only_b = sorted(keys_b[k] for k in keys_b.keys() - keys_a.keys())
            print(f"  {a.tool} vs {b.tool}: {len(only_a)} only by {a.tool}, {len(only_b)} only by {b.tool}")
            for text in only_a[:limit]:
                print(f"    {a.tool}: {text}")
            for text in only_b[:limit]:
                print(f"    {b.tool}: {text}")


def markdown_bytes(root: Path) -> int:
    return sum((root / path).stat().st_size for path in markdown_files(root) if (root / path).is_file())


def timed(argv: list[str], root: Path, timeout: float = 600) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Wall and CPU seconds (user + sys of the process and its workers) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = run(argv, root, timeout=timeout)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), result


def parser_floor(root: Path) -> float:
    """MB per CPU-second of markdown-it-py's block parse alone, configured as autopack uses it (no
    inline parse, no extraction, no judging): the most any cold run built on it can reach."""
    from autopack.doc_drift.markdown import markdown_parser

    parser = markdown_parser()
    texts = [(root / path).read_text(encoding="utf-8", errors="replace") for path in markdown_files(root) if (root / path).is_file()]
    start = time.process_time()
    for text in texts:
        parser.parse(text, {})
    return sum(len(text.encode()) for text in texts) / 1e6 / (time.process_time() - start)


def cache_bench(title: str, root: Path, repeat: int, remark_timeout: float) -> None:
    """Cold (empty cache), warm (nothing changed: the remembered verdicts) and one-edit (one
    document changed: every other document from the parse cache, every link judged again) runs
    of autopack, best of `repeat` each, and remark-validate-links once on the same files (0: not)."""
    size = markdown_bytes(root) / 1e6
    cache = root / ".autopack" / "cache"
    edited = root / markdown_files(root)[0]
    original = edited.read_bytes()
    colds, warms, edits = [], [], []
    for _ in range(repeat):
        shutil.rmtree(cache, ignore_errors=True)
        colds.append(timed(autopack_argv(root), root))
        warms.append(timed(autopack_argv(root), root))
        edited.write_bytes(original + b"\nOne more line.\n")
        try:
            edits.append(timed(autopack_argv(root), root))
        finally:
            edited.write_bytes(original)
    uncached = run([*autopack_argv(root), "--no-cache"], root).stdout
    cold_wall, cold_cpu = min(c[0] for c in colds), min(c[1] for c in colds)
    warm_wall, warm_cpu = min(w[0] for w in warms), min(w[1] for w in warms)
    edit_wall, edit_cpu = min(e[0] for e in edits), min(e[1] for e in edits)
    same = colds[-1][2].stdout == warms[-1][2].stdout == uncached
    print(f"\ncache: {title} ({len(markdown_files(root))} Markdown files, {size:.1f} MB)")
    print(f"  cold      {cold_wall:7.2f} s wall {cold_cpu:7.2f} CPU s  {size / cold_cpu:5.2f} MB per CPU-second")
    print(f"  warm      {warm_wall:7.2f} s wall {warm_cpu:7.2f} CPU s  {warm_wall / cold_wall:5.3f} x cold (wall), "
          f"{warm_cpu / cold_cpu:5.3f} x cold (CPU); same findings as cold and --no-cache: {same}")
    print(f"  one edit  {edit_wall:7.2f} s wall {edit_cpu:7.2f} CPU s  {edit_cpu / cold_cpu:5.3f} x cold (CPU)")
    print(f"  markdown-it-py's block parse alone: {parser_floor(root):5.2f} MB per CPU-second", flush=True)
    if not remark_timeout:
        return
    try:
        remark_wall, remark_cpu, _ = timed(remark_argv(root), root, timeout=remark_timeout)
    except subprocess.TimeoutExpired:
        print(f"  remark-validate-links did not finish in {remark_timeout:.0f} s: autopack cold < {cold_wall / remark_timeout:5.3f} x, "
              f"warm < {warm_wall / remark_timeout:6.4f} x remark (wall)")
        return
    print(f"  remark-validate-links {remark_wall:7.2f} s wall {remark_cpu:7.2f} CPU s; autopack cold "
          f"{cold_cpu / remark_cpu:5.3f} x, warm {warm_cpu / remark_cpu:6.4f} x, one edit {edit_cpu / remark_cpu:5.3f} x remark (CPU)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per tool and tree (median reported)")
    parser.add_argument("--show", type=int, default=6, help="differences listed per tool pair")
    parser.add_argument("--scale", type=int, default=4, help="also a generated tree this many times larger (1: none)")
    parser.add_argument("--big", type=int, default=36, help="cache bench on a generated tree this many times larger (0: none)")
    parser.add_argument("--tree", type=Path, action="append", default=[], help="cache bench on this git checkout too (repeatable)")
    parser.add_argument("--cache-only", action="store_true", help="run only the cache bench")
    parser.add_argument("--remark-timeout", type=float, default=600, help="seconds remark-validate-links gets on a big tree (0: not run)")
    parser.add_argument("--remark-scale", type=int, default=8,
                        help="cache bench on a generated tree this many times larger too, one remark-validate-links finishes (0: none)")
    args = parser.parse_args()
    if shutil.which("npm") is None:
        sys.exit("npm is needed for the peer tools")
    ensure_npm_tools()
    rounds = max(1, min(args.repeat, 2))
    big_trees = [(f"generated tree x{args.big}", generated_tree(sections=SECTIONS * args.big)[0])] if args.big else []
    for title, root in [*big_trees, *((str(tree), tree.resolve()) for tree in args.tree)]:
        cache_bench(title, root, rounds, args.remark_timeout)
    if args.remark_scale:  # where remark-validate-links finishes: the ratio measured, not bounded
        cache_bench(f"generated tree x{args.remark_scale}", generated_tree(sections=SECTIONS * args.remark_scale)[0], rounds, 3600)
    if args.cache_only:
        return 0
    real = real_tree()
    generated, truth = generated_tree()
    trees = [("real: npm@10 docs", real, None), ("generated tree", generated, truth)]
    if args.scale > 1:
        large, large_truth = generated_tree(sections=SECTIONS * args.scale)
        trees.append((f"generated tree x{args.scale}", large, large_truth))
    for title, root, known in trees:
        results = measure(root, args.repeat)
        print_table(title, results, len(markdown_files(root)), known)
        print_differences(results, args.show)
    kinds = Counter(kind for _path, _line, kind, _target in truth.items)
    print("\nseeded truth on the generated tree: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    print("(code-path items are autopack-only: the peer tools do not read code; they are left out of their scores)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
