"""load_anchor: valid anchors load; every broken one names file, line and column."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autopack.findings import ConfigError
from autopack.parallel import Anchor, AnchorError, load_anchor
from autopack.parallel.anchor import anchor_schema

VALID = """\
id: nightly-reindex
owner: search-team
parallelism:
  allowed: true
  max_workers: 8
paths:
  - "var/index/**"
"""


def write_anchor(tmp_path: Path, text: str | bytes, name: str = "anchor.yaml") -> Path:
    path = tmp_path / ".autopack" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_valid_anchor_loads_every_field(tmp_path):
    path = write_anchor(tmp_path, VALID)
    anchor = load_anchor(path)
    assert anchor == Anchor(
        id="nightly-reindex", owner="search-team", allowed=True, max_workers=8, paths=("var/index/**",), source=str(path)
    )


def test_bom_crlf_and_a_string_path_are_fine(tmp_path):
    path = write_anchor(tmp_path, b"\xef\xbb\xbf" + VALID.replace("\n", "\r\n").encode())
    assert load_anchor(str(path)).max_workers == 8


def test_schema_is_draft_2020_12_and_matches_the_loader():
    from jsonschema import Draft202012Validator

    schema = anchor_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    assert set(schema["required"]) == {"id", "owner", "parallelism"}
    assert set(schema["properties"]["parallelism"]["required"]) == {"allowed", "max_workers"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (VALID.replace("  max_workers: 8\n", ""), ":3:1: `parallelism` is missing the required key(s) `max_workers`"),
        (VALID.replace("max_workers: 8", "max_worker: 8"), ":5:3: unknown key `parallelism.max_worker`"),
        (VALID.replace("max_workers: 8", "max_workers: 0"), ":5:16: `parallelism.max_workers` must be at least 1, not 0"),
        (VALID.replace("max_workers: 8", 'max_workers: "8"'), ":5:16: `parallelism.max_workers` must be an integer, not '8'"),
        (VALID.replace("allowed: true", 'allowed: "true"'), ":4:12: `parallelism.allowed` must be true or false, not 'true'"),
        (VALID.replace("owner: search-team", "owner: 7"), ":2:8: `owner` must be a string, not 7"),
        (VALID.replace("owner: search-team", 'owner: "  "'), ":2:8: `owner` must not be blank"),
        (VALID.replace("id: nightly-reindex\n", ""), ":1:1: the anchor is missing the required key(s) `id`"),
        (VALID + "extra: 1\n", ":8:1: unknown key `extra`"),
        ("- just\n- a list\n", ":1:1: the anchor must be a mapping, not ['just', 'a list']"),
        (VALID + "id: again\n", ":8:1: duplicate key `id` (first set on line 1)"),
        ("id: [unclosed\n", ":2:1: invalid YAML"),
        ("", ":1:1: the anchor file is empty"),
        ("a: &x [1, 2]\nb: [*x, *x]\n", ":2:4: YAML aliases (*name) are not allowed"),
        ("id: !!python/object/apply:os.system [echo]\n", ":1:5: the YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
        ("id: !!python/name:os.system x\n", ":1:5: cannot read this value"),
        ("? [a, b]\n: 1\n", ":1:3: mapping keys must be plain names"),
        (b"id: caf\xe9\n", ":1: not UTF-8 text (byte 7)"),
    ],
)
def test_invalid_anchor_names_file_line_and_column(tmp_path, text, expected):
    path = write_anchor(tmp_path, text)
    with pytest.raises(AnchorError) as caught:
        load_anchor(path)
    assert f"{path}{expected}" in str(caught.value)


def test_every_schema_problem_is_listed_in_line_order(tmp_path):
    path = write_anchor(tmp_path, "id: 1\nowner: 2\nparallelism: {allowed: maybe, max_workers: -1}\n")
    with pytest.raises(AnchorError) as caught:
        load_anchor(path)
    message = str(caught.value)
    lines = message.splitlines()
    assert lines[0].startswith(f"{path}:1:5: `id` must be a string")
    assert lines[1].startswith(f"{path}:2:8: `owner` must be a string")
    assert any("`parallelism.allowed` must be true or false, not 'maybe'" in line for line in lines)
    assert any("`parallelism.max_workers` must be at least 1, not -1" in line for line in lines)
    assert lines[-1].endswith("docs/parallelism.md#the-anchor-file")


def test_missing_directory_and_binary_files_are_clear_errors(tmp_path):
    with pytest.raises(AnchorError, match=r"anchor\.yaml: anchor file not found; create it"):
        load_anchor(tmp_path / "anchor.yaml")
    with pytest.raises(AnchorError, match="not a regular file"):
        load_anchor(tmp_path)
    os.mkfifo(tmp_path / "fifo.yaml")
    with pytest.raises(AnchorError, match="not a regular file"):  # and no hang on the read
        load_anchor(tmp_path / "fifo.yaml")
    with pytest.raises(AnchorError, match="binary data"):
        load_anchor(write_anchor(tmp_path, b"id: a\0b\n"))
    with pytest.raises(AnchorError, match="too large for an anchor"):
        load_anchor(write_anchor(tmp_path, "# padding\n" * 10_000))


def test_billion_laughs_and_deep_nesting_fail_fast(tmp_path):
    laughs = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    with pytest.raises(AnchorError, match="aliases"):
        load_anchor(write_anchor(tmp_path, laughs))
    with pytest.raises(AnchorError, match="nested too deeply|invalid YAML"):
        load_anchor(write_anchor(tmp_path, "[" * 20_000 + "]" * 20_000))


def test_anchor_error_is_a_config_error_and_a_value_error():
    assert issubclass(AnchorError, ConfigError) and issubclass(AnchorError, ValueError)


def test_anchor_built_in_code_rejects_a_bad_ceiling():
    with pytest.raises(AnchorError, match="max_workers must be an integer >= 1"):
        Anchor(id="x", owner="me", allowed=True, max_workers=0)


def test_schema_ships_with_the_installed_package():
    code = "from importlib.resources import files; print(files('autopack.parallel').joinpath('anchor.schema.json').read_text())"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(output)["title"] == "autopack parallelism anchor"


def test_importing_the_package_loads_neither_yaml_nor_jsonschema():
    code = "import sys, autopack.parallel, autopack.parallel.lint; print(sorted({'yaml', 'jsonschema', 'concurrent.futures'} & set(sys.modules)))"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"
