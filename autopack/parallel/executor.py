"""Policy-checked parallel execution.

`execute_parallel` is the public default: one worker needs nothing, more than one worker needs an
anchor that allows it, and the check happens before any task starts. `_execute_parallel_internal`
is the unchecked runner underneath; it still works for old callers but warns when used from
outside this package, so the transition away from it is visible.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from autopack.parallel.anchor import DEFAULT_ANCHOR_PATH, DOCS_LINK, Anchor, load_anchor

T = TypeVar("T")
AnchorLike = Anchor | str | os.PathLike[str]

_PACKAGE = __package__ or "autopack.parallel"


class ParallelismPolicyError(RuntimeError):
    """Parallel work that no anchor authorises. Raised before any task starts."""


@dataclass(frozen=True)
class TaskResult(Generic[T]):
    """The outcome of one task, at its input position: a value, or the exception it raised."""

    index: int
    value: T | None = None
    error: Exception | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def unwrap(self) -> T:
        """The value, or the task's own exception raised again (with its original traceback)."""
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]


def execute_parallel(
    tasks: Iterable[Callable[[], T]], *, workers: int = 1, anchor: AnchorLike | None = None
) -> list[TaskResult[T]]:
    """Run zero-argument callables on `workers` threads; results come back in input order.

    `workers == 1` runs serially without an anchor. More workers need an anchor (an `Anchor` or
    the path of an anchor file) with `allowed: true` and `max_workers >= workers`; otherwise
    `ParallelismPolicyError` is raised before any task runs.
    """
    task_list = _as_tasks(tasks)
    _check_workers(workers)
    resolved = load_anchor(anchor) if isinstance(anchor, (str, os.PathLike)) else anchor
    _enforce_policy("execute_parallel", workers, resolved)
    return _execute_parallel_internal(task_list, workers=workers)


def execute_parallel_runs(
    runs: Iterable[Callable[[], T]], *, anchor: AnchorLike, workers: int | None = None
) -> list[TaskResult[T]]:
    """Run whole runs in parallel under an anchor, which is required. `workers` defaults to the
    anchor's `max_workers` (one worker when the anchor does not allow parallel work)."""
    resolved = load_anchor(anchor) if isinstance(anchor, (str, os.PathLike)) else anchor
    if resolved is None:
        raise ParallelismPolicyError(_missing_anchor_message("execute_parallel_runs(anchor=None)", workers))
    if workers is None:
        workers = resolved.max_workers if resolved.allowed else 1
    return execute_parallel(runs, workers=workers, anchor=resolved)


def _execute_parallel_internal(tasks: Iterable[Callable[[], T]], *, workers: int = 1) -> list[TaskResult[T]]:
    """The unchecked runner. Private: callers outside autopack.parallel get a DeprecationWarning
    and should call `execute_parallel(tasks, workers=..., anchor=...)`."""
    caller = sys._getframe(1).f_globals.get("__name__", "")
    if caller != _PACKAGE and not caller.startswith(_PACKAGE + "."):
        warnings.warn(
            "autopack.parallel._execute_parallel_internal is private and skips the parallelism "
            "policy; call execute_parallel(tasks, workers=..., anchor=...) instead",
            DeprecationWarning,
            stacklevel=2,
        )
    task_list = _as_tasks(tasks)
    _check_workers(workers)
    if workers == 1 or len(task_list) <= 1:
        return [_run_one(index, task) for index, task in enumerate(task_list)]
    return _run_threads(task_list, workers)


def _run_one(index: int, task: Callable[[], T]) -> TaskResult[T]:
    """A task's exception is its result; KeyboardInterrupt and SystemExit still stop the batch."""
    try:
        return TaskResult(index, value=task())
    except Exception as exc:
        return TaskResult(index, error=exc)


def _run_threads(tasks: list[Callable[[], T]], workers: int) -> list[TaskResult[T]]:
    """Real worker threads. On Ctrl-C (or any stop) pending tasks are cancelled: they never start;
    tasks already running finish, because Python threads cannot be killed."""
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=min(workers, len(tasks)), thread_name_prefix="autopack-parallel")
    try:
        futures = [pool.submit(_run_one, index, task) for index, task in enumerate(tasks)]
        results = [future.result() for future in futures]
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return results


def _as_tasks(tasks: Iterable[Callable[[], T]]) -> list[Callable[[], T]]:
    task_list = list(tasks)
    for index, task in enumerate(task_list):
        if not callable(task):
            raise TypeError(
                f"task {index} is not callable ({task!r}); pass zero-argument callables, "
                "e.g. functools.partial(function, argument)"
            )
    return task_list


def _check_workers(workers: object) -> None:
    if isinstance(workers, bool) or not isinstance(workers, int):
        raise TypeError(f"workers must be an integer >= 1, not {workers!r}")
    if workers < 1:
        raise ValueError(f"workers must be an integer >= 1, not {workers!r}")


def _enforce_policy(api: str, workers: int, anchor: Anchor | None) -> None:
    """One worker is always fine; more need an anchor that allows that many."""
    if workers == 1:
        return
    if anchor is None:
        raise ParallelismPolicyError(_missing_anchor_message(f"{api}(workers={workers})", workers))
    refused = (
        f"{api}(workers={workers}) is refused: the anchor {anchor.where} "
        f"(id {anchor.id!r}, owner {anchor.owner!r})"
    )
    if not anchor.allowed:
        raise ParallelismPolicyError(
            f"{refused} sets parallelism.allowed: false.\n"
            f"Run with workers=1, or ask {anchor.owner} to set `allowed: true` in the anchor.\n"
            f"How anchors work: {DOCS_LINK}"
        )
    if workers > anchor.max_workers:
        raise ParallelismPolicyError(
            f"{refused} allows at most {anchor.max_workers} workers.\n"
            f"Use workers={anchor.max_workers} or fewer, or raise parallelism.max_workers in the anchor "
            f"(a change {anchor.owner} should review).\n"
            f"How anchors work: {DOCS_LINK}"
        )


def _missing_anchor_message(call: str, workers: int | None) -> str:
    api = call.partition("(")[0]
    ceiling = workers if workers is not None else 4
    return (
        f"{call} needs a parallelism anchor, and none was given.\n"
        f"Parallel work must be authorised by a committed anchor file. Create {DEFAULT_ANCHOR_PATH}:\n"
        "\n"
        "    id: my-parallel-job        # a stable name for this work\n"
        "    owner: my-team             # who answers for it\n"
        "    parallelism:\n"
        "      allowed: true\n"
        f"      max_workers: {ceiling}\n"
        "\n"
        f'then pass it: {api}(tasks, workers=..., anchor=load_anchor("{DEFAULT_ANCHOR_PATH}")), '
        "or run serially with workers=1.\n"
        f"How anchors work: {DOCS_LINK}"
    )
