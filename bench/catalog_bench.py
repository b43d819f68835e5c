"""Benchmark: `autopack-catalog` vs `check-jsonschema --schemafile` (same schemas, same files).

Two workloads: this repository's config/models.yaml + config/pricing.yaml, and a generated
~2 MB pricing file (with a models.yaml that names every priced model, so both files are real).
check-jsonschema needs one process per schema, so its time is the sum of its two runs; autopack
checks both files (and the cross-file rules) in one process. Wall and CPU time, median of N.

Set up the peer once (its own venv, so its pins do not disturb other bench tools):
    python3 -m venv bench/.venv/catalog-peers && bench/.venv/catalog-peers/bin/pip install check-jsonschema
Run:  .venv/bin/python bench/catalog_bench.py
"""

from __future__ import annotations

import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AUTOPACK = ROOT / ".venv" / "bin" / "autopack-catalog"
CHECK_JSONSCHEMA = ROOT / "bench" / ".venv" / "catalog-peers" / "bin" / "check-jsonschema"
SCHEMAS = ROOT / "autopack" / "catalog" / "schemas"
PROVIDERS = ("anthropic", "openai", "google", "mistral")


def generated_catalog(target_bytes: int) -> tuple[str, str]:
    """A pricing file of about `target_bytes` and a models file naming every model in it."""
    sections: dict[str, list[str]] = {provider: [] for provider in PROVIDERS}
    models = ["model_aliases:\n  haiku: anthropic-model-00000\n  sonnet: anthropic-model-00004\n  opus: anthropic-model-00008\nmodels:\n"]
    size, index = 0, 0
    while size < target_bytes:
        provider = PROVIDERS[index % len(PROVIDERS)]
        model = f"{provider}-model-{index:05d}"
        entry = f"  {model}:\n    input_per_1k: 0.00{index % 97 + 1}\n    output_per_1k: 0.0{index % 89 + 10}\n"
        sections[provider].append(entry)
        tier = ("haiku", "sonnet", "opus")[index // len(PROVIDERS) % 3]
        models.append(f"  {model}: {{tier: {tier}, max_tokens: 8192}}\n")
        size += len(entry)
        index += 1
    pricing = "# generated pricing for the benchmark\n" + "".join(
        f"{provider}:\n" + "".join(entries) for provider, entries in sections.items()
    )
    return "".join(models), pricing


def run(argv: list[str], cwd: Path) -> tuple[float, float, int]:
    """Wall and CPU (user + system) seconds of one subprocess, and its exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    completed = subprocess.run(argv, cwd=cwd, capture_output=True, timeout=600, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, completed.returncode


def median_times(argvs: list[list[str]], cwd: Path, repeats: int) -> tuple[float, float, list[int]]:
    """Median over `repeats` of the summed wall and CPU time of running every argv once."""
    walls, cpus, codes = [], [], []
    for _ in range(repeats):
        results = [run(argv, cwd) for argv in argvs]
        walls.append(sum(r[0] for r in results))
        cpus.append(sum(r[1] for r in results))
        codes = [r[2] for r in results]
    return statistics.median(walls), statistics.median(cpus), codes


def compare(name: str, workdir: Path, repeats: int) -> None:
    models, pricing = workdir / "config" / "models.yaml", workdir / "config" / "pricing.yaml"
    peer_argvs = [
        [str(CHECK_JSONSCHEMA), "--schemafile", str(SCHEMAS / "models.schema.json"), str(models)],
        [str(CHECK_JSONSCHEMA), "--schemafile", str(SCHEMAS / "pricing.schema.json"), str(pricing)],
    ]
    our_wall, our_cpu, our_codes = median_times([[str(AUTOPACK)]], workdir, repeats)
    their_wall, their_cpu, their_codes = median_times(peer_argvs, workdir, repeats)
    size = models.stat().st_size + pricing.stat().st_size
    print(f"\n{name} ({size / 1e3:,.1f} kB, median of {repeats})")
    print(f"  {'':<18}{'wall s':>9}{'cpu s':>9}  exit")
    print(f"  {'autopack-catalog':<18}{our_wall:>9.3f}{our_cpu:>9.3f}  {our_codes}")
    print(f"  {'check-jsonschema':<18}{their_wall:>9.3f}{their_cpu:>9.3f}  {their_codes}")
    print(f"  ratio autopack / check-jsonschema: wall {our_wall / their_wall:.2f}x, cpu {our_cpu / their_cpu:.2f}x (goal <= 0.5x)")


def main() -> int:
    if not CHECK_JSONSCHEMA.exists():
        print(f"missing {CHECK_JSONSCHEMA}; see this script's docstring to install it", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="catalog-bench-") as tmp:
        small = Path(tmp) / "small"
        (small / "config").mkdir(parents=True)
        subprocess.run(["git", "init", "-q", str(small)], check=True)
        for name in ("models.yaml", "pricing.yaml"):
            shutil.copy(ROOT / "config" / name, small / "config" / name)
        large = Path(tmp) / "large"
        (large / "config").mkdir(parents=True)
        subprocess.run(["git", "init", "-q", str(large)], check=True)
        models_text, pricing_text = generated_catalog(1_950_000)
        (large / "config" / "models.yaml").write_text(models_text, encoding="utf-8")
        (large / "config" / "pricing.yaml").write_text(pricing_text, encoding="utf-8")
        print(f"python {sys.version.split()[0]}; check-jsonschema runs once per schema, autopack once for both files")
        compare("this repository's config/", small, repeats=9)
        compare("generated ~2 MB pricing + models", large, repeats=3)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
