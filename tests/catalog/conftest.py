"""Shared catalog fixtures: a good pair of files in the seed's format, and a runner for the hook
in a real git repository."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from autopack.catalog import hook

GOOD_MODELS = """\
model_aliases:
  haiku: claude-haiku-4-5
  sonnet: claude-sonnet-4-5
  opus: claude-opus-4-5
  fast: claude-haiku-4-5
models:
  claude-opus-4-5:
    tier: opus
    max_tokens: 32000
complexity_models:
  low: {builder: claude-haiku-4-5}
"""

GOOD_PRICING = """\
anthropic:
  claude-haiku-4-5:
    input_per_1k: 0.001
    output_per_1k: 0.005
  claude-sonnet-4-5:
    input_per_1k: 0.003
    output_per_1k: 0.015
  claude-opus-4-5:
    input_per_1k: 0.005
    output_per_1k: 0.025
cost_calculation:
  track_at_levels: [phase, run]
budgets:
  run_cost_cap_usd: null
"""


@dataclass
class HookRun:
    code: int
    findings: list[dict]
    stderr: str

    def rules(self) -> list[str]:
        return [f["rule"] for f in self.findings]

    def only(self, rule: str) -> dict:
        matching = [f for f in self.findings if f["rule"] == rule]
        assert len(matching) == 1, self.findings
        return matching[0]


@pytest.fixture
def catalog_repo(make_repo: Callable[..., Path]) -> Callable[..., Path]:
    """A git repository with config/models.yaml and config/pricing.yaml (None leaves one out)."""

    def factory(models: str | bytes | None = GOOD_MODELS, pricing: str | bytes | None = GOOD_PRICING, **extra: str | bytes) -> Path:
        files: dict[str, str | bytes] = dict(extra)
        if models is not None:
            files["config/models.yaml"] = models
        if pricing is not None:
            files["config/pricing.yaml"] = pricing
        return make_repo(files)

    return factory


@pytest.fixture
def run_hook(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., HookRun]:
    """`run_hook(repo, *flags)`: the hook's main() in-process, JSON findings parsed."""

    def runner(repo: Path, *args: str) -> HookRun:
        monkeypatch.chdir(repo)
        code = hook.main(["--format", "json", *args])
        captured = capsys.readouterr()
        return HookRun(code, json.loads(captured.out) if captured.out.strip() else [], captured.err)

    return runner
