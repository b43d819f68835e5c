"""Policy-checked parallel execution and the anchors that authorise it.

    from autopack.parallel import execute_parallel, load_anchor
    results = execute_parallel(tasks, workers=4, anchor=load_anchor(".autopack/anchor.yaml"))

Names load on first use (PEP 562), so `import autopack.parallel.lint` (the hook) stays cheap.
"""

from __future__ import annotations

from autopack.lazy import lazy_exports

TYPE_CHECKING = False  # typing is imported for type checkers only: the hook starts lean
if TYPE_CHECKING:
    from autopack.parallel.anchor import DEFAULT_ANCHOR_PATH, Anchor, AnchorError, load_anchor
    from autopack.parallel.executor import (
        ParallelismPolicyError,
        TaskResult,
        execute_parallel,
        execute_parallel_runs,
    )

_EXPORTS = {
    "Anchor": "anchor",
    "AnchorError": "anchor",
    "DEFAULT_ANCHOR_PATH": "anchor",
    "load_anchor": "anchor",
    "ParallelismPolicyError": "executor",
    "TaskResult": "executor",
    "execute_parallel": "executor",
    "execute_parallel_runs": "executor",
}

__all__ = [
    "DEFAULT_ANCHOR_PATH",
    "Anchor",
    "AnchorError",
    "ParallelismPolicyError",
    "TaskResult",
    "execute_parallel",
    "execute_parallel_runs",
    "load_anchor",
]


__getattr__ = lazy_exports(__name__, _EXPORTS)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
