"""Detection quality of the parallelism lint on realistic code: each case is a false positive or
false negative found in an audit, kept as a regression test. Scans in-process (no git needed)."""

from __future__ import annotations

import textwrap

import pytest

from autopack.files import SourceFile
from autopack.parallel.lint import SETTINGS, Lint

EP = "from autopack.parallel import execute_parallel\n"


def scan(source: str, path: str = "app/jobs.py", **settings) -> list[tuple[str, int]]:
    values = {key: setting.default for key, setting in SETTINGS.items()}
    values.update({key.replace("_", "-"): value for key, value in settings.items()})
    return [(f.rule_id, f.line) for f in Lint(values).scan(SourceFile(path, textwrap.dedent(source)))]


@pytest.mark.parametrize("literal", ["1.0", "+1.0", "(1.0)", "1e0"])
def test_app401_a_float_literal_equal_to_1_is_provably_1(literal):
    assert scan(EP + f"execute_parallel(tasks, workers={literal})\n") == []


@pytest.mark.parametrize("value", ["True", "int('1')", "2.0", "1.5", "cfg.workers"])
def test_app401_a_bool_an_expression_or_another_number_is_not_provably_1(value):
    assert scan(EP + f"execute_parallel(tasks, workers={value})\n") == [("APP401", 2)]


ALIAS_FORMS = {
    "chained assignment": "run = also = execute_parallel\nrun(tasks, workers=4)\n",
    "tuple assignment": "run, log = execute_parallel, print\nrun(tasks, workers=4)\n",
    "walrus": "(run := execute_parallel)(tasks, workers=4)\n",
    "walrus then a later call": "if (run := execute_parallel):\n    run(tasks, workers=4)\n",
}


@pytest.mark.parametrize("source", ALIAS_FORMS.values(), ids=ALIAS_FORMS.keys())
def test_app401_follows_chained_tuple_and_walrus_aliases(source):
    assert scan(EP + source) == [("APP401", source.count("\n") + 1)]


def test_app402_through_a_walrus_alias_is_one_finding_per_call():
    source = "import autopack.parallel.executor as ex\n(run := ex._execute_parallel_internal)(tasks)\n"
    assert scan(source) == [("APP402", 2)]


def test_app401_a_spelled_out_keyword_dict_carries_only_its_keys():
    source = EP + textwrap.dedent(
        """\
        execute_parallel(tasks, **{"workers": 8})
        execute_parallel(tasks, **dict(workers=8))
        execute_parallel(tasks, **{"workers": 8, "anchor": anchor})
        execute_parallel(tasks, **dict(workers=8, anchor=anchor))
        execute_parallel(tasks, **{"workers": 1})
        execute_parallel(tasks, **{**options, "workers": 8})
        execute_parallel(tasks, **dict(options, workers=8))
        execute_parallel(tasks, **options)
        """
    )
    assert scan(source) == [("APP401", 2), ("APP401", 3)]


def test_app403_follows_star_imports_of_multiprocessing():
    source = """\
        from multiprocessing import *
        from multiprocessing.pool import *
        Pool(4)
        ThreadPool()
        Pool(1)
        get_context("spawn").Pool(2)
        """
    assert scan(source, raw_pool_paths=["**"]) == [("APP403", 3), ("APP403", 4), ("APP403", 6)]


def test_app403_a_float_literal_1_is_one_worker():
    source = "from concurrent.futures import ThreadPoolExecutor\nThreadPoolExecutor(1.0)\nThreadPoolExecutor(max_workers=2.0)\n"
    assert scan(source, raw_pool_paths=["**"]) == [("APP403", 3)]


def test_app401_an_anchor_passed_positionally_counts():
    source = """\
        class Supervisor:
            def run(self, runs):
                self.orchestrator.execute_parallel_runs(runs, self.anchor)
                self.orchestrator.execute_parallel_runs(runs, anchor)
                self.orchestrator.execute_parallel_runs(runs, load_anchor(".autopack/anchor.yaml"))
                self.orchestrator.execute_parallel(runs, 4, self.anchor)
                self.orchestrator.execute_parallel_runs(runs, self.config)
        """
    assert scan(source) == [("APP401", 7)]


def test_app401_message_names_a_walrus_alias_by_its_name():
    from autopack.parallel.lint import SETTINGS, Lint

    values = {key: setting.default for key, setting in SETTINGS.items()}
    (finding,) = Lint(values).scan(SourceFile("job.py", EP + "(run := execute_parallel)(tasks, workers=4)\n"))
    assert finding.message == "`run(...)` runs with workers=4 and no anchor"


PLACES = {
    "if TYPE_CHECKING import": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from autopack.parallel import execute_parallel\nexecute_parallel(t, workers=4)\n",
    "star import": "from autopack.parallel import *\nexecute_parallel(t, workers=4)\n",
    "importlib": "import importlib\npar = importlib.import_module('autopack.parallel')\npar.execute_parallel(t, workers=4)\n",
    "comprehension": EP + "out = [execute_parallel(b, workers=n) for b in batches]\n",
    "class body": EP + "class Jobs:\n    results = execute_parallel(t, workers=2)\n",
    "decorated nested function": EP + "@cache\ndef outer():\n    def inner():\n        return execute_parallel(t, workers=os.cpu_count())\n",
    "lambda in a default": EP + "def go(run=lambda t: execute_parallel(t, workers=3)): pass\n",
}


@pytest.mark.parametrize("source", PLACES.values(), ids=PLACES.keys())
def test_app401_wherever_the_call_is(source):
    assert scan(source) == [("APP401", source.rstrip("\n").count("\n") + 1)]


def test_mentions_in_strings_comments_and_mock_targets_are_not_findings():
    source = '''\
        """Call execute_parallel(tasks, workers=4, anchor=...), never _execute_parallel_internal."""
        from unittest import mock
        # _execute_parallel_internal(tasks, workers=8)
        with mock.patch("autopack.parallel.executor._execute_parallel_internal") as runner:
            log.info("execute_parallel(tasks, workers=%d)", 4)
        '''
    assert scan(source) == []


def test_app402_a_file_that_defines_the_runner_may_use_it():
    source = "def _execute_parallel_internal(tasks, *, workers=1):\n    return []\n_execute_parallel_internal(tasks, workers=4)\n"
    assert scan(source) == []
    assert scan("from legacy import _execute_parallel_internal\n_execute_parallel_internal(tasks)\n") == [("APP402", 1), ("APP402", 2)]


def test_app403_default_and_cpu_count_workers_are_findings_one_worker_is_not():
    source = """\
        import os
        from concurrent.futures import ThreadPoolExecutor, ProcessPoolExecutor
        with ThreadPoolExecutor() as pool:
            pass
        ProcessPoolExecutor(max_workers=os.cpu_count())
        with ThreadPoolExecutor(max_workers=1) as pool:
            pass
        """
    assert scan(source, raw_pool_paths=["app/**"]) == [("APP403", 3), ("APP403", 5)]
    assert scan(source) == []  # opt-in


def test_app401_kwargs_cannot_carry_an_anchor_written_out_as_none():
    source = EP + "def go(tasks, **options):\n    execute_parallel(tasks, workers=4, anchor=None, **options)\n    execute_parallel(tasks, workers=4, **options)\n"
    assert scan(source) == [("APP401", 3)]


def test_app401_a_positional_anchor_is_a_whole_word_after_the_tasks():
    source = EP + textwrap.dedent(
        """\
        execute_parallel(anchored_tasks, workers=4)
        execute_parallel(anchor_tasks, workers=4)
        execute_parallel(tasks, unanchored, workers=4)
        execute_parallel(tasks, ANCHOR_PATH, workers=4)
        """
    )
    assert scan(source) == [("APP401", 2), ("APP401", 3), ("APP401", 4)]


def test_app403_an_executor_class_of_your_own_is_not_a_raw_pool():
    wrapper = "from myapp.pools import ThreadPoolExecutor\nThreadPoolExecutor(max_workers=8)\n"
    defined = "class ProcessPoolExecutor:\n    pass\nProcessPoolExecutor(4)\n"
    unimported = "ThreadPoolExecutor(max_workers=8)\n"
    assert scan(wrapper, raw_pool_paths=["**"]) == scan(defined, raw_pool_paths=["**"]) == []
    assert scan(unimported, raw_pool_paths=["**"]) == [("APP403", 1)]


INDIRECT_POOLS = {
    "a pool class in a variable": (
        "from concurrent.futures import ThreadPoolExecutor\nexecutor_cls = ThreadPoolExecutor\nexecutor_cls(max_workers=8)\n",
        [("APP403", 3)],
    ),
    "a pool class chosen by a condition": (
        "import concurrent.futures as cf\nPool = cf.ThreadPoolExecutor if threads else cf.ProcessPoolExecutor\nPool(4)\n",
        [("APP403", 3)],
    ),
    "a pool class as a parameter default": (
        "from concurrent.futures import ProcessPoolExecutor\n"
        "def run(tasks, n, executor_cls=ProcessPoolExecutor):\n    with executor_cls(max_workers=n) as ex:\n        return list(ex.map(f, tasks))\n",
        [("APP403", 3)],
    ),
    "a keyword-only parameter default, default workers": (
        "import multiprocessing\ndef run(tasks, *, pool_cls=multiprocessing.Pool):\n    return pool_cls().map(f, tasks)\n",
        [("APP403", 3)],
    ),
    "functools.partial of a pool, judged where made": (
        "import functools\nfrom concurrent.futures import ThreadPoolExecutor\nmake = functools.partial(ThreadPoolExecutor, max_workers=16)\nmake()\n",
        [("APP403", 3)],
    ),
    "partial without workers, judged where called": (
        "from functools import partial\nfrom multiprocessing import Pool\nmake = partial(Pool, initializer=setup)\nmake(8)\nmake()\n",
        [("APP403", 4), ("APP403", 5)],
    ),
    "a subclass defined in the file": (
        "from concurrent.futures import ThreadPoolExecutor\nclass BoundedPool(ThreadPoolExecutor):\n    pass\n"
        "class Limited(BoundedPool):\n    pass\nBoundedPool(max_workers=8)\nLimited()\n",
        [("APP403", 6), ("APP403", 7)],
    ),
}
INDIRECT_SERIAL = {
    "a variable pool class with one worker": "from concurrent.futures import ThreadPoolExecutor\ncls = ThreadPoolExecutor\ncls(max_workers=1)\n",
    "a name also bound to something else": "from concurrent.futures import ThreadPoolExecutor\ncls = ThreadPoolExecutor\ncls = SerialExecutor\ncls(max_workers=8)\n",
    "a condition with a non-pool branch": "from concurrent.futures import ThreadPoolExecutor\ncls = ThreadPoolExecutor if fast else SerialExecutor\ncls(8)\n",
    "a parameter default in another function": (
        "from concurrent.futures import ThreadPoolExecutor\ndef a(executor_cls=ThreadPoolExecutor):\n    pass\ndef b(executor_cls):\n    executor_cls(8)\n"
    ),
    "a partial with one worker": "import functools\nfrom concurrent.futures import ThreadPoolExecutor\nmake = functools.partial(ThreadPoolExecutor, max_workers=1)\nmake()\n",
    "a subclass of your own executor": "from myapp.pools import ThreadPoolExecutor\nclass Mine(ThreadPoolExecutor):\n    pass\nMine(8)\n",
    "a class that is not a pool": "class Mine(Base):\n    pass\nMine(8)\n",
}


@pytest.mark.parametrize("source, expected", INDIRECT_POOLS.values(), ids=INDIRECT_POOLS.keys())
def test_app403_indirect_pool_construction(source, expected):
    assert scan(source, raw_pool_paths=["**"]) == expected
    assert scan(source) == []  # opt-in, as for direct pools


@pytest.mark.parametrize("source", INDIRECT_SERIAL.values(), ids=INDIRECT_SERIAL.keys())
def test_app403_indirect_construction_that_stays_serial_or_unknown(source):
    assert scan(source, raw_pool_paths=["**"]) == []


def test_app403_indirect_messages_name_the_pool():
    source = "from concurrent.futures import ThreadPoolExecutor\nclass BoundedPool(ThreadPoolExecutor):\n    pass\nBoundedPool(8)\n"
    values = {key: setting.default for key, setting in SETTINGS.items()} | {"raw-pool-paths": ["**"]}
    (finding,) = Lint(values).scan(SourceFile("app/jobs.py", source))
    assert finding.message == "raw `BoundedPool` (a `ThreadPoolExecutor` subclass) with max_workers=8 bypasses the parallelism policy"
