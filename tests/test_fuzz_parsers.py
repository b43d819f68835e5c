"""Property-based fuzzing across every parser and check, end to end: random and mutated
dotenv, YAML, JSON, TOML, INI, properties, Markdown, Python and anchor files never make a check
raise; the exit code is 0, 1 or 2; the output is byte-identical when run twice."""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from autopack import engine
from autopack.parallel import AnchorError, load_anchor

PIECES = {
    "env": ["DEBUG=1", "export DEBUG='true'", "FLASK_ENV=development", "# DEBUG=1", "DEBUG=${X}", "A=\"unclosed", "=", "DEBUG"],
    "yaml": ["debug: true", "env:", "  - name: DEBUG", "    value: '1'", "- DEBUG=1", "&a [*a]", "{debug: on}", "---", "\t: x", "key: [", "!!python/object x"],
    "json": ['{"DEBUG": "1"}', '{"a": [', "[]", '{"DetailedErrors": true}', "null", '"\\ud800"', "{" * 50],
    "toml": ["debug = true", "[server]", "debug = 'on'", "x = ", "[[a]]", "reload = false", "a.b = 1"],
    "ini": ["[app]", "debug = 1", "display_errors = On", "no section", "[", "%(x)s = 1", "debug=true"],
    "properties": ["debug=true", "spring.devtools.restart.enabled=true", "a\\", "debug : on", "!comment"],
    "md": ["# Title", "[x](missing.md)", "[y](#title)", "[z](#nope)", "```sh", "python scripts/x.py", "```", "<!-- [c](gone.md) -->",
           "`src/mod.py`", "[ref]: other.md", "![img](a.png)", "<a id='x'></a>", "* * *", "[](", "| a | b |"],
    "py": ["from autopack.parallel import execute_parallel as ep", "ep(tasks, workers=4)", "execute_parallel(t, workers=1)",
           "_execute_parallel_internal(x)", "def f(**kw): execute_parallel(t, **kw)", "import functools", "x = (", "DEBUG = True",
           "app.run(debug=True)", "if True:\n  pass"],
    "anchor": ["id: x", "owner: y", "parallelism:", "  allowed: true", "  max_workers: 4", "  max_workers: -1", "paths: [a, b]", "id: &a [*a]", "x:"],
}
FILES = {
    "env": ".env.production", "yaml": "k8s/prod/deploy.yaml", "json": "appsettings.Production.json", "toml": "config.prod.toml",
    "ini": "php.ini-production", "properties": "application-prod.properties", "md": "docs/guide.md", "py": "app/jobs.py",
    "anchor": ".autopack/anchor.yaml",
}


def mutated(kind: str) -> st.SearchStrategy[str]:
    """Lines of the format, shuffled and repeated, with random text and odd bytes mixed in."""
    line = st.sampled_from(PIECES[kind]) | st.text(max_size=30)
    ending = st.sampled_from(["\n", "\r\n", "\r"])
    return st.lists(st.tuples(line, ending), max_size=12).map(lambda rows: "".join(a + b for a, b in rows))


DOCUMENTS = st.fixed_dictionaries({kind: mutated(kind) for kind in FILES})


def run_check(root: Path) -> tuple[int, str]:
    previous = os.getcwd()
    out = io.StringIO()
    try:
        os.chdir(root)
        with contextlib.redirect_stdout(out):
            code = engine.run(list(engine.REGISTRY), ["--all-files", "--format", "json"], prog="autopack check", description="", default_all=True)
    finally:
        os.chdir(previous)
    return code, out.getvalue()


@given(DOCUMENTS)
def test_every_check_survives_mutated_inputs_deterministically(tmp_path_factory, documents):
    root = tmp_path_factory.mktemp("fuzz")
    for kind, text in documents.items():
        path = root / FILES[kind]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", errors="surrogatepass", newline="")
    first = run_check(root)
    assert first[0] in (0, 1, 2)
    assert run_check(root) == first


@given(mutated("anchor"))
def test_anchor_files_load_or_give_a_located_error(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("anchor") / "anchor.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass", newline="")
    try:
        anchor = load_anchor(path)
    except AnchorError as error:
        assert str(path) in str(error)
    else:
        assert anchor.max_workers >= 1
