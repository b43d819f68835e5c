"""Mechanical fixes (`autopack check --fix`, shared with the autopilot's apply): only certain
ones, every other byte kept, the pre-commit convention (files changed: exit 1), never in CI."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autopack import fixes
from autopack.debug_guard import SETTINGS, scan
from autopack.files import decode_text
from tests.conftest import run_script

GUARD_SETTINGS = {"enabled": True, **{key: setting.default for key, setting in SETTINGS.items()}}


def findings_of(path: str, raw: bytes) -> list:
    return scan(decode_text(path, raw), GUARD_SETTINGS)


# --- the property: after the fix the guard finds nothing, and only the values changed --------

SPELLINGS = {  # enabling value as written → its off value, per format (each valid there)
    "dotenv": [("1", "0"), ("true", "false"), ("True", "False"), ("TRUE", "FALSE"), ("yes", "no"), ("on", "off"),
               ('"1"', '"0"'), ("'true'", "'false'"), ('"On"', '"Off"')],
    "yaml": [("true", "false"), ("True", "False"), ("yes", "no"), ("on", "off"), ("1", "0"), ('"true"', '"false"'),
             ("'1'", "'0'"), ("YES", "NO")],
    "toml": [("true", "false"), ("1", "0"), ('"true"', '"false"'), ("'yes'", "'no'"), ('"on"', '"off"')],
}
KEYS = ["DEBUG", "debug", "Debug", "APP_DEBUG", "FLASK_DEBUG", "django_debug"]
FILLER = {
    "dotenv": ["# production settings", "", "SECRET_KEY=from-vault", "LOG_LEVEL=debug", "export PORT=8080",
               "DEBUG_PORT=5678", "# DEBUG=1 is for laptops", "NAME=\"caf\u00e9 \u2603\""],
    "yaml": ["# production", "", "replicas: 3", "level: debug", "name: \"caf\u00e9\"", "port: 8080"],
    "toml": ["# production", "", "port = 8080", "name = \"caf\u00e9\"", "level = \"debug\""],
}
PATHS = {"dotenv": ".env.production", "yaml": "config/production.yaml", "toml": "config/production.toml"}


@st.composite
def production_file(draw: st.DrawFn) -> tuple[str, bytes, bytes, int]:
    """A production file in one format with N enabling debug settings among filler and
    comments: (path, content, the same content with each setting off, N)."""
    kind = draw(st.sampled_from(sorted(SPELLINGS)))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    keys = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=4, unique_by=str.lower))
    before: list[str] = []
    after: list[str] = []
    sections = draw(st.lists(st.sampled_from(["app", "server", "web"]), min_size=1, max_size=2, unique=True))
    pending = list(keys)
    for index, section in enumerate(sections):
        header = {"dotenv": f"# {section}", "yaml": f"{section}:", "toml": f"[{section}]"}[kind]
        before.append(header)
        after.append(header)
        mine = pending if index == len(sections) - 1 else pending[: draw(st.integers(0, len(pending)))]
        pending = pending[len(mine):]
        rows = [("setting", key) for key in mine] + [("filler", line) for line in draw(
            st.lists(st.sampled_from(FILLER[kind]), max_size=4, unique=True))]
        for what, text in draw(st.permutations(rows)):
            indent = "  " if kind == "yaml" else ""
            if what == "filler":
                line = text if not text or text.startswith("#") or kind != "yaml" else indent + text
                before.append(line)
                after.append(line)
                continue
            on, off = draw(st.sampled_from(SPELLINGS[kind]))
            separator = {"dotenv": draw(st.sampled_from(["=", "="])), "yaml": draw(st.sampled_from([": ", ":   "])),
                         "toml": draw(st.sampled_from([" = ", "=", "  =  "]))}[kind]
            prefix = indent + ("export " if kind == "dotenv" and draw(st.booleans()) else "")
            comment = draw(st.sampled_from(["", "  # keep it on? no", " # on"])) if kind != "dotenv" else ""
            before.append(f"{prefix}{text}{separator}{on}{comment}")
            after.append(f"{prefix}{text}{separator}{off}{comment}")
    bom = "\ufeff" if draw(st.booleans()) else ""
    final = newline if draw(st.booleans()) else ""
    encode = lambda lines: (bom + newline.join(lines) + final).encode("utf-8")  # noqa: E731
    return PATHS[kind], encode(before), encode(after), len(keys)


@given(production_file())
def test_after_fix_the_guard_finds_nothing_and_only_the_values_changed(case):
    path, before, expected, settings = case
    found = findings_of(path, before)
    assert len(found) == settings, [f.message for f in found]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(before)
        (root / path).chmod(0o640)
        planned = fixes.plan_fixes(root, found)
        assert [fix.path for fix in planned] == [path]
        assert fixes.write_fix(root, planned[0])
        after = (root / path).read_bytes()
        assert after == expected
        assert findings_of(path, after) == []
        assert (root / path).stat().st_mode & 0o777 == 0o640


# --- certainty: what is not certain is left alone ----------------------------------------------

@pytest.mark.parametrize(("path", "content"), [
    ("config/production.yaml", "app: {debug: true, sub: {debug: true}}\n"),  # two candidates on the line
    (".env.production", "DEBUG=1 # DEBUG=1\n"),  # which one the reader took is not certain
    ("k8s/prod/deploy.yaml", "env:\n  - name: DEBUG\n    value: \"true\"\n"),  # key and value on different lines
])
def test_uncertain_fixes_are_not_made(path: str, content: str):
    found = findings_of(path, content.encode())
    assert found
    with tempfile.TemporaryDirectory() as tmp:
        assert fixes.plan_fixes(Path(tmp), found) == []


def test_non_utf8_bytes_and_lone_cr_survive_byte_for_byte(tmp_path: Path):
    raw = b"# caf\xe9 \xff\xfe\r\nDEBUG=on\rX=1\r\nexport APP_DEBUG=TRUE\n\xa0\n"
    found = findings_of(".env.production", raw)
    (tmp_path / ".env.production").write_bytes(raw)
    planned = fixes.plan_fixes(tmp_path, found)
    assert fixes.write_fix(tmp_path, planned[0])
    assert [f.line for f in found] == [3]  # `DEBUG=on\rX=1` is one line (a shell reads `on\rX=1`)
    assert (tmp_path / ".env.production").read_bytes() == raw.replace(b"=TRUE", b"=FALSE")


@pytest.mark.parametrize(("path", "before", "after"), [
    ("config/production.json", b'{\r\n\t"name": "debug",\r\n\t"debug":  true,\r\n\t"nested": {"x": 1}\r\n}',
     b'{\r\n\t"name": "debug",\r\n\t"debug":  false,\r\n\t"nested": {"x": 1}\r\n}'),
    ("config/production.ini", b"; production\n[app]\ndebug = on ; was off\n[server]\nDEBUG: yes\nport=1\n",
     b"; production\n[app]\ndebug = off ; was off\n[server]\nDEBUG: no\nport=1\n"),
])
def test_json_and_ini_keep_every_other_byte(tmp_path: Path, path: str, before: bytes, after: bytes):
    found = findings_of(path, before)
    assert found
    (tmp_path / path).parent.mkdir(parents=True)
    (tmp_path / path).write_bytes(before)
    (planned,) = fixes.plan_fixes(tmp_path, found)
    assert fixes.write_fix(tmp_path, planned)
    assert (tmp_path / path).read_bytes() == after
    assert findings_of(path, after) == []


# --- the command line ------------------------------------------------------------------------

def test_fix_modifies_files_and_exits_1_then_the_next_run_is_clean(make_repo):
    repo = make_repo({".env.production": "DEBUG=true\nKEY=x\n", "config/production.yaml": "app:\n  debug: on # !\n",
                      "README.md": "# x\n"})
    first = run_script("autopack", "check", "--fix", cwd=repo, env={"CI": "", "GITHUB_ACTIONS": ""})
    assert first.returncode == 1, first.stderr
    assert "fixed .env.production: line 1: APD101 `true` -> `false`" in first.stderr
    assert (repo / ".env.production").read_text() == "DEBUG=false\nKEY=x\n"
    assert (repo / "config/production.yaml").read_text() == "app:\n  debug: off # !\n"
    assert first.stdout.strip() == "" or "APD" not in first.stdout  # nothing left to report
    second = run_script("autopack", "check", "--fix", cwd=repo, env={"CI": "", "GITHUB_ACTIONS": ""})
    assert second.returncode == 0, second.stdout + second.stderr


def test_what_cannot_be_fixed_is_still_reported(make_repo):
    repo = make_repo({".env.production": "DEBUG=1 # DEBUG=1\n"})
    result = run_script("autopack-debug-guard", "--all-files", "--fix", cwd=repo, env={"CI": "", "GITHUB_ACTIONS": ""})
    assert result.returncode == 1 and "APD101" in result.stdout and "fixed" not in result.stderr
    assert (repo / ".env.production").read_text() == "DEBUG=1 # DEBUG=1\n"


@pytest.mark.parametrize("variable", ["CI", "GITHUB_ACTIONS"])
def test_fix_refuses_in_ci_unless_allowed(make_repo, variable: str):
    repo = make_repo({".env.production": "DEBUG=1\n"})
    others = {"CI": "", "GITHUB_ACTIONS": "", variable: "true"}
    refused = run_script("autopack-debug-guard", "--all-files", "--fix", cwd=repo, env=others)
    assert refused.returncode == 2 and "--allow-ci" in refused.stderr and variable in refused.stderr
    assert (repo / ".env.production").read_text() == "DEBUG=1\n"
    allowed = run_script("autopack-debug-guard", "--all-files", "--fix", "--allow-ci", cwd=repo, env=others)
    assert allowed.returncode == 1 and (repo / ".env.production").read_text() == "DEBUG=0\n"


def test_fix_never_writes_through_a_symlink_or_with_staged(make_repo, tmp_path: Path):
    outside = tmp_path / "outside.env"
    outside.write_text("DEBUG=1\n")
    repo = make_repo({"README.md": "# x\n", "prod/.env": "DEBUG=1\n"})
    os.symlink(outside, repo / ".env.production")
    clean = {"CI": "", "GITHUB_ACTIONS": ""}
    result = run_script("autopack-debug-guard", "--all-files", "--fix", cwd=repo, env=clean)
    assert outside.read_text() == "DEBUG=1\n" and (repo / ".env.production").is_symlink()
    assert result.returncode == 1
    staged = run_script("autopack-debug-guard", "--staged", "--fix", cwd=repo, env=clean)
    assert staged.returncode == 2 and "--staged" in staged.stderr


# --- a broken link whose target git renamed -----------------------------------------------------

def _renamed_repo(make_repo, readme: str):
    from tests.conftest import git

    repo = make_repo({"docs/setup.md": "# Setup\n", "docs/old.md": "# Old\n", "docs/guide/index.md": "# G\n",
                      "README.md": "# x\n"})
    git(repo, "mv", "docs/setup.md", "docs/install.md")
    git(repo, "commit", "-q", "-m", "rename")
    (repo / "handbook").mkdir()
    git(repo, "mv", "docs/install.md", "handbook/install.md")
    git(repo, "rm", "-q", "docs/old.md")
    git(repo, "commit", "-q", "-m", "move again, delete one")
    (repo / "README.md").write_text(readme, encoding="utf-8")
    (repo / "docs/guide/index.md").write_text("# G\n\n[up](../setup.md#setup)\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "docs")
    return repo


def test_a_link_to_a_renamed_file_follows_the_rename(make_repo):
    readme = ("# x\r\n\r\nSee [setup](docs/setup.md#setup), ![i](./docs/setup.md) and [root](/docs/setup.md?x=1).\r\n"
              "[gone](docs/old.md) stays: it was deleted, not renamed.\r\n")
    repo = _renamed_repo(make_repo, readme)
    result = run_script("autopack-doc-drift", "--all-files", "--fix", cwd=repo, env={"CI": "", "GITHUB_ACTIONS": ""})
    assert result.returncode == 1
    assert (repo / "README.md").read_bytes() == readme.replace("(docs/setup.md#", "(handbook/install.md#").replace(
        "(./docs/setup.md)", "(./handbook/install.md)").replace("(/docs/setup.md?", "(/handbook/install.md?").encode()
    assert (repo / "docs/guide/index.md").read_text() == "# G\n\n[up](../../handbook/install.md#setup)\n"
    assert "docs/old.md" in result.stdout and "APR201" in result.stdout  # not certain: still reported
    again = run_script("autopack-doc-drift", "--all-files", cwd=repo)
    assert again.stdout.count("APR201") == 1, again.stdout
