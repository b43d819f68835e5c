"""Helpers for the autopilot tests: run the real console script, read and validate artifacts,
and fingerprint a whole directory tree so a test can prove what changed."""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

from autopack.autopilot import artifacts
from tests.conftest import run_script

ARTIFACTS = ("gap_report_v1.json", "plan_proposal_v1.json", "autopilot_session_v1.json", "pending_approvals.json")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2})?")


def autopilot(repo: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`autopack-autopilot ARGS` in `repo` as a real subprocess."""
    return run_script("autopack-autopilot", *args, cwd=repo, env=env)


def run_json(repo: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    result = autopilot(repo, "--format", "json", *args, env=env)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def run_dir_of(repo: Path, summary: dict[str, Any]) -> Path:
    return repo / summary["run_dir"]


def load_artifacts(run_dir: Path) -> dict[str, dict[str, Any]]:
    """Every artifact of a run, each checked against its shipped schema."""
    documents = {}
    for name in ARTIFACTS:
        document = json.loads((run_dir / name).read_text(encoding="utf-8"))
        artifacts.validate(name, document)
        documents[name] = document
    return documents


def gaps_of(summary: dict[str, Any], gap_type: str | None = None) -> list[dict[str, Any]]:
    gaps = summary["gap_report"]["gaps"]
    return [g for g in gaps if gap_type is None or g["gap_type"] == gap_type]


def tree_fingerprint(root: Path, skip: Path | None = None) -> dict[str, str]:
    """path → hash of content (or link target) and mode, for every entry under `root`, `.git`
    included; `skip` (a directory) is left out."""
    found: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        base = Path(dirpath)
        if skip is not None and (base == skip or skip in base.parents):
            dirnames[:] = []
            continue
        for name in [*dirnames, *filenames]:
            path = base / name
            if path == skip:
                continue
            info = path.lstat()
            key = path.relative_to(root).as_posix()
            if stat.S_ISLNK(info.st_mode):
                found[key] = "link:" + os.readlink(path)
            elif stat.S_ISREG(info.st_mode):
                found[key] = f"{oct(info.st_mode)}:" + hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                found[key] = f"dir:{oct(info.st_mode)}"
    return found


@pytest.fixture
def no_git_path(tmp_path: Path) -> str:
    """A PATH with no git on it (an empty directory)."""
    empty = tmp_path / "no-git-bin"
    empty.mkdir()
    return str(empty)
