"""SIGKILL at random moments never leaves a partial artifact: every JSON file in the run
directory is always complete and valid, and the next run cleans up the killed writer's temp files."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path

from autopack.autopilot import artifacts
from tests.conftest import BIN, GIT_ENV

KILLS = 10


def _check_run_dirs(runs: Path) -> int:
    """Validate every finished artifact; return how many there were."""
    count = 0
    for path in runs.glob("*/*.json"):
        artifacts.validate(path.name, json.loads(path.read_text(encoding="utf-8")))
        count += 1
    return count


def test_sigkill_never_leaves_a_partial_artifact(make_repo):
    # Hundreds of root files make big artifacts, so the writes take a visible share of the run.
    repo = make_repo({"README.md": "# x\n", **{f"clutter_{i:04}.txt": f"{i}\n" for i in range(300)}})
    command = [str(BIN / "autopack-autopilot")]
    env = {**os.environ, **GIT_ENV}
    started = time.monotonic()
    subprocess.run(command, cwd=repo, env=env, capture_output=True, timeout=120, check=False)
    full_run = time.monotonic() - started
    runs = repo / ".autopack/runs"
    rng = random.Random(1807)
    seen = []
    for kill in range(KILLS):
        if kill % 2:  # half the kills hit a fresh directory, half overwrite finished artifacts
            for path in runs.glob("*/*.json"):
                path.unlink()
        process = subprocess.Popen(command, cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        time.sleep(rng.uniform(0.2, 1.0) * full_run)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        seen.append(_check_run_dirs(runs))
    assert seen[0] > 0, "the first kill hit a session overwriting finished artifacts"

    finished = subprocess.run(command, cwd=repo, env=env, capture_output=True, timeout=120, check=False)
    assert finished.returncode == 0, finished.stderr
    assert _check_run_dirs(runs) == len(artifacts.SESSION_ARTIFACTS)
    assert not [p for p in runs.rglob("*") if p.name.endswith(artifacts.TEMP_SUFFIX)]
