"""Precision and recall of autopack's checks on real public repositories (the wild corpus).

The corpus is three files under bench/wild/ (format: see `--help` and docs/doc-drift.md):
- repos.txt: `owner/name <commit> <kinds>` per line, the repositories and the commit each is
  judged at;
- labels.json: every finding seen, by fingerprint, labelled "true" (a user would want it) or
  "false" (noise), with a one-line why;
- planted.json: breaks planted in a copy of a checkout (renamed heading, deleted image, moved
  file, ...) and the finding each must produce.

It fetches nothing: it scores the checkouts present under --root (`/work/wild/<owner>__<name>`,
made with the `fetch` tool and `git clone`; `--prepare MIRRORS` clones missing ones from local
bare mirrors at the pinned commit). For each it runs the installed `autopack check --all-files
--format json` and prints findings, true, false, unlabelled and seconds; then precision (true /
labelled), the number unlabelled, and planted recall: each plant's ops are applied to a fresh
hard-linked copy of the checkout in a temp dir, and the plant counts as found when a finding
with the expected rule, path (and line) appears that the unmodified checkout does not have.
Exit code 0 always: it is a bench, the figures are on stdout. Never part of CI or the tests.

    python bench/wild_bench.py [--select doc-drift] [--rules APR] [--repo owner/name]
    python bench/wild_bench.py --rules APR --unlabelled /tmp/todo.json   # label, then --merge
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
WILD = HERE / "wild"
REPOS = WILD / "repos.txt"
LABELS = WILD / "labels.json"
PLANTED = WILD / "planted.json"
TIMEOUT = 900
LABEL_KEYS = ("rule", "path", "line", "label", "why")


@dataclass(frozen=True)
class Repo:
    name: str  # owner/name
    commit: str
    kinds: tuple[str, ...]

    def checkout(self, root: Path) -> Path:
        return root / self.name.replace("/", "__", 1)


def read_repos(path: Path = REPOS) -> list[Repo]:
    repos = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if len(words) < 2 or len(words[1]) != 40:
            raise SystemExit(f"{path}:{number}: expected `owner/name <40-hex commit> <kinds>`, got {line!r}")
        kinds = tuple(kind for kind in (words[2] if len(words) > 2 else "").split(",") if kind)
        repos.append(Repo(words[0], words[1], kinds))
    return repos


def read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Sorted keys, indent 1: the corpus files' one layout (small diffs, easy merges)."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def autopack_program() -> str:
    """The `autopack` of the environment running the bench (its editable install), else PATH's."""
    beside = Path(sys.executable).parent / "autopack"
    return str(beside) if beside.exists() else (shutil.which("autopack") or "autopack")


def run_autopack(checkout: Path, select: str) -> tuple[list[dict[str, Any]], float, str]:
    """The findings of `autopack check --all-files --format json` in `checkout`, its wall time
    and, when it did not produce a report, why."""
    # --no-cache: never write into a checkout (they are shared and read-only), and time real parsing
    command = [autopack_program(), "check", "--all-files", "--format", "json", "--no-cache"]
    if select:
        command += ["--select", select]
    started = time.perf_counter()
    try:
        completed = subprocess.run(command, cwd=checkout, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return [], time.perf_counter() - started, f"timed out after {TIMEOUT} s"
    seconds = time.perf_counter() - started
    try:
        findings = json.loads(completed.stdout)
    except json.JSONDecodeError:
        tail = (completed.stderr or completed.stdout).strip().splitlines()[-1:] or ["no output"]
        return [], seconds, f"exit {completed.returncode}: {tail[0][:200]}"
    return findings, seconds, ""


def head_commit(checkout: Path) -> str:
    completed = subprocess.run(["git", "rev-parse", "HEAD"], cwd=checkout, capture_output=True, text=True, check=False)
    return completed.stdout.strip()


def scored(findings: list[dict[str, Any]], rules: Sequence[str]) -> list[dict[str, Any]]:
    return [finding for finding in findings if not rules or finding["rule"].startswith(tuple(rules))]


# --- planted breaks -----------------------------------------------------------------------------


def link_copy(source: Path, destination: Path) -> None:
    """A copy of a checkout's files as hard links (instant, no space) plus a fresh `.git` holding
    only a copy of its index: enough for `git ls-files` and `git check-ignore`. Ops never write
    into a linked file (see `_write`), so the checkout itself is never modified."""

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, destination, symlinks=True, copy_function=link, ignore=shutil.ignore_patterns(".git"))
    subprocess.run(["git", "init", "-q", str(destination)], check=True, capture_output=True)
    shutil.copyfile(source / ".git" / "index", destination / ".git" / "index")


def _write(path: Path, text: str) -> None:
    """Replace the file (a new inode), never write through a hard link into the checkout."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".plant-tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def apply_ops(copy: Path, ops: list[dict[str, str]]) -> list[str]:
    """Apply a plant's ops to the copy; the repo paths they touched (to be staged)."""
    touched: list[str] = []
    for op in ops:
        kind = op["op"]
        if kind == "replace":
            target = copy / op["path"]
            text = target.read_text(encoding="utf-8")
            if op["old"] not in text:
                raise ValueError(f"replace: {op['old']!r} not found in {op['path']}")
            _write(target, text.replace(op["old"], op["new"], 1))
            touched.append(op["path"])
        elif kind == "delete":
            target = copy / op["path"]
            shutil.rmtree(target) if target.is_dir() and not target.is_symlink() else target.unlink()
            touched.append(op["path"])
        elif kind == "move":
            (copy / op["to"]).parent.mkdir(parents=True, exist_ok=True)
            os.replace(copy / op["from"], copy / op["to"])
            touched += [op["from"], op["to"]]
        elif kind == "append":
            target = copy / op["path"]
            _write(target, target.read_text(encoding="utf-8") + op["text"])
            touched.append(op["path"])
        elif kind == "write":
            _write(copy / op["path"], op["text"])
            touched.append(op["path"])
        else:
            raise ValueError(f"unknown op {kind!r}")
    return touched


def stage(copy: Path, paths: list[str]) -> None:
    """Record the ops in the copy's index, as the commit a hook runs on would have them."""
    subprocess.run(["git", "add", "-A", "--", *paths], cwd=copy, check=True, capture_output=True)


def matches(finding: dict[str, Any], expect: dict[str, Any]) -> bool:
    return (
        finding["rule"] == expect["rule"]
        and finding["path"] == expect["path"]
        and ("line" not in expect or finding.get("line") == expect["line"])
    )


def run_plants(repo: Repo, checkout: Path, plants: list[dict[str, Any]], select: str,
               base: set[str], scratch: Path) -> Iterator[tuple[str, bool, str]]:
    """Each plant's id, whether its expected finding appeared (and was not there before), and a
    note (what appeared instead, or why the plant could not be applied)."""
    for plant in plants:
        copy = scratch / f"{checkout.name}--{plant['id']}"
        try:
            link_copy(checkout, copy)
            stage(copy, apply_ops(copy, plant["ops"]))
        except (OSError, ValueError, KeyError, subprocess.CalledProcessError) as exc:
            yield plant["id"], False, f"could not plant: {exc}"
            shutil.rmtree(copy, ignore_errors=True)
            continue
        findings, _, problem = run_autopack(copy, select)
        shutil.rmtree(copy, ignore_errors=True)
        new = [finding for finding in findings if finding["fingerprint"] not in base]
        hit = any(matches(finding, plant["expect"]) for finding in new)
        note = problem or ("" if hit else "new: " + "; ".join(f"{f['rule']} {f['path']}:{f.get('line')}" for f in new[:3]))
        yield plant["id"], hit, note


# --- preparing checkouts ------------------------------------------------------------------------


def prepare(repo: Repo, checkout: Path, mirrors: Path) -> str:
    """Clone a missing checkout from its local bare mirror (`<mirrors>/<owner>+<name>/repo`, as
    the `fetch` tool leaves it) at the pinned commit. Blobs the snapshot left out (its largest
    files) stay listed in the index but absent from disk (skip-worktree), as a sparse clone would."""
    mirror = mirrors / repo.name.replace("/", "+", 1) / "repo"
    if not mirror.exists():
        return f"no mirror at {mirror}"
    git = ["git", "-C", str(checkout)]
    subprocess.run(["git", "clone", "-q", "--no-checkout", str(mirror), str(checkout)], check=True, capture_output=True)
    subprocess.run([*git, "reset", "-q", "--mixed", repo.commit], check=True, capture_output=True)
    staged = subprocess.run([*git, "ls-files", "-s", "-z"], check=True, capture_output=True).stdout.split(b"\0")
    entries = [entry.split(b"\t", 1) for entry in staged if entry]
    shas = b"".join(meta.split()[1] + b"\n" for meta, _ in entries)
    checked = subprocess.run([*git, "cat-file", "--batch-check"], input=shas, check=True, capture_output=True).stdout
    missing = {line.split()[0] for line in checked.splitlines() if line.endswith(b" missing")}
    absent = [path for meta, path in entries if meta.split()[1] in missing]
    if absent:
        subprocess.run([*git, "update-index", "--skip-worktree", "-z", "--stdin"], input=b"\0".join(absent) + b"\0",
                       check=True, capture_output=True)
    subprocess.run([*git, "checkout-index", "-a", "-q"], check=True, capture_output=True)
    return f"cloned ({len(absent)} absent large files)"


# --- the report ---------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path("/work/wild"), help="where the checkouts are (default /work/wild)")
    parser.add_argument("--select", default="", help="CHECKS passed to `autopack check --select` (default: every check)")
    parser.add_argument("--rules", default="", help="comma-separated rule-id prefixes to score (findings and plants), e.g. APR or APD (default: all)")
    parser.add_argument("--repo", action="append", default=[], help="only this owner/name (repeatable)")
    parser.add_argument("--unlabelled", type=Path, help="write the unlabelled findings to FILE in labels.json shape (label empty)")
    parser.add_argument("--merge", type=Path, help="merge the labelled entries of FILE into labels.json, then score")
    parser.add_argument("--show", choices=("false", "true", "unlabelled", "all"), action="append", default=[],
                        help="print the findings with this label under their repository (repeatable)")
    parser.add_argument("--no-plants", action="store_true", help="skip the planted breaks (faster)")
    parser.add_argument("--prepare", type=Path, metavar="MIRRORS",
                        help="first clone missing checkouts from bare mirrors under MIRRORS (e.g. /work/.mirror)")
    args = parser.parse_args(argv)
    rules = [rule for rule in args.rules.split(",") if rule]

    labels = read_json(LABELS)
    if args.merge:
        labels = merge_labels(labels, read_json(args.merge))
        write_json(LABELS, labels)
    planted = read_json(PLANTED)
    repos = [repo for repo in read_repos() if not args.repo or repo.name in args.repo]

    totals = {"findings": 0, "true": 0, "false": 0, "unlabelled": 0}
    unlabelled: dict[str, dict[str, Any]] = {}
    plant_results: list[tuple[str, str, bool, str]] = []
    seconds_total = 0.0
    print(f"{'repository':48} {'kinds':34} {'found':>6} {'true':>5} {'false':>6} {'unlab':>6} {'s':>6}")
    with tempfile.TemporaryDirectory(prefix="wild-plants-", dir=args.root.parent if args.root.parent.exists() else None) as scratch:
        for repo in repos:
            checkout = repo.checkout(args.root)
            if not checkout.exists() and args.prepare:
                print(f"# {repo.name}: {prepare(repo, checkout, args.prepare)}", file=sys.stderr)
            if not checkout.exists():
                print(f"# {repo.name}: not checked out at {checkout}; skipped", file=sys.stderr)
                continue
            head = head_commit(checkout)
            if head != repo.commit:
                print(f"# warning: {repo.name} is at {head[:12] or '?'}, not the pinned {repo.commit[:12]}", file=sys.stderr)
            findings, seconds, problem = run_autopack(checkout, args.select)
            if problem:
                print(f"# {repo.name}: autopack gave no report ({problem})", file=sys.stderr)
            seconds_total += seconds
            known = labels.get(repo.name, {})
            counts = {"true": 0, "false": 0, "unlabelled": 0}
            shown = []
            for finding in scored(findings, rules):
                label = known.get(finding["fingerprint"], {}).get("label", "")
                bucket = label if label in ("true", "false") else "unlabelled"
                counts[bucket] += 1
                if bucket == "unlabelled":
                    unlabelled.setdefault(repo.name, {})[finding["fingerprint"]] = {
                        "rule": finding["rule"], "path": finding["path"], "line": finding.get("line"),
                        "label": "", "why": "", "message": finding["message"],
                    }
                if bucket in args.show or "all" in args.show:
                    shown.append(f"    {bucket:10} {finding['rule']} {finding['path']}:{finding.get('line')}: {finding['message']}")
            found = sum(counts.values())
            totals["findings"] += found
            for key, value in counts.items():
                totals[key] += value
            print(f"{repo.name:48} {','.join(repo.kinds)[:34]:34} {found:6} {counts['true']:5} {counts['false']:6} "
                  f"{counts['unlabelled']:6} {seconds:6.1f}")
            for line in shown:
                print(line)
            # with --rules, only the plants that expect one of those rules are scored
            plants = [plant for plant in planted.get(repo.name, []) if scored([plant["expect"]], rules)]
            if plants and not args.no_plants:
                base = {finding["fingerprint"] for finding in findings}
                for plant_id, hit, note in run_plants(repo, checkout, plants, args.select, base, Path(scratch)):
                    plant_results.append((repo.name, plant_id, hit, note))

    labelled = totals["true"] + totals["false"]
    precision = f"{totals['true'] / labelled:.3f}" if labelled else "n/a"
    print()
    print(f"findings {totals['findings']}: true {totals['true']}, false {totals['false']}, unlabelled {totals['unlabelled']}")
    print(f"precision (true / labelled) {precision}; autopack wall time {seconds_total:.1f} s")
    if plant_results:
        print()
        for name, plant_id, hit, note in plant_results:
            print(f"  {'found ' if hit else 'MISSED'} {name} {plant_id}{'  ' + note if note else ''}")
        hits = sum(1 for *_, hit, _ in plant_results if hit)
        print(f"planted recall {hits}/{len(plant_results)} = {hits / len(plant_results):.3f}")
    if args.unlabelled:
        write_json(args.unlabelled, unlabelled)
        print(f"\n{totals['unlabelled']} unlabelled findings written to {args.unlabelled}")
    return 0


def merge_labels(labels: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """labels.json plus the entries of `new` that carry a label ("true"/"false"); only the
    format's keys are kept (an unlabelled file's `message` is a reading aid)."""
    merged = {repo: dict(entries) for repo, entries in labels.items()}
    for repo, entries in new.items():
        for fingerprint, entry in entries.items():
            if entry.get("label") in ("true", "false"):
                merged.setdefault(repo, {})[fingerprint] = {key: entry.get(key) for key in LABEL_KEYS}
    return merged


if __name__ == "__main__":
    raise SystemExit(main())
