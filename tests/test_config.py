"""Configuration: zero-config defaults, validation with file and line, precedence."""

from __future__ import annotations

import json

import pytest

from autopack.config import Setting, load_config
from autopack.findings import ConfigError
from tests.conftest import run_script, write

SPEC = {"tokens": Setting(["prod"], "str-list", "tokens"), "mode": Setting("a", "str", "mode", choices=("a", "b"))}


def test_zero_configuration_gives_defaults(tmp_path):
    config = load_config(tmp_path)
    assert config.source is None
    assert config.values["fail-on"] == "error"
    assert config.section("debug-guard", SPEC) == {"enabled": True, "tokens": ["prod"], "mode": "a"}


def test_pyproject_table_is_read(tmp_path):
    write(tmp_path, {"pyproject.toml": '[tool.autopack]\nfail-on = "warning"\n[tool.autopack.debug-guard]\nmode = "b"\n'})
    config = load_config(tmp_path)
    assert config.values["fail-on"] == "warning"
    assert config.section("debug-guard", SPEC)["mode"] == "b"


def test_dedicated_file_wins_over_pyproject(tmp_path):
    write(tmp_path, {"pyproject.toml": '[tool.autopack]\nfail-on = "warning"\n', ".autopack.toml": 'fail-on = "note"\n'})
    assert load_config(tmp_path).values["fail-on"] == "note"


def test_pyproject_without_our_table_is_ignored(tmp_path):
    write(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\n"})
    assert load_config(tmp_path).source is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('fail-on = "loud"\n', ".autopack.toml:1: `fail-on` must be one of 'error', 'warning', 'note'"),
        ("\nbogus = 1\n", ".autopack.toml:2: `bogus` is not a known key"),
        ("exclude = 'x'\n", "`exclude` must be a list of strings"),
        ("[debug-guard]\nenabled = 'yes'\n", "`debug-guard.enabled` must be true or false"),
        ("[nonsense]\nx = 1\n", "`nonsense` is not a known key"),
        ("fail-on = \n", "invalid TOML"),
    ],
)
def test_bad_configuration_names_key_file_and_line(tmp_path, text, expected):
    write(tmp_path, {".autopack.toml": text})
    with pytest.raises(ConfigError) as error:
        config = load_config(tmp_path)
        config.enabled("debug-guard")
        config.section("debug-guard", SPEC)
    assert expected in str(error.value)


def test_section_keys_are_validated_on_use(tmp_path):
    write(tmp_path, {"pyproject.toml": "[tool.autopack.debug-guard]\ntokenz = ['x']\n"})
    with pytest.raises(ConfigError, match=r"pyproject.toml:2: `tool.autopack.debug-guard.tokenz` is not a known key"):
        load_config(tmp_path).section("debug-guard", SPEC)


def test_non_utf8_configuration_is_a_clear_error(tmp_path):
    write(tmp_path, {".autopack.toml": b"fail-on = '\xff'\n"})
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(tmp_path)


def test_cli_exits_2_on_bad_configuration_without_a_traceback(make_repo):
    root = make_repo({".autopack.toml": "max-file-size = 'big'\n"})
    result = run_script("autopack", "check", "--all-files", cwd=root)
    assert result.returncode == 2
    assert "`max-file-size` must be an integer" in result.stderr
    assert "Traceback" not in result.stderr


def test_autopack_config_prints_the_effective_configuration(make_repo):
    root = make_repo({".autopack.toml": "extend-exclude = ['vendor']\n"})
    result = run_script("autopack", "config", cwd=root)
    assert result.returncode == 0, result.stderr
    effective = json.loads(result.stdout)
    assert effective["extend-exclude"] == ["vendor"]
    assert effective["source"].endswith(".autopack.toml")
