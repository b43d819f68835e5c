"""The runner: suppressions, baselines, exit codes and the reporters, driven by a small
enforcement defined here (each real enforcement's own tests cover it end to end)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from autopack import engine
from autopack.config import load_config
from autopack.findings import Rule, Severity, fingerprint
from tests.conftest import write

WORD = Rule("APT001", "forbidden-word", Severity.ERROR, "The word is forbidden.", "Remove the word.", "core.md")
HINT = Rule("APT002", "hint-word", Severity.WARNING, "A hint.", "Consider it.", "core.md")
SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


def _check(context: engine.CheckContext):
    for source in context.files:
        for number, line in enumerate(source.lines, start=1):
            if "FORBIDDEN" in line:
                yield WORD.finding(source.path, "forbidden word", line=number, column=line.index("FORBIDDEN") + 1, line_text=line)
            if "HINT" in line:
                yield HINT.finding(source.path, "hint word", line=number, column=1, line_text=line)


TEST_ENFORCEMENT = engine.Enforcement(
    name="debug-guard", hook_id="test", rules=(WORD, HINT), settings={}, check=_check,
    wants=lambda path, settings: path.endswith(".txt"),
)


def collect(root: Path, paths: list[str] | None = None) -> engine.RunResult:
    return engine.collect([TEST_ENFORCEMENT], root, load_config(root), paths)


def ids(result: engine.RunResult) -> list[tuple[str, str, int | None]]:
    return [(f.rule_id, f.path, f.line) for f in result.findings]


def test_findings_are_sorted_and_only_wanted_files_are_read(make_repo):
    root = make_repo({"b.txt": "x\nFORBIDDEN\n", "a.txt": "FORBIDDEN HINT\n", "c.md": "FORBIDDEN\n"})
    assert ids(collect(root)) == [("APT001", "a.txt", 1), ("APT002", "a.txt", 1), ("APT001", "b.txt", 2)]


def test_files_are_read_one_at_a_time_as_the_check_asks_for_them(make_repo):
    """A scan holds one file's text at a time: the runner reads a file when the check takes it,
    not the whole tree before the check starts (a change made between two takes is seen)."""
    root = make_repo({"a.txt": "first\n", "b.txt": "second\n"})
    seen: list[str] = []

    def check(context: engine.CheckContext):
        for source in context.files:
            seen.append(source.text)
            (root / "b.txt").write_text("FORBIDDEN, written after a.txt was taken\n", encoding="utf-8")
            yield from _check(engine.CheckContext(root, context.config, context.settings, [source]))

    result = engine.collect([TEST_ENFORCEMENT._replace(check=check)], root, load_config(root), None)
    assert seen == ["first\n", "FORBIDDEN, written after a.txt was taken\n"]
    assert ids(result) == [("APT001", "b.txt", 1)]


def test_a_check_may_go_over_its_files_twice(make_repo):
    root = make_repo({"a.txt": "FORBIDDEN\n", "b.txt": "x\n"})

    def twice(context: engine.CheckContext):
        first = [source.path for source in context.files]
        assert [source.path for source in context.files] == first == ["a.txt", "b.txt"]
        yield from _check(context)

    assert ids(engine.collect([TEST_ENFORCEMENT._replace(check=twice)], root, load_config(root), None)) == [("APT001", "a.txt", 1)]


@pytest.mark.parametrize(
    "comment",
    [
        "# autopack: ignore[APT001]",
        "// autopack: ignore[APT001]",
        "<!-- autopack: ignore[APT001] -->",
        "; autopack: ignore[apt001, APT002]",
    ],
)
def test_inline_suppression_on_the_line_or_the_line_above(make_repo, comment):
    root = make_repo({"a.txt": f"FORBIDDEN {comment}\n{comment}\nFORBIDDEN\nFORBIDDEN\n"})
    assert ids(collect(root)) == [("APT001", "a.txt", 4)]


def test_suppression_names_the_rule_it_silences(make_repo):
    root = make_repo({"a.txt": "FORBIDDEN  # autopack: ignore[APT002]\n"})
    assert ids(collect(root)) == [("APT001", "a.txt", 1)]


def test_a_bare_ignore_is_itself_reported(make_repo):
    bare = "autopack: " + "ignore"  # split so this file does not carry a bare ignore itself
    root = make_repo({"a.txt": f"FORBIDDEN  # {bare}\n"})
    assert ids(collect(root)) == [("APT001", "a.txt", 1), ("APX001", "a.txt", 1)]


def test_prose_mentioning_the_marker_is_not_a_suppression(make_repo):
    root = make_repo({"a.txt": "write autopack: ignore[APT001] in a comment FORBIDDEN\n"})
    assert ids(collect(root)) == [("APT001", "a.txt", 1)]


def test_excluded_and_oversized_files(make_repo):
    root = make_repo({
        ".autopack.toml": "extend-exclude = ['vendor']\nmax-file-size = 50\n",
        "vendor/a.txt": "FORBIDDEN\n",
        "big.txt": "FORBIDDEN\n" * 10,
    })
    result = collect(root)
    assert ids(result) == [("APX002", "big.txt", None)]
    assert result.findings[0].severity is Severity.NOTE


def test_fingerprint_survives_lines_added_above(make_repo):
    before = collect(make_repo({"a.txt": "FORBIDDEN\n"})).findings[0]
    after = collect(make_repo({"a.txt": "new\nlines\n  FORBIDDEN\n"})).findings[0]
    assert before.line != after.line
    assert before.fingerprint == after.fingerprint == fingerprint("APT001", "a.txt", "FORBIDDEN")


def test_baseline_reports_only_new_findings_and_lists_stale_ones(tmp_path):
    old = [WORD.finding("a.txt", "m", line=1, line_text="FORBIDDEN"), WORD.finding("gone.txt", "m", line=1, line_text="x")]
    baseline = tmp_path / "baseline.json"
    engine.write_baseline(baseline, old)
    current = [WORD.finding("a.txt", "m", line=7, line_text="FORBIDDEN"), WORD.finding("a.txt", "m", line=9, line_text="FORBIDDEN")]
    fresh, stale = engine.apply_baseline(current, engine.read_baseline(baseline))
    assert [f.line for f in fresh] == [9]
    assert [entry["path"] for entry in stale] == ["gone.txt"]


@pytest.mark.parametrize("content", ["{", "[]", '{"findings": [1]}'])
def test_a_broken_baseline_is_a_configuration_error(tmp_path, content):
    baseline = tmp_path / "b.json"
    baseline.write_text(content)
    with pytest.raises(engine.ConfigError, match="b.json"):
        engine.read_baseline(baseline)


def test_exit_code_follows_fail_on():
    warning = HINT.finding("a.txt", "m", line=1)
    assert engine.exit_code([warning], "error") == 0
    assert engine.exit_code([warning], "warning") == 1
    assert engine.exit_code([], "note") == 0


@pytest.mark.parametrize(("value", "expected"), [("1/1", (1, 1)), ("2/4", (2, 4))])
def test_shard_parsing(value, expected):
    assert engine.parse_shard(value) == expected


@pytest.mark.parametrize("value", ["0/2", "3/2", "x", "1/0"])
def test_bad_shard_is_a_usage_error(value):
    with pytest.raises(engine.ConfigError, match="--shard"):
        engine.parse_shard(value)


def test_shards_partition_the_files():
    paths = [f"dir/file{i}.txt" for i in range(200)]
    shards = [[p for p in paths if engine.in_shard(p, (k, 3))] for k in (1, 2, 3)]
    assert sorted(sum(shards, [])) == sorted(paths)
    assert all(shards)


def _sample(make_repo) -> engine.RunResult:
    lines = "".join(f"FORBIDDEN {i} HINT\n" for i in range(15))
    return collect(make_repo({"a.txt": lines, "dir/b c.txt": "FORBIDDEN, with: % and\n"}))


def test_sarif_output_is_valid_sarif_2_1_0(make_repo, monkeypatch):
    result = _sample(make_repo)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    unknown = json.loads(engine.render("sarif", result.findings, result.rules))
    jsonschema.Draft7Validator(schema).validate(unknown)
    assert not any("helpUri" in r for r in unknown["runs"][0]["tool"]["driver"]["rules"]), "no docs URL: no link"
    monkeypatch.setenv("AUTOPACK_DOCS_URL", "https://git.example/me/autopack/blob/v1.2.0/docs")
    document = json.loads(engine.render("sarif", result.findings, result.rules))
    jsonschema.Draft7Validator(schema).validate(document)
    run = document["runs"][0]
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} >= {"APT001", "APT002", "APX001"}
    assert all(r["helpUri"].startswith("https://git.example/me/autopack/blob/v1.2.0/docs/") for r in run["tool"]["driver"]["rules"])
    assert len(run["results"]) == 31
    assert all(r["partialFingerprints"] for r in run["results"])


def test_github_format_caps_annotations_but_logs_every_finding(make_repo):
    result = _sample(make_repo)
    output = engine.render("github", result.findings, result.rules)
    assert output.count("::error ") == 10
    assert output.count("::warning ") == 10
    assert "11 more finding(s) are not annotated" in output
    assert output.count("APT001 forbidden word") == 16


def test_github_annotation_escapes_properties_and_data():
    from autopack.report.github import annotation

    finding = WORD.finding("dir/a,b:c.txt", "50% of\nlines", line=3, column=2)
    assert annotation(finding) == (
        "::error file=dir/a%2Cb%3Ac.txt,line=3,col=2,title=APT001 forbidden-word::50%25 of%0Alines%0Afix: Remove the word.\n"
    )


def test_text_output_has_location_message_and_fix(make_repo):
    result = collect(make_repo({"a.txt": "x FORBIDDEN\n"}))
    assert engine.render("text", result.findings, result.rules) == (
        "a.txt:1:3: APT001 forbidden word\n    fix: Remove the word.\nFound 1 finding (1 error).\n"
    )


def test_markdown_summary_counts_rules_and_stays_bounded(make_repo, monkeypatch):
    result = _sample(make_repo)
    assert "| APT001 | forbidden-word | 16 |" in engine.render("markdown", result.findings, result.rules)
    monkeypatch.setenv("AUTOPACK_DOCS_URL", "https://git.example/me/autopack/blob/v1/docs")
    summary = engine.render("markdown", result.findings, result.rules)
    assert "| APT001 | [forbidden-word](https://git.example/me/autopack/blob/v1/docs/" in summary and "| 16 |" in summary
    many = result.findings * 2000
    assert len(engine.render("markdown", many, result.rules).encode()) < 1024 * 1024


@pytest.mark.parametrize("fmt", engine.FORMATS)
def test_every_format_is_byte_identical_across_runs(make_repo, fmt):
    first = _sample(make_repo)
    second = _sample(make_repo)
    assert engine.render(fmt, first.findings, first.rules) == engine.render(fmt, second.findings, second.rules)
