"""autopack-parallel-lint: each family of APP401/APP402/APP403/APP400, positive and negative,
through the real runner on real git repositories (the scanned code is never imported)."""

from __future__ import annotations

import json
import textwrap

import pytest

from autopack.config import load_config
from autopack.engine import collect
from autopack.parallel.lint import ENFORCEMENT, owner_matcher
from tests.conftest import run_script


@pytest.fixture
def lint(make_repo):
    """`lint({"path": source}, config="key = value")` → [(rule, path, line), ...] sorted."""

    def run(files: dict[str, str], config: str = "") -> list[tuple[str, str, int | None]]:
        files = {name: textwrap.dedent(text) for name, text in files.items()}
        if config:
            files["pyproject.toml"] = "[tool.autopack.parallelism]\n" + textwrap.dedent(config)
        root = make_repo(files)
        result = collect([ENFORCEMENT], root, load_config(root), None)
        return [(f.rule_id, f.path, f.line) for f in result.findings]

    return run


def lines_of(findings, rule: str) -> list[int | None]:
    return [line for found_rule, _path, line in findings if found_rule == rule]


EP = "from autopack.parallel import execute_parallel\n"
APP401_POSITIVE = {
    "literal workers": EP + "execute_parallel(tasks, workers=4)\n",
    "variable workers": EP + "execute_parallel(tasks, workers=n)\n",
    "expression that is 1 but not a literal": EP + "execute_parallel(tasks, workers=2 - 1)\n",
    "True is not the literal 1": EP + "execute_parallel(tasks, workers=True)\n",
    "anchor=None": EP + "execute_parallel(tasks, workers=4, anchor=None)\n",
    "max_workers keyword": EP + "execute_parallel(tasks, max_workers=8)\n",
    "from-import alias": "from autopack.parallel import execute_parallel as ep\nep(tasks, workers=4)\n",
    "module alias attribute": "import autopack.parallel as par\npar.execute_parallel(tasks, workers=4)\n",
    "full module path": "import autopack.parallel.executor\nautopack.parallel.executor.execute_parallel(tasks, workers=4)\n",
    "object attribute": "def go(orch, tasks):\n    return orch.execute_parallel(tasks, workers=4)\n",
    "runs default workers": "from autopack.parallel import execute_parallel_runs\nexecute_parallel_runs(runs)\n",
    "runs with anchor=None": "def go(self, runs):\n    self.pool.execute_parallel_runs(runs, anchor=None, workers=2)\n",
    "functools.partial": "import functools\nfrom autopack.parallel import execute_parallel\nfunctools.partial(execute_parallel, workers=4)\n",
    "partial alias of functools": "import functools as ft\nimport autopack.parallel as par\nft.partial(par.execute_parallel, workers=4)\n",
    "partial imported under a name": "from functools import partial as bind\nfrom autopack.parallel import execute_parallel\nbind(execute_parallel, workers=4)\n",
    "partial of runs without anchor": "from functools import partial\nfrom autopack.parallel import execute_parallel_runs\npartial(execute_parallel_runs)\n",
    "assignment alias": "import autopack.parallel as par\nrun = par.execute_parallel\nrun(tasks, workers=3)\n",
    "partial called at once": "from functools import partial\nfrom autopack.parallel import execute_parallel\npartial(execute_parallel)(tasks, workers=4)\n",
    "annotated alias": "import autopack.parallel as par\nrun: object = par.execute_parallel\nrun(tasks, workers=2)\n",
    "getattr": "import autopack.parallel as par\ngetattr(par, 'execute_parallel')(tasks, workers=2)\n",
    "inside a method": "class Job:\n    def run(self, tasks):\n        from autopack.parallel import execute_parallel\n        return execute_parallel(tasks, workers=self.n)\n",
    "inside a lambda": EP + "run = lambda tasks: execute_parallel(tasks, workers=8)\n",
}


@pytest.mark.parametrize("source", APP401_POSITIVE.values(), ids=APP401_POSITIVE.keys())
def test_app401_flags_parallel_calls_without_an_anchor(lint, source):
    findings = lint({"job.py": source})
    assert [rule for rule, _, _ in findings] == ["APP401"]
    assert findings[0][2] == source.rstrip("\n").count("\n") + 1  # each example ends with its call


APP401_NEGATIVE = {
    "default workers": EP + "execute_parallel(tasks)\n",
    "workers=1": EP + "execute_parallel(tasks, workers=1)\n",
    "workers=(1)": EP + "execute_parallel(tasks, workers=(1))\n",
    "workers=0x1": EP + "execute_parallel(tasks, workers=0x1)\n",
    "anchor variable": EP + "execute_parallel(tasks, workers=n, anchor=anchor)\n",
    "anchor loaded inline": "from autopack.parallel import execute_parallel, load_anchor\nexecute_parallel(tasks, workers=8, anchor=load_anchor('.autopack/anchor.yaml'))\n",
    "kwargs forwarding": EP + "def go(tasks, **options):\n    return execute_parallel(tasks, workers=4, **options)\n",
    "runs with anchor": "from autopack.parallel import execute_parallel_runs\nexecute_parallel_runs(runs, anchor=a)\n",
    "partial with anchor, call adds workers": "from functools import partial\nfrom autopack.parallel import execute_parallel\nrun = partial(execute_parallel, anchor=a)\nrun(tasks, workers=8)\n",
    "partial without workers is serial": "from functools import partial\nfrom autopack.parallel import execute_parallel\nrun = partial(execute_parallel)\nrun(tasks)\n",
    "names only in strings and comments": '"""Use execute_parallel(tasks, workers=4)."""\n# execute_parallel(tasks, workers=4)\nHELP = "execute_parallel(tasks, workers=4)"\n',
    "a definition is not a call": "def execute_parallel(tasks, *, workers=4, anchor=None):\n    return []\n",
    "a shadowing import": "from other import helper as execute_parallel\nexecute_parallel(tasks, workers=4)\n",
    "similar names": "execute_parallel_x(tasks, workers=4)\nparallel(tasks, workers=4)\nobj.execute(tasks, workers=4)\n",
    "positional arguments only": EP + "execute_parallel(tasks)\nexecute_parallel(*args)\n",
}


@pytest.mark.parametrize("source", APP401_NEGATIVE.values(), ids=APP401_NEGATIVE.keys())
def test_app401_leaves_serial_anchored_and_forwarding_calls_alone(lint, source):
    assert lint({"job.py": source}) == []


def test_app401_partial_is_reported_where_it_is_made_and_where_workers_are_added(lint):
    source = """\
        from functools import partial
        from autopack.parallel import execute_parallel
        wide = partial(execute_parallel, workers=4)
        wide(tasks)
        serial = partial(execute_parallel)
        serial(tasks, workers=8)
        serial(tasks, workers=1)
        """
    assert lint({"job.py": source}) == [("APP401", "job.py", 3), ("APP401", "job.py", 6)]


def test_app401_message_says_what_is_missing(make_repo):
    root = make_repo({"job.py": "import autopack.parallel as par\npar.execute_parallel(tasks, workers=n, anchor=None)\n"})
    finding = collect([ENFORCEMENT], root, load_config(root), None).findings[0]
    assert finding.message == "`par.execute_parallel(...)` runs with workers=n and anchor=None, which is no anchor"
    assert (finding.line, finding.column) == (2, 1)
    assert "load_anchor" in finding.fix


def test_app402_is_reported_once_per_import_and_once_per_call(lint):
    source = """\
        from autopack.parallel.executor import _execute_parallel_internal
        from autopack.parallel.executor import _execute_parallel_internal as run_unchecked
        import autopack.parallel.executor as ex
        from functools import partial

        _execute_parallel_internal(tasks, workers=4)
        run_unchecked(tasks)
        ex._execute_parallel_internal(tasks)
        alias = ex._execute_parallel_internal
        alias(tasks)
        partial(_execute_parallel_internal, workers=2)
        pool.map(ex._execute_parallel_internal, batches)
        """
    findings = lint({"app/jobs.py": source})
    assert lines_of(findings, "APP402") == [1, 2, 6, 7, 8, 10, 11, 12]
    assert [rule for rule, _, _ in findings] == ["APP402"] * 8


@pytest.mark.parametrize("path", ["autopack/parallel/executor.py", "src/autopack/parallel/runner.py", "autopack/parallel.py"])
def test_app402_allows_the_owning_package(lint, path):
    source = "from autopack.parallel.executor import _execute_parallel_internal\n_execute_parallel_internal(tasks, workers=2)\n"
    assert lint({path: source}) == []


def test_app402_owner_and_internal_names_are_configurable(lint):
    source = "from myorch.runner import _run_unchecked\n_run_unchecked(tasks)\n"
    files = {"myorch/runner.py": source, "myorch/sub/more.py": source, "app/use.py": source}
    assert lint(files, config='owner = "myorch/"\ninternal-names = ["_run_unchecked"]\n') == [
        ("APP402", "app/use.py", 1),
        ("APP402", "app/use.py", 2),
    ]
    assert lint(files, config='owner = "myorch.runner"\ninternal-names = ["_run_unchecked"]\n') == [
        ("APP402", "app/use.py", 1),
        ("APP402", "app/use.py", 2),
        ("APP402", "myorch/sub/more.py", 1),
        ("APP402", "myorch/sub/more.py", 2),
    ]


def test_app402_the_module_that_defines_a_runner_owns_it(lint):
    orchestrator = """\
        class ParallelRunOrchestrator:
            def _execute_parallel_internal(self, runs, workers):
                return [run() for run in runs]

            def execute_parallel(self, runs, workers=1, anchor=None):
                return self._execute_parallel_internal(runs, workers)
        """
    caller = "from app.orchestrator import ParallelRunOrchestrator\nParallelRunOrchestrator()._execute_parallel_internal(runs, 4)\n"
    assert lint({"app/orchestrator.py": orchestrator, "app/cli.py": caller}) == [("APP402", "app/cli.py", 2)]


def test_owner_matching_rules():
    directory = owner_matcher("autopack/parallel/")
    assert directory("autopack/parallel/lint.py") and directory("src/autopack/parallel/x/y.py")
    assert directory("autopack/parallel.py")
    assert not directory("autopack/parallelism.py") and not directory("other/parallel/x.py")
    anchored = owner_matcher("/autopack/parallel")
    assert anchored("autopack/parallel/x.py") and not anchored("src/autopack/parallel/x.py")
    assert owner_matcher("pkg/runner.py")("lib/pkg/runner.py")
    assert not owner_matcher("")("anything.py")


def test_entry_points_are_configurable(lint):
    source = "from batch import run_batch, execute_parallel\nrun_batch(items)\nrun_batch(items, workers=1)\nexecute_parallel(tasks, workers=4)\n"
    assert lint({"job.py": source}, config='entry-points = ["batch.run_batch"]\nserial-by-default = []\n') == [
        ("APP401", "job.py", 2)
    ]


RAW_POOLS = """\
    import concurrent.futures
    import concurrent.futures as cf
    import multiprocessing as mp
    from concurrent.futures import ThreadPoolExecutor as TPE, ProcessPoolExecutor
    from multiprocessing import Pool
    from multiprocessing.pool import ThreadPool

    TPE(max_workers=8)
    TPE()
    cf.ThreadPoolExecutor(4)
    concurrent.futures.ProcessPoolExecutor()
    ProcessPoolExecutor(max_workers=n)
    mp.Pool(4)
    Pool(processes=3)
    ThreadPool()
    ctx = mp.get_context("spawn")
    ctx.Pool(2)
    mp.get_context("fork").Pool()
    TPE(1)
    TPE(max_workers=1)
    mp.Pool(processes=1)
    TPE(**options)
    redis.ConnectionPool(max_connections=10)
    db.Pool(10)
    """


def test_app403_is_off_unless_paths_are_configured(lint):
    assert lint({"src/work.py": RAW_POOLS}) == []


def test_app403_flags_raw_pools_with_more_than_one_worker_in_configured_paths(lint):
    findings = lint({"src/work.py": RAW_POOLS, "tests/test_work.py": RAW_POOLS}, config='raw-pool-paths = ["src/**"]\n')
    assert {path for _, path, _ in findings} == {"src/work.py"}
    assert lines_of(findings, "APP403") == [8, 9, 10, 11, 12, 13, 14, 15, 17, 18]


def test_app403_follows_multiprocessing_dummy_and_submodule_pools(lint):
    source = """\
        import multiprocessing.pool
        from multiprocessing.dummy import Pool as ThreadBackedPool
        multiprocessing.pool.Pool(4)
        ThreadBackedPool(8)
        ThreadBackedPool(1)
        """
    assert lint({"work.py": source}, config='raw-pool-paths = ["*.py"]\n') == [("APP403", "work.py", 3), ("APP403", "work.py", 4)]


def test_app403_spares_the_owner_package(lint):
    source = "from concurrent.futures import ThreadPoolExecutor\nThreadPoolExecutor(max_workers=workers)\n"
    assert lint({"autopack/parallel/executor.py": source}, config='raw-pool-paths = ["**"]\n') == []


def test_app400_a_file_that_mentions_the_api_and_does_not_parse(lint):
    broken = EP + "print 'python 2'\n"
    unrelated_broken = "def oops(:\n    pass\n"
    findings = lint({"old.py": broken, "other.py": unrelated_broken, "fine.py": "x = 1\n"})
    assert findings == [("APP400", "old.py", 2)]


def test_app400_message_names_the_syntax_error(make_repo):
    root = make_repo({"old.py": "execute_parallel(tasks, workers=4\n"})
    (finding,) = collect([ENFORCEMENT], root, load_config(root), None).findings
    assert finding.rule_id == "APP400" and finding.line == 1
    assert finding.message.startswith("cannot parse as Python (")


def test_hostile_python_files_never_crash_the_lint(lint):
    files = {
        "deep.py": "execute_parallel(" + "(" * 300 + ")" * 300 + ")\n",
        "latin1.py": "# caf\xe9\nexecute_parallel(tasks, workers=4)\n",
        "crlf.py": "from autopack.parallel import execute_parallel\r\nexecute_parallel(tasks, workers=4)\r\n",
        "empty.py": "",
        "stub.pyi": "def execute_parallel(tasks, *, workers: int = ..., anchor=...) -> list: ...\n",
    }
    findings = lint(files)
    assert ("APP401", "crlf.py", 2) in findings and ("APP401", "latin1.py", 2) in findings
    assert all(rule in {"APP400", "APP401"} for rule, _, _ in findings)
    assert not any(path in {"empty.py", "stub.pyi"} for _, path, _ in findings)


def test_deep_expressions_and_long_attribute_chains_are_checked_not_crashed(make_repo):
    source = (
        "execute_parallel(tasks, workers=" + "+".join(["1"] * 1200) + ")\n"
        + "x." * 1200 + "execute_parallel(tasks, workers=4)\n"
    )
    root = make_repo({"deep.py": source})
    findings = collect([ENFORCEMENT], root, load_config(root), None).findings
    assert [(f.rule_id, f.line) for f in findings] == [("APP401", 1), ("APP401", 2)]
    assert findings[0].message.endswith("... and no anchor") and len(findings[0].message) < 160


def test_columns_count_characters_not_utf8_bytes(make_repo):
    root = make_repo({"job.py": EP + "résumé = execute_parallel(tasks, workers=4)\n"})
    (finding,) = collect([ENFORCEMENT], root, load_config(root), None).findings
    assert (finding.line, finding.column) == (2, 10)


def test_extensionless_scripts_count_only_with_a_python_shebang(lint):
    call = "execute_parallel(tasks, workers=4)\n"
    files = {
        "bin/reindex": "#!/usr/bin/env python3\n" + call,
        "bin/deploy": "#!/bin/sh\n" + call,
        "NOTES": call,
        "Makefile": "run:\n\tpython -c 'execute_parallel(x, workers=4)'\n",
    }
    assert lint(files) == [("APP401", "bin/reindex", 2)]


def test_suppression_comment_silences_one_finding(lint):
    source = """\
        from autopack.parallel import execute_parallel
        execute_parallel(t, workers=4)  # autopack: ignore[APP401]

        execute_parallel(t, workers=4)  # autopack: ignore[APP402]
        """
    assert lint({"job.py": source}) == [("APP401", "job.py", 4)]


def test_console_script_exit_codes_and_json(make_repo):
    root = make_repo(
        {
            "bad.py": EP + "execute_parallel(tasks, workers=4)\n",
            "good.py": EP + "execute_parallel(tasks)\n",
        }
    )
    assert run_script("autopack-parallel-lint", "good.py", cwd=root).returncode == 0
    result = run_script("autopack-parallel-lint", "--all-files", "--format", "json", cwd=root)
    assert result.returncode == 1, result.stderr
    (finding,) = json.loads(result.stdout)
    assert (finding["rule"], finding["name"], finding["path"], finding["line"]) == ("APP401", "parallel-without-anchor", "bad.py", 2)
    text = run_script("autopack-parallel-lint", "bad.py", cwd=root)
    assert "bad.py:2:1: APP401" in text.stdout


def test_unknown_setting_is_a_configuration_error(make_repo):
    root = make_repo({"pyproject.toml": "[tool.autopack.parallelism]\nentry_points = ['x']\n", "a.py": "x = 1\n"})
    result = run_script("autopack-parallel-lint", "--all-files", cwd=root)
    assert result.returncode == 2
    assert "entry_points" in result.stderr and "pyproject.toml:2" in result.stderr
    assert "Traceback" not in result.stderr


def test_app403_follows_pool_subclasses_defined_elsewhere_in_the_project(lint):
    pools = """\
        from concurrent.futures import ThreadPoolExecutor
        from multiprocessing.pool import Pool as MPPool

        class BoundedPool(ThreadPoolExecutor):
            pass

        class Workers(MPPool):
            pass

        class NotAPool:
            pass
        """
    relay = "from .pools import BoundedPool as Relayed\nclass Deeper(Relayed):\n    pass\n"
    work = """\
        import myapp.pools as pools
        from myapp.pools import BoundedPool, NotAPool
        from .relay import Deeper
        BoundedPool(max_workers=8)
        pools.Workers(4)
        Deeper()
        NotAPool(8)
        BoundedPool(max_workers=1)
        """
    files = {"src/myapp/__init__.py": "", "src/myapp/pools.py": pools, "src/myapp/relay.py": relay, "src/myapp/work.py": work}
    findings = lint(files, config='raw-pool-paths = ["src/myapp/work.py"]\n')
    assert findings == [("APP403", "src/myapp/work.py", 4), ("APP403", "src/myapp/work.py", 5), ("APP403", "src/myapp/work.py", 6)]


def test_app403_reads_the_defining_module_when_only_the_user_is_committed(make_repo):
    """A hook run gets the changed file only: the subclass's module is read from the repository."""
    files = {
        "app/pools.py": "from concurrent.futures import ProcessPoolExecutor\nclass Farm(ProcessPoolExecutor):\n    pass\n",
        "app/jobs.py": "from app.pools import Farm\nFarm(max_workers=4)\n",
        "pyproject.toml": '[tool.autopack.parallelism]\nraw-pool-paths = ["app/jobs.py"]\n',
    }
    root = make_repo(files)
    result = collect([ENFORCEMENT], root, load_config(root), ["app/jobs.py"])
    assert [(f.rule_id, f.path, f.line) for f in result.findings] == [("APP403", "app/jobs.py", 2)]
    assert "`Farm` (a `ProcessPoolExecutor` subclass)" in result.findings[0].message


# An agent framework's own `execute_parallel` (seen in public repositories): a function or method
# of the project that takes no anchor is not the policy-checked entry point.
OWN_METHOD = """\
    class Orchestrator:
        async def execute_parallel(self, tasks, max_workers=4):
            return tasks

        async def run(self, tasks):
            return await self.execute_parallel(tasks, max_workers=8)
    """
OWN_FUNCTION = """\
    def execute_parallel(jobs, workers=4):
        return jobs

    execute_parallel([1, 2], workers=3)
    """


@pytest.mark.parametrize(
    "files",
    [
        {"agents.py": OWN_METHOD},
        {"batch.py": OWN_FUNCTION},
        {"app/executor.py": "def execute_parallel(jobs, workers=4):\n    return jobs\n",
         "app/main.py": "from app.executor import execute_parallel\nexecute_parallel(jobs, workers=4)\n"},
        {"app/executor.py": "class Runner:\n    def execute_parallel(self, tasks, *, max_workers):\n        return tasks\n",
         "app/main.py": "runner.execute_parallel(tasks, max_workers=8)\n"},
    ],
    ids=["own method", "own function", "own function imported", "own method called elsewhere"],
)
def test_app401_leaves_the_projects_own_anchorless_functions_alone(lint, files):
    assert lint(files) == []


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # the project's own policy-checked API (the seed's layout): it takes an anchor, so calls are judged
        ({"orch/parallel.py": "def execute_parallel(tasks, *, workers=1, anchor=None):\n    return tasks\n",
          "orch/main.py": "from orch.parallel import execute_parallel\nexecute_parallel(tasks, workers=4)\n"},
         [("APP401", "orch/main.py", 2)]),
        # `**kwargs` may carry an anchor: still the policy's shape
        ({"batch.py": "def execute_parallel(tasks, **options):\n    return tasks\n\nexecute_parallel(tasks, workers=2)\n"},
         [("APP401", "batch.py", 4)]),
        # a test double without an anchor does not hide calls of autopack's own API
        ({"tests/fakes.py": "class FakePool:\n    def execute_parallel(self, tasks):\n        return tasks\n",
          "app/jobs.py": EP + "import autopack.parallel as orch\nexecute_parallel(tasks, workers=4)\norch.execute_parallel(tasks, workers=4)\n"},
         [("APP401", "app/jobs.py", 3), ("APP401", "app/jobs.py", 4)]),
        # no definition in the project: the installed API
        ({"jobs.py": "execute_parallel(tasks, workers=4)\n"}, [("APP401", "jobs.py", 1)]),
    ],
    ids=["own api with anchor", "kwargs", "fake beside autopack's api", "installed api"],
)
def test_app401_still_judges_calls_of_a_policy_checked_entry_point(lint, files, expected):
    assert lint(files) == expected
