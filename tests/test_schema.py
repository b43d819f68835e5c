"""autopack.schema: JSON paths, cached packaged schemas, and one located message per schema error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autopack.schema import SchemaProblem, conforms, json_path, load_schema, schema_problems
from autopack.yamldoc import parse

REPO_ROOT = Path(__file__).resolve().parents[1]

SAMPLE = ("tests", "data/sample.schema.json")
VALID = "name: widget\nsize: 3\n"


def problems(text: str) -> list[SchemaProblem]:
    return schema_problems(parse(text), *SAMPLE)


def located(text: str) -> list[str]:
    return [f"{p.line}:{p.column}: {p.message}" for p in problems(text)]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ((), "$"),
        (("a", "b c", 0), "$.a['b c'][0]"),
        (("claude-opus-4-5", "input_per_1k"), "$['claude-opus-4-5'].input_per_1k"),
        (("it's", "back\\slash", "_x1"), "$['it\\'s']['back\\\\slash']._x1"),
    ],
)
def test_json_path_uses_dots_for_names_and_brackets_otherwise(path, expected):
    assert json_path(path) == expected


def test_a_valid_document_has_no_problems():
    assert problems(VALID + "x-note: anything\nmode: safe\ntags: [a, b]\nlimits: {soft: null}\n") == []


def test_required_points_at_the_key_of_the_mapping_once_per_missing_key():
    assert located("name: widget\nlimits:\n  hard: 1\n") == [
        "1:1: $: missing required key 'size'",
        "2:1: $.limits: missing required key 'soft'",
    ]


def test_unknown_key_points_at_that_key_and_names_the_allowed_ones():
    [problem] = problems(VALID + "colour: red\n")
    assert (problem.path, problem.line, problem.column, problem.keyword) == (("colour",), 3, 1, "additionalProperties")
    assert problem.message == (
        "$.colour: unknown key (allowed here: name, size, mode, tags, limits, code, keys matching '^x-')"
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("size: lots", '2:7: $.size: expected an integer, got a string "lots"'),
        ("size: true", "2:7: $.size: expected an integer, got a boolean true"),
        ("size: 0", "2:7: $.size: expected at least 1, got an integer 0"),
        ("size: 11", "2:7: $.size: expected at most 10, got an integer 11"),
        ("mode: quick", '3:7: $.mode: expected one of "fast", "safe", got a string "quick"'),
        ("code: abc", '3:7: $.code: expected a string matching \'^[A-Z]{3}$\', got a string "abc"'),
        ("limits: {soft: 1.5}", "3:16: $.limits.soft: expected an integer or empty (null), got a number 1.5"),
        ("tags: [a, b, a]", '3:14: $.tags[2]: duplicate entry "a", already at $.tags[0]; list each entry once'),
    ],
)
def test_value_problems_point_at_the_value_and_say_what_was_expected(line, expected):
    text = VALID.replace("size: 3", line) if line.startswith("size") else VALID + line + "\n"
    assert located(text) == [expected]


def test_a_wrong_container_points_at_its_key_and_strings_get_both_their_problems():
    assert located('name: ""\nsize:\n  - 1\n') == [
        '1:7: $.name: expected a non-empty string, got a string ""',
        '1:7: $.name: expected a string without spaces, got a string ""',
        "2:1: $.size: expected an integer, got a list",
    ]


def test_long_values_are_shortened_in_messages():
    [problem] = problems(VALID + "mode: " + "z" * 100 + "\n")
    assert problem.message.endswith('got a string "' + "z" * 56 + "...")


def test_packaged_schemas_are_loaded_once():
    assert load_schema(*SAMPLE) is load_schema(*SAMPLE)
    assert load_schema(*SAMPLE)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_jsonschema_is_imported_only_when_a_document_is_validated():
    code = (
        "import sys, autopack.schema as s, autopack.yamldoc as y; before = 'jsonschema' in sys.modules; "
        "s.schema_problems(y.parse('a: 1'), 'tests', 'data/sample.schema.json'); print(before, 'jsonschema' in sys.modules)"
    )
    # `tests` is imported as a package: from the checkout, wherever pytest started
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO_ROOT).stdout
    assert output.split() == ["False", "True"]


# --- the quick answer for valid documents ---------------------------------------------------

PACKAGED = [
    ("autopack.catalog", "schemas/models.schema.json"),
    ("autopack.catalog", "schemas/pricing.schema.json"),
    ("autopack.parallel", "anchor.schema.json"),
    SAMPLE,
]
_KEYS = st.one_of(
    st.sampled_from(
        ["model_aliases", "models", "anthropic", "x-note", "tier", "provider", "max_tokens", "safety_compatible",
         "input_per_1k", "output_per_1k", "budgets", "id", "owner", "parallelism", "allowed", "max_workers", "paths",
         "name", "size", "mode", "tags", "limits", "soft", "code", "haiku", "claude-x", ""]
    ),
    st.integers(0, 2),  # YAML allows `1:` as a key
)  # fmt: skip
_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-2, 12), st.floats(), st.sampled_from(["", " ", "a b", "x", "ABC", "fast", "haiku"])
)
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, max_size=4)), max_leaves=10)


@settings(max_examples=400)
@given(schema=st.sampled_from(PACKAGED), document=st.one_of(_VALUES, st.dictionaries(_KEYS, _VALUES, max_size=6)))
def test_the_quick_answer_never_calls_valid_what_jsonschema_refuses(schema, document):
    import jsonschema

    if conforms(document, load_schema(*schema)):
        assert jsonschema.Draft202012Validator(load_schema(*schema)).is_valid(document)


@pytest.mark.parametrize("name", ["models", "pricing"])
def test_this_repositorys_catalog_is_judged_valid_without_jsonschema(name):
    document = parse((REPO_ROOT / "config" / f"{name}.yaml").read_text(encoding="utf-8"))
    assert conforms(document.value, load_schema("autopack.catalog", f"schemas/{name}.schema.json"))


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"name": "widget", "size": 3}, True),
        ({"name": "widget", "size": 3, "x-note": [1, {}], "limits": {"soft": None}}, True),
        ({"name": "widget"}, False),  # required
        ({"name": "widget", "size": 0}, False),  # minimum
        ({"name": "widget", "size": 11}, False),  # maximum
        ({"name": "two words", "size": 3}, False),  # pattern
        ({"name": "", "size": 3}, False),  # minLength
        ({"name": "widget", "size": "3"}, False),  # type
        ({"name": "widget", "size": True}, False),  # a boolean is no integer
        ({"name": "widget", "size": 3, "colour": "red"}, False),  # additionalProperties: false
        ({"name": "widget", "size": 3, "limits": {}}, False),  # required, nested
        ({"name": "widget", "size": 3, "limits": {"soft": 1.5}}, False),  # a float where an integer is asked: jsonschema decides
        ({"name": "widget", "size": 3, "mode": "fast"}, False),  # enum: jsonschema decides
        ({"name": "widget", "size": 3, "tags": ["a"]}, False),  # uniqueItems: jsonschema decides
        ({"name": "widget", 1: "x", "size": 3}, False),  # a key that is not text: jsonschema decides
    ],
)
def test_the_quick_answer_says_valid_only_for_what_it_can_judge(document, expected):
    """Valid documents are answered without jsonschema; every refusal, and anything the quick
    answer does not judge, goes to jsonschema for its located message."""
    assert conforms(document, load_schema(*SAMPLE)) is expected
