"""autopack.yamldoc: positions, YAML 1.1 + 1.2 floats, exact decimals, merges,
duplicate keys, and refusal of hostile documents (alias bombs, recursion, deep nesting, bad bytes)."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autopack.yamldoc import MAX_EXPANDED_NODES, Position, YamlProblem, decode, parse, read_text


def billion_laughs(levels: int = 9) -> str:
    text = 'lol: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    previous = "a"
    for name in "bcdefghijk"[: levels - 1]:
        text += f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]\n"
        previous = name
    return text


def test_positions_of_values_and_keys_are_one_based():
    document = parse("top:\n  inner:\n    price: 0.5\n")
    assert document.position(("top", "inner", "price")) == Position(3, 12)
    assert document.position(("top", "inner", "price"), key=True) == Position(3, 5)


def test_missing_path_points_at_the_deepest_existing_node():
    document = parse("top:\n  inner: {a: 1}\n")
    assert document.position(("top", "inner", "absent")) == Position(2, 10)


def test_yaml12_float_spellings_count_as_numbers_only_when_plain():
    document = parse("a: 1e-4\nb: '1e-4'\nc: 5E+3\nd: 1.5e-3\ne: yes\nf: 0x10\n")
    assert document.value == {"a": 1e-4, "b": "1e-4", "c": 5e3, "d": 1.5e-3, "e": True, "f": 16}
    assert document.decimal(("a",)) == Decimal("0.0001")
    assert document.decimal(("b",)) is None
    assert document.decimal(("f",)) == Decimal(16)


def test_explicit_str_tag_keeps_numbers_as_text():
    document = parse("a: !!str 1\nb: !!str 1.5\nc: !!str 2024\n")
    assert document.value == {"a": "1", "b": "1.5", "c": "2024"}
    assert document.decimal(("a",)) is None


def test_decimals_come_from_the_text_not_from_binary_floats():
    document = parse("a: 0.1\nb: 0.2\nc: 0.3\nd: 1_000.5\ne: -.inf\nf: .NaN\n")
    assert document.decimal(("a",)) + document.decimal(("b",)) == document.decimal(("c",))
    assert document.decimal(("d",)) == Decimal("1000.5")
    assert document.decimal(("e",)) == Decimal("-Infinity")
    assert document.decimal(("f",)).is_nan()


def test_merge_keys_keep_explicit_values_and_point_at_the_anchor():
    document = parse("base: &b\n  x: 1\n  y: 2\nm:\n  <<: *b\n  x: 3\n")
    assert document.value["m"] == {"x": 3, "y": 2}
    assert document.position(("m", "y")) == Position(3, 6)
    assert document.duplicates == []


def test_duplicate_keys_are_found_with_both_lines_once_per_mapping():
    document = parse("a: &m\n  k: 1\n  k: 2\nb: *m\nc: *m\n'a': again\n")
    found = sorted((d.key, d.mapping_path, d.position.line, d.first.line) for d in document.duplicates)
    assert found == [("a", (), 6, 1), ("k", ("a",), 3, 2)]


def test_billion_laughs_is_refused_quickly_with_a_position():
    started = time.monotonic()
    with pytest.raises(YamlProblem) as caught:
        parse(billion_laughs())
    assert time.monotonic() - started < 5
    assert "alias bomb" in caught.value.message
    assert caught.value.position is not None and caught.value.position.line >= 1


def test_moderate_alias_use_is_accepted():
    document = parse(billion_laughs(levels=4))  # 9**4 leaves: well under the budget
    assert document.value["d"][8][8][8] == ["lol"] * 9
    assert 9**4 < MAX_EXPANDED_NODES


def test_recursive_alias_is_refused():
    with pytest.raises(YamlProblem, match="recursive alias"):
        parse("a: &x [1, *x]\n")


@pytest.mark.parametrize("text", ["[" * 5000 + "]" * 5000, "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 400)) + "  " * 400 + "v: 1\n"])
def test_deep_nesting_is_refused_without_a_crash(text):
    with pytest.raises(YamlProblem, match="nest"):
        parse(text)


def test_invalid_yaml_reports_the_parser_position():
    with pytest.raises(YamlProblem) as caught:
        parse("a: [1,\nb: 2\n")
    assert caught.value.position == Position(3, 1)


def test_control_character_position_counts_characters_not_bytes():
    with pytest.raises(YamlProblem, match="control characters") as caught:
        parse("café: 1\nb: x\x07\n")
    assert caught.value.position == Position(2, 5)


def test_two_documents_are_invalid():
    with pytest.raises(YamlProblem, match="single document"):
        parse("a: 1\n---\nb: 2\n")


def test_empty_and_comment_only_files_are_refused_at_line_one():
    for text in ("", "# only a comment\n"):
        with pytest.raises(YamlProblem, match="empty") as caught:
            parse(text)
        assert caught.value.position == Position(1, 1)


def test_non_utf8_bytes_name_the_line_and_column():
    with pytest.raises(YamlProblem, match="not UTF-8") as caught:
        decode(b"a: 1\nb: caf\xe9\n")
    assert caught.value.position == Position(2, 7)


def test_nul_bytes_are_refused():
    with pytest.raises(YamlProblem, match="NUL"):
        decode(b"a: 1\x00\n")


def test_bom_and_crlf_are_handled():
    document = parse(decode(b"\xef\xbb\xbfa: 1\r\nb:\r\n  c: 2\r\n"))
    assert document.value == {"a": 1, "b": {"c": 2}}
    assert document.position(("b", "c")).line == 3
    assert document.line_text(3) == "  c: 2"


def test_read_text_refuses_missing_directories_fifos_and_large_files(tmp_path: Path):
    with pytest.raises(YamlProblem) as caught:
        read_text(tmp_path / "absent.yaml", 1000)
    assert caught.value.kind == "missing"
    with pytest.raises(YamlProblem, match="directory"):
        read_text(tmp_path, 1000)
    big = tmp_path / "big.yaml"
    big.write_text("a: 1\n" * 100)
    with pytest.raises(YamlProblem, match="over the 100-byte limit"):
        read_text(big, 100)
    fifo = tmp_path / "fifo.yaml"
    import os

    os.mkfifo(fifo)
    with pytest.raises(YamlProblem, match="not a regular file"):
        read_text(fifo, 1000)


@pytest.mark.parametrize(
    ("text", "position", "tag"),
    [
        ("a: 1\nb: !python/object:os.system echo\n", Position(2, 4), "!python/object:os.system"),
        ("a: !!python/object/apply:os.system [echo]\n", Position(1, 4), "!!python/object/apply:os.system"),
        ("a:\n  b: !Ref {c: 1}\n", Position(2, 6), "!Ref"),
    ],
)
def test_unknown_tags_on_scalars_lists_and_mappings_are_refused_where_they_are(text, position, tag):
    with pytest.raises(YamlProblem) as caught:
        parse(text)
    assert caught.value.position == position
    assert caught.value.message == f"unsupported YAML tag {tag}; remove it and write a plain value"


def test_standard_tags_are_read():
    document = parse("a: !!set {x, y}\nb: !!omap [k: 1]\nc: !!binary aGk=\nd: !!map {e: !!int '5'}\n")
    assert document.value == {"a": {"x": None, "y": None}, "b": [{"k": 1}], "c": b"hi", "d": {"e": 5}}


@given(st.text(max_size=120) | st.lists(st.sampled_from(["a:", " ", "\n", "- ", "&x", "*x", "<<:", "[", "]", "{", "}", "'", "1e-4", "!!", "?"]), max_size=20).map("".join))
def test_any_text_parses_or_is_a_yaml_problem(text):
    try:
        parse(text)
    except YamlProblem as problem:
        assert problem.message
