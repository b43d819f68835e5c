"""Property-based fuzzing of the core: configuration text, file bytes and suppression comments
never raise anything but a ConfigError, and results are deterministic."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from autopack import engine, files
from autopack.config import load_config
from autopack.findings import ConfigError

TOML_PIECES = st.sampled_from([
    "exclude = ['a', 'b']\n", "fail-on = 'warning'\n", "fail-on = 3\n", "max-file-size = -1\n",
    "[debug-guard]\n", "enabled = false\n", "[catalog]\n", "x = \n", "[[doc-drift.commands]]\n",
    "run = ['true']\n", "'quoted' = 1\n", "\ufeff", "\0", "[tool.autopack]\n", "a.b.c = 1\n", "= =\n",
])


@given(st.lists(TOML_PIECES, max_size=8).map("".join) | st.text(max_size=200))
def test_any_configuration_text_loads_or_is_a_config_error(tmp_path_factory, text):
    root = tmp_path_factory.mktemp("cfg")
    (root / ".autopack.toml").write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        config = load_config(root)
        for name in ("debug-guard", "catalog"):
            config.enabled(name)
            config.section(name, {})
    except ConfigError as error:
        assert str(error).startswith(str(root / ".autopack.toml"))


@given(st.binary(max_size=4096))
def test_any_bytes_decode_without_error_and_deterministically(raw):
    first = files.source_from_bytes("x.txt", raw, 2048)
    second = files.source_from_bytes("x.txt", raw, 2048)
    assert first == second
    if isinstance(first, files.SourceFile):
        assert "\n" not in "".join(first.lines)


@given(st.text(max_size=120))
def test_ignore_comment_parsing_never_fails(line):
    ids = engine._ignored_ids(line)
    assert ids is None or all(isinstance(i, str) for i in ids)
