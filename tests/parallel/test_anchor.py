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
from autopack.parallel.anchor import DOCS_LINK, anchor_schema

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
        (VALID.replace("  max_workers: 8\n", ""), ":3:1: $.parallelism: missing required key 'max_workers'"),
        (VALID.replace("max_workers: 8", "max_worker: 8"), ":5:3: $.parallelism.max_worker: unknown key (allowed here: allowed, max_workers)"),
        (VALID.replace("max_workers: 8", "max_workers: 0"), ":5:16: $.parallelism.max_workers: expected at least 1, got an integer 0"),
        (VALID.replace("max_workers: 8", 'max_workers: "8"'), ':5:16: $.parallelism.max_workers: expected an integer, got a string "8"'),
        (VALID.replace("allowed: true", 'allowed: "true"'), ':4:12: $.parallelism.allowed: expected true or false, got a string "true"'),
        (VALID.replace("owner: search-team", "owner: 7"), ":2:8: $.owner: expected a string, got an integer 7"),
        (VALID.replace("owner: search-team", 'owner: "  "'), ':2:8: $.owner: expected a non-blank string, got a string "  "'),
        (VALID.replace("id: nightly-reindex\n", ""), ":1:1: $: missing required key 'id'"),
        (VALID + "extra: 1\n", ":8:1: $.extra: unknown key (allowed here: id, owner, parallelism, paths)"),
        (VALID + '  - "var/index/**"\n', ':8:5: $.paths[1]: duplicate entry "var/index/**", already at $.paths[0]; list each entry once'),
        ("- just\n- a list\n", ":1:1: $: expected a mapping, got a list"),
        (VALID + "id: again\n", ":8:1: $.id: duplicate key (first at line 1); keep one"),
        ("id: [unclosed\n", ":2:1: invalid YAML"),
        ("", ":1:1: empty file: no YAML document"),
        ("id: !!python/object/apply:os.system [echo]\n", ":1:5: unsupported YAML tag !!python/object/apply:os.system"),
        ("id: !!python/name:os.system x\n", ":1:5: unsupported YAML tag !!python/name:os.system"),
        ("id: !Ref {a: 1}\n", ":1:5: unsupported YAML tag !Ref"),
        ("? [a, b]\n: 1\n", ":1:3: a mapping key must be a plain value, not a list or mapping"),
        (b"id: caf\xe9\n", ":1:8: not UTF-8 text (invalid byte 0xe9); save the file as UTF-8"),
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
    assert str(caught.value).splitlines() == [
        f"{path}:1:5: $.id: expected a string, got an integer 1",
        f"{path}:2:8: $.owner: expected a string, got an integer 2",
        f'{path}:3:24: $.parallelism.allowed: expected true or false, got a string "maybe"',
        f"{path}:3:44: $.parallelism.max_workers: expected at least 1, got an integer -1",
        f"fix the anchor (see {DOCS_LINK})",
    ]


def test_missing_directory_and_binary_files_are_clear_errors(tmp_path):
    with pytest.raises(AnchorError, match=r"anchor\.yaml: file not found\ncreate the anchor with id, owner and parallelism"):
        load_anchor(tmp_path / "anchor.yaml")
    with pytest.raises(AnchorError, match="is a directory"):
        load_anchor(tmp_path)
    os.mkfifo(tmp_path / "fifo.yaml")
    with pytest.raises(AnchorError, match="not a regular file"):  # and no hang on the read
        load_anchor(tmp_path / "fifo.yaml")
    with pytest.raises(AnchorError, match=r":1:6: contains a NUL byte"):
        load_anchor(write_anchor(tmp_path, b"id: a\0b\n"))
    with pytest.raises(AnchorError, match=r"over the 65536-byte limit\nan anchor is a small YAML text file"):
        load_anchor(write_anchor(tmp_path, "# padding\n" * 10_000))


def test_aliases_and_merges_are_plain_yaml(tmp_path):
    text = "id: &name nightly\nowner: *name\ndefaults: &d {allowed: true}\nparallelism: {<<: *d, max_workers: 2}\n"
    with pytest.raises(AnchorError) as caught:  # the schema still judges what the aliases expand to
        load_anchor(write_anchor(tmp_path, text))
    assert str(caught.value).splitlines()[0].endswith(":3:1: $.defaults: unknown key (allowed here: id, owner, parallelism, paths)")
    anchor = load_anchor(write_anchor(tmp_path, text.replace("defaults: &d {allowed: true}\n", "").replace("*d", "{allowed: true}")))
    assert (anchor.id, anchor.owner, anchor.allowed, anchor.max_workers) == ("nightly", "nightly", True, 2)


def test_billion_laughs_and_deep_nesting_fail_fast(tmp_path):
    laughs = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    with pytest.raises(AnchorError, match="aliases expand this document beyond"):
        load_anchor(write_anchor(tmp_path, laughs))
    with pytest.raises(AnchorError, match="nested more than 200 levels deep"):
        load_anchor(write_anchor(tmp_path, "[" * 500 + "]" * 500))


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
