"""Gap detectors: each looks at one aspect of the repository and yields gaps.

A gap is what the autopilot would have to fix before the repository is in its ideal state. The
four enforcements are detectors through the core (`engine.collect`), mapped to gap types by a
table, so each plugs in as soon as its module is installed. The others read git's state, the
file list and the configuration; custom detectors run configured commands. Detectors only read:
nothing here writes to the repository.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import stat
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Any

from autopack import engine, files
from autopack.autopilot import allowlist
from autopack.autopilot.gitstate import WorkingTree, git_dir, git_env
from autopack.autopilot.settings import RISKS, ROOT_ALLOW_WITH_MANIFEST, load_settings, risk_rank
from autopack.autopilot.snapshot import Snapshot, config_in
from autopack.config import Config
from autopack.findings import ConfigError, Finding

EXCERPT_BYTES = 2048


@dataclass(frozen=True)
class Gap:
    """One gap. `gap_id` depends only on the identifying inputs, so it is stable across runs."""

    gap_id: str
    gap_type: str
    title: str
    risk: str
    blocks_autopilot: bool
    evidence: dict[str, Any]
    detector: str
    paths: tuple[str, ...] = ()
    fix: str = ""

    @property
    def sort_key(self) -> tuple[int, str]:
        return (-risk_rank(self.risk), self.gap_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "gap_id": self.gap_id,
            "gap_type": self.gap_type,
            "title": self.title,
            "risk": self.risk,
            "blocks_autopilot": self.blocks_autopilot,
            "evidence": self.evidence,
            "detector": self.detector,
            "paths": list(self.paths),
            "fix": self.fix,
        }


def gap_id(gap_type: str, identity: Sequence[str]) -> str:
    """`<gap_type>-` + 12 hex of sha256 over the sorted identifying inputs."""
    payload = "\0".join(sorted(identity)).encode("utf-8", "surrogateescape")
    return f"{gap_type}-{hashlib.sha256(payload).hexdigest()[:12]}"


def make_gap(gap_type: str, identity: Sequence[str], *, title: str, risk: str, detector: str,
             evidence: dict[str, Any], paths: Sequence[str] = (), blocks: bool = False, fix: str = "") -> Gap:
    return Gap(gap_id(gap_type, identity), gap_type, title, risk, blocks, evidence, detector, tuple(sorted(paths)), fix)


@dataclass
class DetectorStatus:
    """Whether a detector ran, so a report shows what was and was not looked at."""

    name: str
    status: str  # ran | unavailable | disabled | skipped | error
    detail: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "status": self.status, "detail": self.detail}


@dataclass
class ScanContext:
    """What every detector sees. `config` is None when the configuration could not be loaded."""

    root: Path
    config: Config | None
    settings: dict[str, Any]
    tree: WorkingTree
    run_dir_prefixes: tuple[str, ...]  # repo-relative run directory (excluded from every scan)
    snapshot: Snapshot  # where configured commands run
    config_error: str | None = None
    statuses: list[DetectorStatus] = field(default_factory=list)

    @cached_property
    def excluded(self) -> tuple[str, ...]:
        """`startswith` prefixes of the run directories (with their trailing `/`)."""
        return tuple(p.rstrip("/") + "/" for p in self.run_dir_prefixes)

    def relative(self, text: str) -> str:
        """Messages name files repo-relative, so reports do not depend on where the repo lives."""
        if self.snapshot.made:
            text = text.replace(str(self.snapshot.path) + os.sep, "")
        return text.replace(str(self.root) + os.sep, "")

    @cached_property
    def repo_files(self) -> list[str]:
        excluded = files.compile_globs(self.config.exclude if self.config else [])
        return [
            p for p in files.list_repo_files(self.root)
            if not excluded(p) and not p.startswith(self.excluded)
        ]

    @property
    def max_file_size(self) -> int:
        return self.config.values["max-file-size"] if self.config else 2 * 1024 * 1024


Detector = Callable[[ScanContext], Iterator[Gap]]


# --- the four enforcements -----------------------------------------------------------------------

def _no_commands(_settings: dict[str, Any]) -> bool:
    return False


def _doc_checks(settings: dict[str, Any]) -> bool:
    return settings["preset"] != "none" or bool(settings["commands"])


@dataclass(frozen=True)
class EnforcementGap:
    """How one enforcement's findings become gaps: its section, gap type, the risk of an `error`
    finding (warnings one step lower, notes two), the console script that re-checks, and whether
    its settings make it run configured commands (then it runs in the snapshot)."""

    section: str
    gap_type: str
    error_risk: str
    script: str
    runs_commands: Callable[[dict[str, Any]], bool] = _no_commands


ENFORCEMENT_GAPS: tuple[EnforcementGap, ...] = (
    EnforcementGap("doc-drift", "doc_drift", "high", "autopack-doc-drift", _doc_checks),
    EnforcementGap("debug-guard", "production_debug_config", "critical", "autopack-debug-guard"),
    EnforcementGap("catalog", "catalog_invalid", "high", "autopack-catalog"),
    EnforcementGap("parallelism", "parallelism_policy_violation", "high", "autopack-parallel-lint"),
)
SEVERITY_STEPS = {"error": 0, "warning": 1, "note": 2}


def _finding_risk(mapping: EnforcementGap, finding: Finding) -> str:
    index = min(RISKS.index(mapping.error_risk) + SEVERITY_STEPS[finding.severity.value], len(RISKS) - 1)
    return RISKS[index]


def _finding_gaps(mapping: EnforcementGap, findings: list[Finding], own_rules: set[str]) -> Iterator[Gap]:
    seen: Counter[str] = Counter()
    for finding in findings:
        if finding.rule_id not in own_rules:
            continue  # core notes (skipped files, bare ignores) are not gaps of this enforcement
        seen[finding.fingerprint] += 1
        identity = [finding.rule_id, finding.path, finding.fingerprint, str(seen[finding.fingerprint])]
        where = f"{finding.path}:{finding.line}" if finding.line else finding.path
        yield make_gap(
            mapping.gap_type, identity,
            title=f"{where}: {finding.rule_id} {finding.message}",
            risk=_finding_risk(mapping, finding),
            detector=mapping.section,
            evidence=finding.to_dict(),
            paths=[finding.path] if finding.path else [],
            fix=finding.fix,
        )


def detect_enforcements(context: ScanContext) -> Iterator[Gap]:
    for mapping in ENFORCEMENT_GAPS:
        status = DetectorStatus(mapping.section, "ran")
        context.statuses.append(status)
        if context.config is None:
            status.status, status.detail = "skipped", "the autopack configuration is invalid"
            continue
        enforcement = engine.resolve(mapping.section)
        try:
            settings = context.config.section(mapping.section, enforcement.settings)
            if not settings["enabled"]:
                status.status, status.detail = "disabled", "enabled = false"
                continue
        except ConfigError:
            status.status, status.detail = "skipped", "its configuration section is invalid"
            continue
        try:
            if mapping.runs_commands(settings):  # repository code: in the snapshot, never the working tree
                status.detail = "ran in the snapshot (configured commands)"
                copy = context.snapshot.path
                result = engine.collect([enforcement], copy, config_in(copy, context.root, context.config), None, use_cache=False)
            else:  # use_cache=False: the session writes nothing outside its run directory
                result = engine.collect([enforcement], context.root, context.config, None, use_cache=False)
            current, _ = engine.without_baselined(result.findings, context.config)  # a baselined finding is no gap
        except Exception as exc:  # one broken detector must not end the whole session
            if os.environ.get("AUTOPACK_DEBUG"):
                raise
            if not isinstance(exc, ConfigError):
                exc = ConfigError(f"internal error: {type(exc).__name__}: {exc}")
            status.status, status.detail = "error", context.relative(str(exc))
            yield make_gap(
                mapping.gap_type, ["detector-error", mapping.section],
                title=f"{mapping.section} could not run", risk="high", detector=mapping.section,
                evidence={"error": context.relative(str(exc))},
                fix=f"Run `{mapping.script} --all-files` to see the error and fix its cause.",
            )
            continue
        own = {rule.id for rule in enforcement.rules}
        findings = [f for f in current if not f.path.startswith(context.excluded)]
        yield from _finding_gaps(mapping, findings, own)


# --- git state ---------------------------------------------------------------------------------

IN_PROGRESS_MARKERS: tuple[tuple[str, str, str], ...] = (
    # (marker in the git dir, what is in progress, how to finish it)
    ("MERGE_HEAD", "a merge", "finish it (`git commit`) or abort it (`git merge --abort`)"),
    ("rebase-merge", "a rebase", "finish it (`git rebase --continue`) or abort it (`git rebase --abort`)"),
    ("rebase-apply", "a rebase or `git am`", "finish it (`--continue`) or abort it (`git rebase --abort` / `git am --abort`)"),
    ("CHERRY_PICK_HEAD", "a cherry-pick", "finish it (`git cherry-pick --continue`) or abort it (`git cherry-pick --abort`)"),
    ("REVERT_HEAD", "a revert", "finish it (`git revert --continue`) or abort it (`git revert --abort`)"),
)
LOCK_FILES = ("index.lock", "HEAD.lock")


def _git_dir_label(context: ScanContext, directory: Path) -> str:
    try:
        return directory.relative_to(context.root).as_posix()
    except ValueError:
        return directory.as_posix()


def detect_git_state(context: ScanContext) -> Iterator[Gap]:
    context.statuses.append(DetectorStatus("git-state", "ran"))
    tree = context.tree
    gap = partial(make_gap, "git_state_corruption", detector="git-state", blocks=True)
    if tree.git_missing:
        yield gap(["git-missing"], title="git is not available", risk="critical",
                  evidence={"reason": "git is not on PATH"}, fix="Install git and put it on PATH.")
        return
    if not tree.ok:
        error = context.relative(tree.error or "")[:EXCERPT_BYTES]
        if "not a git repository" in error:
            yield gap(["not-a-repository"], title="not a git repository", risk="high",
                      evidence={"reason": error}, fix="Run the autopilot inside a git repository (`git init`).")
        else:
            yield gap(["git-status-failed"], title="git cannot read the repository", risk="critical",
                      evidence={"reason": error}, fix="Repair the repository (see git's message), e.g. `git fsck`.")
        return
    directory = git_dir(context.root)
    if directory is None:
        return
    label = _git_dir_label(context, directory)
    for marker, operation, how in IN_PROGRESS_MARKERS:
        if os.path.lexists(directory / marker):
            yield gap([f"in-progress:{marker}"], title=f"{operation} is in progress", risk="high",
                      evidence={"marker": f"{label}/{marker}", "operation": operation},
                      paths=[f"{label}/{marker}"], fix=f"Finish or abort {operation}: {how}.")
    for lock in LOCK_FILES:
        if os.path.lexists(directory / lock):
            yield gap([f"lock:{lock}"], title=f"{label}/{lock} exists: a git process is running or one crashed",
                      risk="high", evidence={"lock": f"{label}/{lock}"}, paths=[f"{label}/{lock}"],
                      fix=f"If no git process is running, delete {label}/{lock}.")
    unmerged = sorted(e.path for e in tree.entries if e.kind == "u")
    if unmerged:
        yield gap(["unmerged", *unmerged], title=f"{len(unmerged)} path(s) with unresolved merge conflicts",
                  risk="high", evidence={"unmerged_paths": unmerged}, paths=unmerged,
                  fix="Resolve the conflicts and `git add` the files, or abort the operation.")


# --- protected paths ---------------------------------------------------------------------------

def _describe_change(xy: str, kind: str) -> str:
    if kind == "?":
        return "untracked"
    if kind == "u":
        return "unmerged"
    if kind == "2":
        return "renamed"
    states = {"M": "modified", "T": "modified", "A": "added", "D": "deleted"}
    return states.get(xy[0], "") or states.get(xy[1], "modified")


def detect_protected_paths(context: ScanContext) -> Iterator[Gap]:
    context.statuses.append(DetectorStatus("protected-paths", "ran" if context.tree.ok else "skipped",
                                           "" if context.tree.ok else "git did not answer"))
    protected = context.settings["protected-paths"]
    for entry in context.tree.entries:
        for path in filter(None, (entry.path, entry.original)):
            prefix = allowlist.protected_prefix(path, protected)
            if prefix is None:
                continue
            change = _describe_change(entry.xy, entry.kind)
            if entry.original is not None and path == entry.original:
                change = f"renamed to {entry.path}"
            yield make_gap(
                "protected_path_violation", [path],
                title=f"uncommitted change under protected path {prefix}: {path} ({change})",
                risk="medium", detector="protected-paths", paths=[path],
                evidence={"path": path, "protected_path": prefix, "change": change,
                          "staged": entry.kind in "12" and entry.xy[0] != ".",
                          "unstaged": entry.worktree_changed},
                fix="Commit, stash or revert the change; the autopilot never writes protected paths.",
            )


# --- root clutter ------------------------------------------------------------------------------

def detect_root_clutter(context: ScanContext) -> Iterator[Gap]:
    context.statuses.append(DetectorStatus("root-clutter", "ran"))
    root_files = [p for p in context.repo_files if "/" not in p]
    patterns = [p.lower() for p in (*context.settings["root-allow"], *context.settings["extend-root-allow"])]
    for manifest, extra in ROOT_ALLOW_WITH_MANIFEST.items():
        if manifest in root_files:
            patterns.extend(extra)
    allowed = files.compile_globs(patterns)
    untracked = {e.path for e in context.tree.entries if e.kind == "?"}
    for path in root_files:
        if allowed(path.lower()):
            continue
        yield make_gap(
            "root_clutter", [path], title=f"unexpected file at the repository root: {path}", risk="low",
            detector="root-clutter", paths=[path], evidence={"path": path, "untracked": path in untracked},
            fix="Move it into a folder or delete it; if it belongs at the root, add it to `extend-root-allow`.",
        )


# --- encodings ---------------------------------------------------------------------------------

BINARY_EXTENSIONS = frozenset(
    "png jpg jpeg gif bmp ico icns webp tif tiff psd ai sketch pdf zip gz tgz bz2 xz zst 7z rar jar war ear "
    "whl egg so dylib dll exe bin o a lib obj class pyc pyo pyd mo woff woff2 ttf otf eot mp3 mp4 m4a wav ogg "
    "flac avi mov mkv webm sqlite sqlite3 db pkl pickle npy npz parquet h5 hdf5 iso dmg img wasm swf xls xlsx "
    "doc docx ppt pptx odt ods odp keystore jks p12 pfx der".split()
)
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
CONTROL_BYTES = bytes(set(range(32)) - {9, 10, 11, 12, 13, 27})


def _bomless_utf16(sample: bytes) -> str | None:
    """UTF-16 without a BOM: ASCII text with a NUL in every other byte."""
    sample = sample[: len(sample) - len(sample) % 2][:1024]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    if not odd.strip(b"\0") and even.strip(b"\0") and not even.translate(None, CONTROL_BYTES).count(b"\0"):
        return "utf-16-le"
    if not even.strip(b"\0") and odd.strip(b"\0"):
        return "utf-16-be"
    return None


def encoding_problem(raw: bytes) -> dict[str, Any] | None:
    """Evidence when `raw` is text that is not UTF-8; None for UTF-8 text and for binary data."""
    for bom, name in BOMS:
        if raw.startswith(bom):
            return {"encoding": name, "offset": 0, "line": 1, "reason": f"{name} byte order mark"}
    head = raw[: files.BINARY_SNIFF_BYTES]
    if b"\0" in head:
        name = _bomless_utf16(head)
        return {"encoding": name, "offset": 0, "line": 1, "reason": f"{name} without a byte order mark"} if name else None
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if len(raw) - len(raw.translate(None, CONTROL_BYTES)) > len(raw) // 100:
            return None  # control bytes: binary data, not text
        try:
            raw.decode("cp1252")
            guess = "cp1252 (Windows-1252) or latin-1"
        except UnicodeDecodeError:
            guess = "an 8-bit encoding other than UTF-8"
        return {
            "encoding": guess,
            "offset": exc.start,
            "line": raw.count(b"\n", 0, exc.start) + 1,
            "reason": f"byte 0x{raw[exc.start]:02x} at offset {exc.start} is not valid UTF-8",
        }
    return None


def _read_bytes(root: Path, path: str, limit: int) -> bytes | None:
    full = root / path
    try:
        info = full.lstat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        with open(full, "rb") as handle:
            return handle.read(limit + 1)
    except OSError:
        return None


def detect_encodings(context: ScanContext) -> Iterator[Gap]:
    context.statuses.append(DetectorStatus("encoding", "ran"))
    skipped = files.compile_globs(context.settings["encoding-exclude"])
    for path in context.repo_files:
        if path.rpartition(".")[2].lower() in BINARY_EXTENSIONS or skipped(path):
            continue
        raw = _read_bytes(context.root, path, context.max_file_size)
        problem = encoding_problem(raw) if raw else None
        if problem is None:
            continue
        yield make_gap(
            "windows_encoding_issue", [path], title=f"{path}: not UTF-8 ({problem['reason']})", risk="medium",
            detector="encoding", paths=[path], evidence={"path": path, **problem},
            fix="Re-save the file as UTF-8 (without BOM), or add it to `encoding-exclude` if it must stay as is.",
        )


# --- baseline policy: configuration and anchor -------------------------------------------------

def _policy_gap(context: ScanContext, identity: list[str], path: str, title: str, error: str) -> Gap:
    return make_gap(
        "baseline_policy_drift", identity, title=title, risk="high", blocks=True, detector="policy",
        paths=[path] if path else [], evidence={"path": path, "error": context.relative(error)},
        fix="Fix the file as the error says; `autopack config` shows the effective configuration.",
    )


def detect_policy(context: ScanContext) -> Iterator[Gap]:
    context.statuses.append(DetectorStatus("policy", "ran"))
    if context.config_error is not None:
        yield _policy_gap(context, ["config"], "", "the autopack configuration cannot be loaded", context.config_error)
        return
    assert context.config is not None
    source = context.relative(str(context.config.source)) if context.config.source else ""
    checks: dict[str, Callable[[Config], object]] = {"autopilot": load_settings}
    for name in engine.REGISTRY:
        checks[name] = lambda config, name=name: config.section(name, engine.resolve(name).settings)
    for section, validate in sorted(checks.items()):
        try:
            validate(context.config)
        except ConfigError as exc:
            yield _policy_gap(context, ["config", section], source, f"the `{section}` configuration is invalid", str(exc))
    anchor = context.settings["anchor"]
    if not anchor or not os.path.lexists(context.root / anchor):
        return
    outside = _outside_repository(context.root, anchor)
    if outside is not None:  # never read: its content must not reach the gap report
        yield _policy_gap(context, ["anchor", anchor], anchor if outside == "symlink" else "",
                          "the parallelism anchor lies outside the repository",
                          f"{anchor}: {'a symlink leads' if outside == 'symlink' else 'the path leads'} outside the "
                          "repository; the anchor was not read. Commit the anchor as a file inside the repository.")
        return
    try:
        from autopack.parallel.anchor import load_anchor
    except ImportError:
        return
    try:
        load_anchor(context.root / anchor)
    except ConfigError as exc:
        yield _policy_gap(context, ["anchor", anchor], anchor, "the parallelism anchor is invalid", str(exc))


def _outside_repository(root: Path, relative: str) -> str | None:
    """`path` when a configured repo-relative path leaves the repository as written (absolute,
    `..`), `symlink` when a symlink on the way leads out of it, None when it stays inside."""
    if allowlist.path_escapes(relative):
        return "path"
    real_root = root.resolve()
    try:
        resolved = (root / relative).resolve()
    except (OSError, RuntimeError):
        return "symlink"  # a symlink loop
    return None if resolved.is_relative_to(real_root) else "symlink"


# --- custom detectors --------------------------------------------------------------------------

def detect_custom(context: ScanContext) -> Iterator[Gap]:
    from autopack.commands import PASSED, SKIPPED, run_command

    for detector in context.settings["detectors"]:
        name, argv = detector["name"], list(detector["run"])
        label = f"detector:{name}"
        status = DetectorStatus(label, "ran")
        context.statuses.append(status)
        base = {"detector": name, "argv": argv}
        gap = partial(make_gap, "unknown", ["detector", name], detector=label, blocks=detector["blocks-autopilot"],
                      fix=f"Run `{' '.join(argv)}` and fix what it reports.")
        if not detector["read-only"]:
            status.status, status.detail = "skipped", "not marked read-only: runs only with approval"
            yield gap(evidence={**base, "status": "not-run", "reason": "not marked read-only"},
                      title=f"detector {name} was not run: it is not marked read-only", risk="info")
            continue
        reason = allowlist.hostile_reason(argv)
        if reason is not None:
            status.status, status.detail = "skipped", f"refused: {reason}"
            yield gap(evidence={**base, "status": "refused", "reason": reason},
                      title=f"detector {name} refused: {reason}", risk="high")
            continue
        copy = context.snapshot.path  # repository code: in the snapshot, never the working tree
        evidence = run_command(argv, copy, float(detector["timeout"]), cwd_label=".", env=context.snapshot.env(git_env()),
                               pass_env=pass_env_of(context.config), read_only=True)
        if evidence.status == SKIPPED:  # configured commands are turned off here (docs/security.md)
            status.status, status.detail = "skipped", evidence.detail
            yield gap(evidence={**base, "status": "not-run", "reason": evidence.detail},
                      title=f"detector {name} was not run: configured commands are turned off here", risk="info")
        elif evidence.status != PASSED:
            code = f" (exit {evidence.exit_code})" if evidence.exit_code is not None else ""
            yield gap(evidence={**base, **evidence.to_dict()}, title=f"detector {name}: {evidence.status}{code}",
                      risk=detector["risk"])


# --- the read-only promise ----------------------------------------------------------------------

MAX_LISTED = 100  # changed paths named in evidence


def read_only_violation(before: str, after: str, changed: Sequence[str]) -> Gap:
    """The working tree changed while the session ran: never silent, always critical."""
    shown = ", ".join(changed[:5]) + (" ..." if len(changed) > 5 else "")
    return make_gap(
        "read_only_violation", ["workspace-changed", before, after],
        title=f"the working tree changed during the read-only session: {shown or 'HEAD or the index'}",
        risk="critical", blocks=True, detector="workspace-integrity", paths=list(changed[:MAX_LISTED]),
        evidence={"digest_before": before, "digest_after": after, "changed_paths": list(changed[:MAX_LISTED]),
                  "changed_count": len(changed)},
        fix="Review and revert the change; a configured command that writes must not be marked read-only "
            "(or something else edited the tree while the session ran).",
    )


def pass_env_of(config: Config | None) -> list[str]:
    """The configuration's `pass-env` names: what configured commands see beyond the scrubbed
    environment, wherever the autopilot runs them (its detectors, its executor, apply)."""
    return config.values["pass-env"] if config is not None else []


def runs_configured_commands(config: Config | None, settings: dict[str, Any]) -> bool:
    """Whether a session will run repository code: a read-only detector, or an enabled
    enforcement whose settings configure commands."""
    if any(detector["read-only"] for detector in settings["detectors"]):
        return True
    if config is None:
        return False
    for mapping in ENFORCEMENT_GAPS:
        try:
            section = config.section(mapping.section, engine.resolve(mapping.section).settings)
        except (ConfigError, ImportError):
            continue
        if section["enabled"] and mapping.runs_commands(section):
            return True
    return False


DETECTORS: tuple[Detector, ...] = (
    detect_git_state,
    detect_policy,
    detect_enforcements,
    detect_protected_paths,
    detect_root_clutter,
    detect_encodings,
    detect_custom,
)


def scan(context: ScanContext) -> list[Gap]:
    """Every detector's gaps, sorted by risk (worst first) then gap id, duplicates removed."""
    gaps: dict[str, Gap] = {}
    for detector in DETECTORS:
        for found in detector(context):
            gaps.setdefault(found.gap_id, found)
    return sorted(gaps.values(), key=lambda g: g.sort_key)
