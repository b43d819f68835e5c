"""What counts as debug enablement: one classifier for key/value settings and one for commands.

Every format reader reduces a file to settings (a key path and a raw value at a line) and command
text; the two functions here decide, the same way for every format, whether that is a finding.
Values must be literal: interpolation such as `${DEBUG}`, `{{ .Values.debug }}` or
`os.environ.get(...)` never equals an enabling literal, so it is never flagged.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import namedtuple
from collections.abc import Iterator, Sequence
from functools import cached_property
from itertools import accumulate

from autopack.findings import Rule, Severity
from autopack.lazy import lazy_pattern as lazy

TYPE_CHECKING = False  # typing is imported for type checkers only: the hook starts lean
if TYPE_CHECKING:
    from typing import Any

DOC = "debug-guard.md"

RULE_DEBUG = Rule(
    id="APD101",
    name="debug-enabled-in-production",
    severity=Severity.ERROR,
    summary="A key named DEBUG is set to an enabling value in a production configuration file.",
    fix="Remove the key or set it to `false`; keep debug settings in a development-only file or read them from the environment.",
    doc=DOC,
)
RULE_FRAMEWORK = Rule(
    id="APD102",
    name="framework-debug-in-production",
    severity=Severity.ERROR,
    summary="A framework debug flag, development environment, error-detail switch, debug toolbar or devtools is enabled in production configuration.",
    fix="Set the flag to its production value (false / production / Off) or remove it; keep development settings in development-only files.",
    doc=DOC,
)
RULE_DEV_SERVER = Rule(
    id="APD103",
    name="development-server-in-production",
    severity=Severity.ERROR,
    summary="A development server, auto-reloader or debugger runs in a production entry point or deploy command.",
    fix="Use the production server without reloader or debugger flags; keep those in development-only commands.",
    doc=DOC,
)
RULE_DEFAULT = Rule(
    id="APD104",
    name="debug-on-by-default",
    severity=Severity.WARNING,
    summary="A debug switch is read from the environment with an enabling default, so debug is on wherever the variable is unset.",
    fix="Default to off (`False`, `0`) and enable debug only in development configuration (e.g. `DEBUG=1` in `.env.development`).",
    doc=DOC,
)
RULES = (RULE_DEBUG, RULE_FRAMEWORK, RULE_DEV_SERVER, RULE_DEFAULT)

# Cheap first pass over raw text: every setting, command and toolbar the rules know contains one
# of these words (lower case), so a file or line without any has nothing to find. Substring
# tests on lowered text are several times faster than one case-insensitive regex.
_SERVE = ("ng serve", "artisan serve", "webpack serve", "webpack-dev", '"serve"', "php -s")
_WATCH = ("flask run", '"flask"', "ts-node-dev", "tsx watch", "dotnet watch", '"watch"', "--watch", "--hot")  # Flask's server, file watchers
KEYWORDS = (
    "debug", "_env", "environment", "profiles.active", "profiles_active", "devtools", "develop", "errors", "requests_local",
    "profiler", "stacktrace", "include-exception", "include_exception", "reload", "inspect", "jdwp", "settings_module",
    "app_settings", "runserver", "nodemon", "dlv", "pdb", *_SERVE, *_WATCH,
)  # fmt: skip
# Short values that count only as a word of their own: `=dev`, `: local`, `'dev'`, `prod,local`
# (one search for the word and a look at the character before it, not one search per spelling).
VALUE_WORDS = ("dev", "local")
_BEFORE_VALUE = frozenset(" \t\"':=,")
SERVER_WORDS = (
    "-dspring", "--spring", "-dserver", "--server.", "-ddebug", "-dxdebug", "--reload", "--debug", "--inspect", "debugpy",
    "ptvsd", "jdwp", "xdebug", "dlv", "autoreload", "github_env", ".ini", ".env", ".conf", ".properties", "pdb", "runserver", "nodemon", " dev", '"dev"', ":dev", "develop", "/start-reload", *_SERVE, *_WATCH,
)  # fmt: skip
DEPLOY_TOOL_WORDS = ("helm", "kubectl", "docker", "podman", "heroku", "gcloud", "az ", "fly", "aws", "nomad", "kamal", "oc ")
DEPLOY_FLAG_WORDS = ("--set", "--env", "-e ", "-e=", "--settings", "config:set", "set env", "env-vars")
COMMAND_WORDS = SERVER_WORDS + DEPLOY_TOOL_WORDS + DEPLOY_FLAG_WORDS  # a line that may be part of a command


def mentions(lowered: str, words: tuple[str, ...] = KEYWORDS) -> bool:
    """Whether lowered text contains one of `words` (for KEYWORDS, also one of VALUE_WORDS as a value)."""
    for word in words:  # a plain loop: measurably faster than any() over a generator here
        if word in lowered:
            return True
    return words is KEYWORDS and any(True for _ in _value_word_positions(lowered))


def _value_word_positions(lowered: str) -> Iterator[int]:
    """Where a VALUE_WORD starts right after a delimiter (`=dev`, `: local`, `"dev"`)."""
    for word in VALUE_WORDS:
        position = lowered.find(word, 1)
        while position != -1:
            if lowered[position - 1] in _BEFORE_VALUE:
                yield position
            position = lowered.find(word, position + len(word))


class IndexedLines(list[str]):
    """A file's lines with its lowered text, computed once per file: keyword gates then cost one
    substring search per word over the whole text instead of a test per line."""

    def __init__(self, lines: Sequence[str], lowered: str | None = None) -> None:
        """`lowered`, when given, must be `"\\n".join(lines).lower()` (saves computing it twice)."""
        super().__init__(lines)
        self.lowered = "\n".join(lines).lower() if lowered is None else lowered
        self._starts: list[int] = []
        self._found: dict[tuple[str, ...], list[int]] = {}

    def mentions(self, words: tuple[str, ...] = KEYWORDS) -> bool:
        return mentions(self.lowered, words)

    @cached_property
    def mentions_command(self) -> bool:
        """Whether a development server, debugger or deploy flag may be worth matching."""
        return self.mentions(SERVER_WORDS) or (self.mentions(DEPLOY_TOOL_WORDS) and self.mentions(DEPLOY_FLAG_WORDS))

    def with_words(self, words: tuple[str, ...] = KEYWORDS) -> list[int]:
        """Indexes of the lines that contain one of `words` (any case)."""
        if words not in self._found:
            if not self._starts:  # from the lowered lines: lowering can change a length ("İ" → "i̇")
                self._starts = list(accumulate((len(line) + 1 for line in self.lowered.split("\n")), initial=0))
            found: set[int] = set()
            for word in words:
                position = self.lowered.find(word)
                while position != -1:
                    index = bisect_right(self._starts, position) - 1
                    found.add(index)
                    position = self.lowered.find(word, self._starts[index + 1])
            if words is KEYWORDS:
                found.update(bisect_right(self._starts, position) - 1 for position in _value_word_positions(self.lowered))
            self._found[words] = sorted(found)
        return self._found[words]


ENABLING = frozenset({"1", "true", "yes", "on"})
DEVELOPMENT_ENVIRONMENTS = frozenset({"development", "dev", "local"})
ENVIRONMENT_KEYS = frozenset(
    {
        "flask_env",
        "node_env",
        "aspnetcore_environment",
        "dotnet_environment",
        "app_env",
        "rails_env",
        "rack_env",
        "symfony_env",
        "mix_env",
        "django_env",
        "app_environment",
        # PHP frameworks' own environment selectors: Yii (`define('YII_ENV', 'dev')`), WordPress
        # core and Bedrock (`WP_ENVIRONMENT_TYPE`, `WP_ENV`), CodeIgniter 4 (`CI_ENVIRONMENT`)
        "yii_env",
        "wp_env",
        "wp_environment_type",
        "ci_environment",
    }
)
# Generic names count only as a whole setting (an env var or a top-level key), not nested deeper
# (a CI job's `environment: development` names a deploy target, not the app's mode).
GENERIC_ENVIRONMENT_KEYS = frozenset({"env", "environment"})
# ...or directly under a map of environment variables (`env:`, compose `environment:`, a ConfigMap's `data:`).
ENVIRONMENT_MAPS = frozenset(
    {"env", "envs", "environment", "environment_variables", "env_variables", "variables", "extraenv", "extra_env", "data", "literals"}
)
# Settings that turn on a development server's auto-reloader.
RELOADER_KEYS = frozenset({"uvicorn_reload", "flask_run_reload", "code_reloader"})
# uWSGI's reloader takes a polling interval in seconds (`py-autoreload = 2`, `UWSGI_PY_AUTORELOAD=1`); 0 is off.
INTERVAL_RELOADER_KEYS = ("py_autoreload", "python_autoreload")
# CI runners' own log switches (GitHub Actions step/runner debug logging, GitLab job tracing): not the app's debug mode.
CI_LOG_KEYS = frozenset({"actions_step_debug", "actions_runner_debug", "runner_debug", "ci_debug_trace", "ci_debug_services"})
# A `_DEBUG` key with one of these words before `DEBUG` does not turn debug on when true: it turns
# it off (NO_DEBUG=1, VITE_DISABLE_DEBUG), strips debug code from a build (VITE_DROP_DEBUG) or warns
# about it (Snipe-IT's WARN_DEBUG shows a banner while debug is on).
NEGATING_WORDS = frozenset({"no", "disable", "disabled", "skip", "without", "suppress", "warn", "warning", "drop", "strip", "remove", "hide"})
# Framework debug flags whose name does not end in `_DEBUG`.
EXTRA_DEBUG_FLAGS = frozenset({"wp_debug_display", "wp_debug_log"})
TOOLBAR_KEYS = frozenset({"debug_tb_enabled", "debugbar_enabled"})
TOOLBAR_MODULES = ("debug_toolbar", "pyramid_debugtoolbar")
# Values worth a closer look; any other value decides nothing (except a DevTools remote secret).
_INTERESTING_VALUES = ENABLING | DEVELOPMENT_ENVIRONMENTS | {"stdout", "stderr", "always"}
# Keys whose deciding values are words of their own (`GIN_MODE=debug`, `xdebug.mode=debug`, a secret).
_VALUE_KEYS = ("devtools", "xdebug", "gin_mode", "autoreload", "profiles", "settings_module", "app_settings", "flask_config", "config_class")
# Settings that select a settings module or class: `DJANGO_SETTINGS_MODULE=config.settings.local`,
# Flask's `APP_SETTINGS=config.DevelopmentConfig`.
SETTINGS_MODULE_KEYS = frozenset({"django_settings_module", "settings_module", "app_settings", "flask_config", "config_class"})
DEVELOPMENT_MODULES = frozenset(
    {"developmentconfig", "devconfig", "localconfig", "dev_settings", "settings_dev", "local_settings", "settings_local",
     "development_settings", "settings_development"} | DEVELOPMENT_ENVIRONMENTS
)  # fmt: skip


class Verdict(namedtuple("Verdict", "rule message fix setting", defaults=(None,))):
    """A decided finding before it has a place: its rule, message and fix, and for a setting
    whose enabling value has an off counterpart, (key, value as written, off value): what
    `--fix` may change."""

    __slots__ = ()
    rule: Rule
    message: str
    fix: str
    setting: tuple[str, str, str] | None


# The off counterpart of each enabling value; `off_value` keeps the spelling's case.
OFF_VALUES = {"1": "0", "true": "false", "yes": "no", "on": "off"}


def off_value(value: str) -> str:
    """`True` → `False`, `TRUE` → `FALSE`, `on` → `off`, `1` → `0`."""
    off = OFF_VALUES[value.lower()]
    if value.isupper() and len(value) > 1:
        return off.upper()
    return off.capitalize() if value[:1].isupper() else off


def unquote(raw: str) -> str:
    """A scalar as written, without surrounding quotes or whitespace."""
    value = raw.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'`":
        value = value[1:-1].strip()
    return value


def _relaxed(path: Sequence[str]) -> str:
    """Spring-style relaxed name: `spring.devtools.restart.enabled` == `SPRING_DEVTOOLS_RESTART_ENABLED`."""
    return re.sub(r"[-_.]+", ".", ".".join(path).lower())


def _error_detail(name: str, relaxed: str, lowered: str) -> str | None:
    """The production value of an error-detail switch that is on, else None."""
    # php.ini `display_errors`, php-fpm/Docker images' `PHP_DISPLAY_ERRORS`
    if name.endswith(("display_errors", "display_startup_errors")) and lowered in ENABLING | {"stdout", "stderr"}:
        return "Off"
    if name in ("consider_all_requests_local", "detailederrors", "aspnetcore_detailederrors", "debug_errors") and lowered in ENABLING:
        return "false"
    if relaxed.endswith("include.stacktrace") and lowered == "always":
        return "never"
    if relaxed.endswith("server.error.include.exception") and lowered in ENABLING:
        return "false"
    return None


def debug_switch_base(key: str) -> str:
    """A setting name as one switch, lowered, without a `_MODE`/`_ENABLED` suffix that names the
    same switch: `DEBUG_MODE` and `debugMode` → `debug`, `APP_DEBUG_ENABLED` → `app_debug`."""
    name = key.strip().strip("\"'").lower().replace("-", "_")
    for suffix in ("_mode", "_enabled"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return "debug" if name in ("debugmode", "debugenabled") else name


def is_debug_switch(key: str) -> bool:
    """Whether a setting or variable name turns debug mode on (`DEBUG`, `APP_DEBUG`, `FLASK_DEBUG`,
    `WP_DEBUG_DISPLAY`, `DEBUG_MODE`, `DEBUG_ENABLED`), not a negation (`NO_DEBUG`) or a CI
    runner's log switch."""
    name = debug_switch_base(key)
    if name == "debug" or name in EXTRA_DEBUG_FLAGS:
        return True
    return name.endswith("_debug") and NEGATING_WORDS.isdisjoint(name.split("_")[:-1]) and name not in CI_LOG_KEYS


def is_enabling(value: object) -> bool:
    """Whether a value a program ends up with turns a switch on: True, a non-zero number, or a
    string `1`/`true`/`yes`/`on` (any case)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    return isinstance(value, str) and unquote(value).lower() in ENABLING


def default_on(key: str, shown: str, place: str = "the variable is unset") -> Verdict:
    """APD104: `shown` (a debug switch read from the environment) is on when `place`."""
    return Verdict(
        RULE_DEFAULT,
        f"`{shown}` turns debug on when {place}: a deploy that does not set it runs with debug on",
        f"Make `{key}` default to off (`False`/`0`) and enable debug only in development configuration (e.g. `{key}=1` in a development env file).",
    )


def classify_setting(path: Sequence[str], raw_value: str) -> Verdict | None:
    """Decide one setting: `path` is its key path (last item the key), `raw_value` as written.
    A verdict on an enabling value carries the setting, so a fix can turn it off."""
    verdict = _classify_setting(path, raw_value)
    value = unquote(raw_value)
    if verdict is None or value.lower() not in ENABLING:
        return verdict
    return verdict._replace(setting=(path[-1].strip().strip("\"'"), value, off_value(value)))


def _classify_setting(path: Sequence[str], raw_value: str) -> Verdict | None:
    value = unquote(raw_value)
    lowered = value.lower()
    if lowered not in _INTERESTING_VALUES and not (value and mentions("".join(path).lower(), _VALUE_KEYS)):
        return None
    key = path[-1].strip().strip("\"'")
    name = key.lower().replace("-", "_")
    switch = debug_switch_base(name)
    if name == "enabled" and len(path) > 1 and is_debug_switch(path[-2]):  # `debug: {enabled: true}`
        key, switch = f"{path[-2].strip()}.{key}", debug_switch_base(path[-2])
    shown = f"`{key}` is set to `{value}`"
    if name == "debug":
        if lowered in ENABLING:
            return Verdict(
                RULE_DEBUG,
                f"{shown}: debug mode is enabled in a production file",
                f"Remove `{key}` or set it to `false` here; keep debug settings in a development-only file, or read the value from the environment.",
            )
        return None
    relaxed = _relaxed(path)
    if is_debug_switch(switch):
        if lowered in ENABLING:
            return Verdict(
                RULE_FRAMEWORK,
                f"{shown}: a framework debug flag is enabled in a production file",
                f"Set `{key}` to `false` (or remove it) for production; enable it only in development configuration.",
            )
        return None
    if relaxed.endswith("spring.profiles.active") and lowered not in DEVELOPMENT_ENVIRONMENTS:
        if DEVELOPMENT_ENVIRONMENTS.isdisjoint(profile.strip() for profile in lowered.split(",")):
            return None
        lowered = next(p.strip() for p in lowered.split(",") if p.strip() in DEVELOPMENT_ENVIRONMENTS)  # `prod,dev`
    if name in SETTINGS_MODULE_KEYS and re.split(r"[.:]", lowered)[-1] in DEVELOPMENT_MODULES:
        return Verdict(
            RULE_FRAMEWORK,
            f"{shown}: development settings are selected in a production file",
            f"Point `{key}` at the production settings (e.g. `config.settings.production`) or remove it here.",
        )
    if lowered in DEVELOPMENT_ENVIRONMENTS and (
        name in ENVIRONMENT_KEYS
        or (name in GENERIC_ENVIRONMENT_KEYS and (len(path) == 1 or path[-2].lower().replace("-", "_") in ENVIRONMENT_MAPS))
        or relaxed.endswith("spring.profiles.active")
    ):
        shown_key = ".".join(path) if relaxed.endswith("spring.profiles.active") else key
        return Verdict(
            RULE_FRAMEWORK,
            f"`{shown_key}` is set to `{value}`: a development environment is selected in a production file",
            f"Set `{shown_key}` to `production` (or remove it so the production default applies).",
        )
    if name in RELOADER_KEYS and lowered in ENABLING:
        return dev_server(f"{key}={value}", f"Remove `{key}` (or set it to `false`); the auto-reloader belongs in development only.")
    if name.endswith(INTERVAL_RELOADER_KEYS) and value.isascii() and value.isdigit() and value.strip("0") != "":
        return dev_server(f"{key}={value}", f"Remove `{key}` (or set it to `0`); the auto-reloader belongs in development only.")
    safe = _error_detail(name, relaxed, lowered)
    if safe is not None:
        return Verdict(
            RULE_FRAMEWORK,
            f"{shown}: detailed error pages are shown to users in production",
            f"Set `{key}` to `{safe}` in production configuration; show error details only in development.",
        )
    if name == "gin_mode" and lowered == "debug":
        return Verdict(
            RULE_FRAMEWORK,
            f"{shown}: the framework runs in debug mode in a production file",
            f"Set `{key}` to `release` in production.",
        )
    if re.search(r"(?:^|\.)xdebug\.", relaxed) and (
        (relaxed.endswith(".mode") and re.search(r"debug|develop|profile|trace", lowered))
        or (relaxed.endswith((".remote.enable", ".remote.autostart", ".profiler.enable")) and lowered in ENABLING)
    ):
        return dev_server(f"{key}={value}", f"Turn Xdebug off in production (`{key}` to `off`, or do not load the extension).")
    dotted = ".".join(part.strip("\"'") for part in path)
    shown_path = f"`{dotted}` is set to `{value}`"
    if lowered in ENABLING and (
        name in TOOLBAR_KEYS
        or relaxed.endswith(("web.profiler.toolbar", "web.profiler.intercept.redirects", "framework.profiler.enabled"))
    ):
        return Verdict(
            RULE_FRAMEWORK,
            f"{shown_path}: a debug toolbar or profiler is enabled in production",
            f"Set `{dotted}` to `false` or remove it; enable toolbars and profilers only in development configuration.",
        )
    if re.search(r"(?:^|\.)spring\.devtools\.", relaxed) and (
        (lowered in ENABLING and relaxed.endswith((".enabled", ".add.properties")))
        or (relaxed.endswith(".remote.secret") and value and not re.search(r"[$%{]", value))
    ):
        return Verdict(
            RULE_FRAMEWORK,
            f"{shown_path}: Spring Boot DevTools is active in production",
            f"Remove `{dotted}` from production configuration and keep spring-boot-devtools a development-only dependency.",
        )
    return None


def toolbar_module(module: str) -> Verdict:
    """A debug toolbar installed by name (INSTALLED_APPS, pyramid.includes, config.include)."""
    return Verdict(
        RULE_FRAMEWORK,
        f"`{module}` is installed in a production file: a debug toolbar is enabled in production",
        f"Remove `{module}` from production settings; install it only in development settings.",
    )


def dev_server(what: str, fix: str) -> Verdict:
    return Verdict(RULE_DEV_SERVER, f"`{what}` runs a development server or debugger in production", fix)


# --- commands ----------------------------------------------------------------------------------

_SERVERS = r"gunicorn|uvicorn|hypercorn|granian|daphne|pserve|flask|adev|GUNICORN_CMD_ARGS"
_NO_RELOADER = "Drop `{flag}` from production commands; the auto-reloader belongs in development only."
_NO_DEBUGGER = "Remove the debugger from production entry points; attach debuggers only in development."
_USE_PRODUCTION_SERVER = "Run a production server (e.g. gunicorn, `next start`, a built bundle) instead of the development server."

# Words of one command, also in exec form: `npm run dev` and `["npm", "run", "dev"]`.
_S = r"[\"',\s]+"
# (pattern, what to show — a format string over the match's groups —, fix)
COMMAND_PATTERNS: tuple[tuple[Any, str, str], ...] = tuple(
    (lazy(pattern.replace("{S}", _S)), shown, fix)
    for pattern, shown, fix in (
        (rf"\b(?P<tool>{_SERVERS})\b[^\n]{{0,300}}?(?<![\w-])(?P<flag>--reload)(?![\w-])", "{tool} {flag}", _NO_RELOADER),
        (r"\b(?P<tool>uwsgi)\b[^\n]{0,300}?(?<![\w-])(?P<flag>--py(?:thon)?-autoreload)(?:=|{S})0*[1-9]", "{tool} {flag}", _NO_RELOADER),
        (r"\b(?P<tool>flask|uvicorn|hypercorn|sanic)\b[^\n]{0,300}?(?<![\w-])(?P<flag>--debug(?:ger)?|--dev)(?![\w-])", "{tool} {flag}", "Drop `{flag}` from production commands and serve the app with a production server."),
        (r"\b(?P<tool>rails){S}(?:s|server)\b[^\n]{0,300}?(?P<flag>(?:-e|--environment)[=\"',\s]+development)\b", "{tool} server {flag}", _USE_PRODUCTION_SERVER),
        (r"\b(?P<tool>debugpy|ptvsd)\b[^\n]{0,300}?(?P<flag>--listen|--host|--wait-for-client)\b", "{tool} {flag}", _NO_DEBUGGER),
        (r"\b(?P<tool>node(?:js)?|NODE_OPTIONS|nodemon|ts-node)\b[^\n]{0,300}?(?<![\w-])(?P<flag>--inspect(?:-brk)?)(?![\w-])", "{tool} {flag}", _NO_DEBUGGER),
        (r"(?<![\w-])(?P<flag>-agentlib:jdwp|-Xrunjdwp|-Xdebug)\b", "{flag}", _NO_DEBUGGER),
        (r"\b(?P<tool>dlv){S}(?:debug|exec|attach)\b[^\n]{0,300}?(?P<flag>--headless|--listen)\b", "{tool} {flag}", _NO_DEBUGGER),
        (r"\b(?P<tool>python3?){S}-m{S}(?P<flag>pdb)\b", "{tool} -m {flag}", _NO_DEBUGGER),
        (r"\b(?P<tool>manage\.py|django-admin){S}(?P<flag>runserver(?:_plus)?)\b", "{tool} {flag}", _USE_PRODUCTION_SERVER),
        (r"(?<![\w/.-])(?P<tool>nodemon)(?=\s|$|[\"'](?:\s*[,\]]|$))", "{tool}", _USE_PRODUCTION_SERVER),
        (r"(?<![\w/.-])(?P<tool>webpack-dev-server|webpack{S}serve|ng{S}serve|(?:next|nuxt|nuxi|vite|remix|astro){S}dev|gatsby{S}develop|php{S}artisan{S}serve|php{S}-S)(?![\w-])", "{tool}", _USE_PRODUCTION_SERVER),
        (r"(?<![\w/.-])(?P<tool>(?:npm|pnpm|yarn|bun){S}(?:run{S})?(?:start:)?dev)(?![\w:-])", "{tool}", _USE_PRODUCTION_SERVER),
        # Flask's own server is the development server, debugger or not (`--debug` is reported above)
        (r"\b(?P<tool>flask{S}run)\b(?![^\n]{0,300}?(?<![\w-])--debug)", "{tool}", _USE_PRODUCTION_SERVER),
        # file watchers that restart the app on every change
        (r"(?<![\w/.-])(?P<tool>ts-node-dev|tsx{S}watch|dotnet{S}watch|strapi{S}develop)(?![\w-])", "{tool}", _USE_PRODUCTION_SERVER),
        (r"\b(?P<tool>node|bun|nest{S}start)\b[^\n]{0,300}?(?<![\w-])(?P<flag>--watch(?:-path)?|--hot)(?![\w-])", "{tool} {flag}", _NO_RELOADER),
        # the uvicorn/gunicorn base images' (tiangolo/uvicorn-gunicorn-*) development launcher: uvicorn --reload;
        # only the image's own absolute path, not a project's `./start-reload.sh` or `scripts/start-reload.sh`
        (r"(?<![\w.~/-])(?P<tool>/start-reload\.sh)(?![\w.-])", "{tool}", "Use the image's production launcher (`/start.sh`, the default command) instead of its auto-reloading development one."),
    )
)
# Install commands name the tools without running them (`npm install -g nodemon`).
_PACKAGES = frozenset({"nodemon", "ts-node-dev"})
_INSTALLING = lazy(r"\b(?:install|add|uninstall|remove)\b", re.IGNORECASE)
_DEPLOY_TOOL = lazy(r"\b(?:helm|kubectl|oc|docker|podman|heroku|gcloud|az|flyctl|fly|aws|nomad|kamal)\b")
_DEPLOY_FLAG = lazy(
    r"(?P<flag>--set(?:-string)?|--set-env-vars|--update-env-vars|--env|-e|--settings|config:set|set\s+env\s+\S+)"
    r"(?:=|\s+)(?P<pairs>(?:[\"']?[\w.\[\]-]+=[^\s,\"']*[\"']?,?)+)"
)
_JVM_PROPERTY = lazy(r"(?<![\w.-])(?:-D|--)(?P<key>(?:spring|server|debug|xdebug)[\w.-]*)=(?P<value>[^\s\"',]+)")
# A setting written by a command: exported to a CI job's later steps (`echo "DEBUG=true" >>
# "$GITHUB_ENV"`) or appended to a configuration file (`echo "xdebug.mode=debug" >> .../xdebug.ini`).
_ECHOED_SETTING = lazy(
    r"""\b(?:echo|printf)\s+["']?(?P<key>[A-Za-z_][\w.-]*)\s*=\s*(?P<value>[^\s"'>;&|]*)["']?\s*(?:>>?|\|\s*(?:sudo\s+)?tee(?:\s+-a)?)\s*["']?"""
    r"""(?:\$\{?GITHUB_ENV\b|[^\s"';&|]*\.(?:ini|env|conf|properties)\b)"""
)
_PAIR = lazy(r"[\"']?(?<![\w.\[\]-])(?P<key>[\w.\[\]-]+)=(?P<value>[^\s,\"']*)[\"']?")


def deploy_flag_spans(text: str) -> list[tuple[int, int]]:
    """Where deploy-tool flags carry settings (`helm --set a=b`), so they are not read twice."""
    if not _DEPLOY_TOOL.search(text):
        return []
    return [match.span() for match in _DEPLOY_FLAG.finditer(text)]


def classify_command(text: str) -> Iterator[tuple[int, Verdict]]:
    """Development servers, reloaders, debuggers and debug settings passed to deploy tools in one
    command line; yields (offset in `text`, verdict)."""
    for pattern, shown, fix in COMMAND_PATTERNS:
        for match in pattern.finditer(text):
            groups = {k: re.sub(_S, " ", v) for k, v in match.groupdict().items() if v}
            if groups.get("tool") in _PACKAGES and _INSTALLING.search(text):
                continue
            # the offending flag is the place (`--reload` on its own line of a continued command)
            yield match.start("flag") if groups.get("flag") else match.start(), dev_server(shown.format(**groups), fix.format(**groups))
    if ">" in text or "tee" in text:  # settings inside commands: no fix is certain there
        for export in _ECHOED_SETTING.finditer(text):
            verdict = classify_setting(export["key"].split("."), export["value"])
            if verdict is not None:
                yield export.start("key"), verdict._replace(setting=None)
    for prop in _JVM_PROPERTY.finditer(text):  # `-Dspring.profiles.active=dev`, `--spring.devtools...=true`
        verdict = classify_setting(prop["key"].split("."), prop["value"])
        if verdict is not None:
            yield prop.start(), verdict._replace(setting=None)
    if _DEPLOY_TOOL.search(text):
        for flag in _DEPLOY_FLAG.finditer(text):
            for pair in _PAIR.finditer(flag.group("pairs")):
                key_path = re.split(r"[.\[\]]+", pair.group("key").strip("."))
                verdict = classify_setting([p for p in key_path if p] or [pair.group("key")], pair.group("value"))
                if verdict is not None:
                    setting = f"{flag.group('flag')} {pair.group('key')}={pair.group('value')}"
                    yield flag.start("pairs") + pair.start(), Verdict(
                        RULE_DEV_SERVER,
                        f"`{setting}`: a deploy command sets `{pair.group('key')}` to `{pair.group('value')}` ({verdict.message.split(': ', 1)[-1]})",
                        f"Remove `{setting}` from the production deploy command; pass debug settings only to development deploys.",
                    )
