"""APD104 (debug on by default) and the families added with it (inline TOML tables, WSGI/ASGI
entry modules, deploy steps writing production env files): each family flagged with its rule and
line, each precision class silent. Scope (`wants`) and `scan` together, as the hook runs them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from autopack.debug_guard import SETTINGS, scan, wants
from autopack.files import decode_text
from autopack.findings import Severity

DEFAULTS = {"enabled": True, **{key: setting.default for key, setting in SETTINGS.items()}}


def found(path: str, text: str, **overrides: object) -> list[tuple[str, int]]:
    settings = {**DEFAULTS, **overrides}
    if not wants(path, settings):
        return []
    return [(f.rule_id, f.line or 0) for f in scan(decode_text(path, text.encode("utf-8")), settings)]


ENV = "import environ\nenv = environ.Env()\n"

DEFAULT_ON = {
    # Python settings modules, anywhere in the tree
    "django-environ bool": ("config/settings/base.py", ENV + 'DEBUG = env.bool("DJANGO_DEBUG", True)\n', [("APD104", 3)]),
    "django-environ default keyword": ("mysite/settings.py", ENV + 'DEBUG = env("DEBUG", default=True)\n', [("APD104", 3)]),
    "django-environ scheme": ("mysite/settings.py", "import environ\nenv = environ.Env(DEBUG=(bool, True))\n", [("APD104", 2)]),
    "helper named for the environment": ("saleor/settings.py", 'DEBUG = get_bool_from_env("DEBUG", True)\n', [("APD104", 1)]),
    "a _MODE or _ENABLED suffix names the same switch": (
        "app/config.py",
        'import os\nAPP_DEBUG_MODE = os.getenv("APP_DEBUG_MODE", "true") == "true"\nDEBUG_ENABLED = os.getenv("DEBUG_ENABLED", "1") == "1"\n',
        [("APD104", 2), ("APD104", 3)],
    ),
    # the setting is the string itself: "False" and "0" are non-empty, so true where DEBUG is tested
    "raw string default": ("mysite/settings.py", 'import os\nDEBUG = os.getenv("DEBUG", "False")\n', [("APD104", 2)]),
    "raw string default in a config class": (
        "app/config.py",
        'import os\nclass Config:\n    FLASK_DEBUG = os.environ.get("FLASK_DEBUG", "0")\n',
        [("APD104", 3)],
    ),
    "os.environ.get string default": ("mysite/settings.py", 'import os\nDEBUG = os.environ.get("DEBUG", "1")\n', [("APD104", 2)]),
    "os.getenv compared": ("app/config.py", 'import os\nDEBUG = os.getenv("FLASK_DEBUG", "true").lower() == "true"\n', [("APD104", 2)]),
    "membership test": ("app/settings.py", 'import os\nDEBUG = os.getenv("DEBUG", "True") in ("True", "1")\n', [("APD104", 2)]),
    "on unless turned off": ("mysite/settings.py", 'import os\nDEBUG = os.environ.get("DEBUG") != "False"\n', [("APD104", 2)]),
    "cast to int": ("mysite/settings.py", 'import os\nDEBUG = int(os.environ.get("DEBUG", 1))\n', [("APD104", 2)]),
    "strtobool": ("mysite/settings.py", 'import os\nDEBUG = strtobool(os.getenv("DEBUG", "yes"))\n', [("APD104", 2)]),
    "decouple": ("mysite/settings.py", 'from decouple import config\nDEBUG = config("DEBUG", default=True, cast=bool)\n', [("APD104", 2)]),
    "environment selector through a name": (
        "mysite/settings.py",
        'import os\nENVIRONMENT = os.getenv("DJANGO_ENV", "development")\nDEBUG = ENVIRONMENT == "development"\n',
        [("APD104", 3)],
    ),
    "a copy of the switch is not a second finding": (
        "saleor/settings.py",
        'DEBUG = get_bool_from_env("DEBUG", True)\nTEMPLATES = [{"OPTIONS": {"debug": DEBUG}}]\nTHUMBNAIL_DEBUG = DEBUG\n',
        [("APD104", 1)],
    ),
    "the branch that runs with the variable unset": (
        "superlists/settings.py",
        "import os\nif 'DJANGO_DEBUG_FALSE' in os.environ:\n    DEBUG = False\nelse:\n    DEBUG = True\n",
        [("APD104", 5)],
    ),
    "an elif chain": (
        "app/settings.py",
        'import os\nif os.getenv("ENV") == "production":\n    DEBUG = False\nelif os.getenv("ENV") == "staging":\n    DEBUG = False\nelse:\n    DEBUG = True\n',
        [("APD104", 7)],
    ),
    "flask config class": ("app/config.py", 'import os\nclass Config:\n    DEBUG = os.getenv("DEBUG", True)\n', [("APD104", 3)]),
    "flask app config": ("app.py", 'import os\napp.config["DEBUG"] = os.getenv("FLASK_DEBUG", "1")\n', [("APD104", 2)]),
    "keyword argument": ("main.py", 'import os\napp = FastAPI(debug=os.getenv("DEBUG", "true") == "true")\n', [("APD104", 2)]),
    "gunicorn configuration": ("deploy/gunicorn.conf.py", 'import os\nDEBUG = os.environ.get("DEBUG_MODE", "on") == "on"\n', [("APD104", 2)]),
    "setdefault": ("config/settings.py", 'import os\nos.environ.setdefault("DEBUG", "1")\n', [("APD104", 2)]),
    "pydantic settings": ("app/core/config.py", "class Settings(BaseSettings):\n    debug: bool = True\n", [("APD104", 2)]),
    "pydantic field": ("app/core/config.py", "class Settings(pydantic_settings.BaseSettings):\n    DEBUG: bool = Field(default=True)\n", [("APD104", 2)]),
    "a docstring that names production too": (
        "mysite/settings.py",
        '"""Settings for development and production."""\nimport os\nDEBUG = os.getenv("DEBUG", "1")\n',
        [("APD104", 3)],
    ),
    "production settings too": ("config/settings/production.py", ENV + 'DEBUG = env.bool("DJANGO_DEBUG", default=True)\n', [("APD104", 3)]),
    # compose files, entrypoints, Dockerfiles
    "compose map": ("docker-compose.yml", "services:\n  web:\n    command: gunicorn app:app\n    environment:\n      DEBUG: ${DEBUG:-true}\n", [("APD104", 5)]),
    "compose list": ("deploy/compose.yaml", 'services:\n  web:\n    environment:\n      - "DJANGO_DEBUG=${DJANGO_DEBUG-1}"\n', [("APD104", 4)]),
    "compose other variable": ("docker-compose.yml", "services:\n  web:\n    environment:\n      DEBUG: ${APP_MODE_VERBOSE:-true}\n", [("APD104", 4)]),
    "entrypoint": ("docker/entrypoint.sh", '#!/bin/sh\nexport DEBUG="${DEBUG:-1}"\nexec gunicorn app\n', [("APD104", 2)]),
    "start script assigns default": ("scripts/start.sh", '#!/bin/sh\n: "${FLASK_DEBUG:=true}"\nexec gunicorn app\n', [("APD104", 2)]),
    "dockerfile build arg": ("Dockerfile", "FROM python:3.12\nARG DEBUG=true\nENV DEBUG=$DEBUG\nCMD gunicorn app\n", [("APD104", 2)]),
    "dockerfile image env": ("backend/Dockerfile", "FROM python:3.12\nENV PYTHONUNBUFFERED=1 DJANGO_DEBUG=True\nCMD gunicorn app\n", [("APD104", 2)]),
    "dockerfile env default": ("Dockerfile", "FROM node:20\nENV DEBUG=${DEBUG:-true}\nCMD node server.js\n", [("APD104", 2)]),
    # other frameworks' config files
    "laravel config": ("config/app.php", "<?php\nreturn [\n    'debug' => (bool) env('APP_DEBUG', true),\n];\n", [("APD104", 3)]),
    "node config ??": ("config/index.js", "module.exports = {\n  debug: process.env.DEBUG ?? true,\n};\n", [("APD104", 2)]),
    "node config ||": ("next.config.js", "const debug = process.env.NEXT_PUBLIC_DEBUG || 'true';\n", [("APD104", 1)]),
    "node on unless false": ("config/settings.ts", "export const debug = process.env.APP_DEBUG !== 'false';\n", [("APD104", 1)]),
    "rails fetch": ("config/application.rb", 'config.x.debug = ENV.fetch("APP_DEBUG", "true") == "true"\n', [("APD104", 1)]),
    "spring placeholder": ("src/main/resources/application.yml", "debug: ${APP_DEBUG:true}\n", [("APD104", 1)]),
    "spring properties placeholder": ("src/main/resources/application.properties", "debug=${DEBUG:true}\n", [("APD104", 1)]),
}

DEFAULT_OFF = {
    "raw string read, then converted": (
        "mysite/settings.py",
        'import os\nDEBUG = os.getenv("DEBUG", "false")\nDEBUG = DEBUG.lower() == "true"\n',
    ),
    "raw read without a default, or an empty one": ("mysite/settings.py", 'import os\nDEBUG = os.getenv("DEBUG")\nTEMPLATE_DEBUG = os.getenv("TEMPLATE_DEBUG", "")\n'),
    "raw string of a setting that is not a debug switch": ("mysite/settings.py", 'import os\nLOG_LEVEL = os.getenv("LOG_LEVEL", "debug")\n'),
    "off default": ("config/settings/base.py", ENV + 'DEBUG = env.bool("DJANGO_DEBUG", False)\n'),
    "the unset branch keeps debug off": (
        "app/settings.py",
        "import os\nif os.environ.get('DJANGO_DEBUG'):\n    DEBUG = True\nelse:\n    DEBUG = False\n",
    ),
    "a branch decided by something else": ("app/settings.py", "import sys\nif 'runserver' in sys.argv:\n    DEBUG = True\n"),
    "no default": ("mysite/settings.py", 'import os\nDEBUG = os.environ["DEBUG"] == "1"\nDEBUG = env.bool("DEBUG")\n'),
    "decouple without default": ("mysite/settings.py", 'DEBUG = config("DEBUG", cast=bool)\n'),
    "string false compared": ("mysite/settings.py", 'import os\nDEBUG = os.environ.get("DEBUG", "False") == "True"\n'),
    "empty default": ("mysite/settings.py", 'import os\nDEBUG = os.getenv("DEBUG", "") != ""\n'),
    "production selector": ("mysite/settings.py", 'import os\nDEBUG = os.getenv("DJANGO_ENV", "production") == "development"\n'),
    "not a debug switch": ("mysite/settings.py", 'import os\nCACHE = os.getenv("CACHE", True)\nDEBUG_PORT = os.getenv("DEBUG_PORT", 1)\n'),
    "negated switch": ("mysite/settings.py", 'import os\nNO_DEBUG = os.getenv("NO_DEBUG", "1")\n'),
    "a warning about debug": ("config/app.php", "<?php\nreturn ['warn_debug' => env('WARN_DEBUG', true)];\n"),
    "under __main__": ("app.py", 'import os\nif __name__ == "__main__":\n    app.run(debug=os.getenv("DEBUG", True))\n'),
    "development config class": ("app/config.py", 'import os\nclass DevelopmentConfig:\n    DEBUG = os.getenv("DEBUG", True)\n'),
    "development settings module": ("config/settings/local.py", ENV + 'DEBUG = env.bool("DJANGO_DEBUG", True)\n'),
    "test settings module": ("config/settings/test.py", ENV + 'DEBUG = env.bool("DJANGO_DEBUG", True)\n'),
    "settings documented for development": (
        "config/settings/docker.py",
        '"""Settings file meant for local development in docker compose."""\nfrom .base import *\nDEBUG = env.bool("DJANGO_DEBUG", default=True)\n',
    ),
    "views named settings": ("resources/views/settings/index.php", "<?php $debug = env('APP_DEBUG', true); ?>\n"),
    "ui component config": ("apps/web/components/config/flags.ts", "export const debug = process.env.DEBUG ?? true;\n"),
    "a library module": ("mylib/utils.py", 'import os\nDEBUG = os.getenv("MYLIB_DEBUG", "1")\n'),
    "tests directory": ("tests/settings.py", 'import os\nDEBUG = os.getenv("DEBUG", "1")\n'),
    "docs directory": ("docs/examples/settings.py", 'import os\nDEBUG = os.getenv("DEBUG", "1")\n'),
    "compose off default": ("docker-compose.yml", "services:\n  web:\n    environment:\n      DEBUG: ${DEBUG:-false}\n      FLASK_DEBUG: ${FLASK_DEBUG:-0}\n"),
    "compose required": ("docker-compose.yml", "services:\n  web:\n    environment:\n      DEBUG: ${DEBUG:?set DEBUG}\n      X: ${DEBUG}\n"),
    "compose development override": ("docker-compose.override.yml", "services:\n  web:\n    environment:\n      DEBUG: ${DEBUG:-true}\n"),
    "compose development name": ("docker-compose.dev.yml", "services:\n  web:\n    environment:\n      DEBUG: ${DEBUG:-true}\n"),
    "compose that runs a development server": (
        "docker-compose.yml",
        "services:\n  web:\n    command: python manage.py runserver 0.0.0.0:8000\n    environment:\n      DEBUG: ${DEBUG:-true}\n",
    ),
    "dockerfile that runs a development server": ("Dockerfile", "FROM python\nENV FLASK_DEBUG=1\nCMD flask run --debug\n"),
    "dockerfile development stage": ("Dockerfile", "FROM python AS dev\nENV DEBUG=1\nFROM python AS app\nCMD gunicorn app\n"),
    "dockerfile development name": ("docker/Dockerfile.dev", "FROM python\nENV DEBUG=1\n"),
    "devcontainer": (".devcontainer/docker-compose.yml", "services:\n  app:\n    environment:\n      DEBUG: ${DEBUG:-true}\n"),
    "log level default": ("docker-compose.yml", "services:\n  web:\n    environment:\n      LOG_LEVEL: ${LOG_LEVEL:-debug}\n"),
    "laravel off": ("config/app.php", "<?php\nreturn ['debug' => (bool) env('APP_DEBUG', false)];\n"),
    "node off": ("config/index.js", "module.exports = { debug: process.env.DEBUG === 'true', x: process.env.DEBUG || false };\n"),
    "node comment": ("config/index.js", "// debug: process.env.DEBUG ?? true\n"),
    "wsgi production settings": ("mysite/wsgi.py", 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings.production")\n'),
    "manage.py development settings": ("manage.py", 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings.local")\n'),
}


@pytest.mark.parametrize("path, text, expected", DEFAULT_ON.values(), ids=DEFAULT_ON.keys())
def test_debug_on_by_default(path: str, text: str, expected: list[tuple[str, int]]) -> None:
    assert found(path, text) == expected


@pytest.mark.parametrize("path, text", DEFAULT_OFF.values(), ids=DEFAULT_OFF.keys())
def test_defaults_that_stay_off_are_silent(path: str, text: str) -> None:
    assert found(path, text) == []


def test_apd104_is_a_warning_with_its_own_fix_and_setting() -> None:
    path, text = "config/settings/base.py", ENV + 'DEBUG = env.bool("DJANGO_DEBUG", default=True)\n'
    (finding,) = scan(decode_text(path, text.encode()), DEFAULTS)
    assert (finding.rule_id, finding.severity) == ("APD104", Severity.WARNING)
    assert "`DJANGO_DEBUG` is unset" in finding.message
    assert "default to off" in finding.fix and "development" in finding.fix
    assert found(path, text, **{"debug-defaults": False}) == []


FAMILIES = {
    "debug key in an inline TOML table": ("config/prod.toml", '[server]\napp = { name = "x", debug = true }\n', [("APD101", 2)]),
    "inline table in an array": ("fly.production.toml", 'services = [{ env = { FLASK_DEBUG = "1" } }]\n', [("APD102", 1)]),
    "app.run at import time of wsgi.py": ("mysite/wsgi.py", "from app import app\napp.run(debug=True)\n", [("APD103", 2)]),
    "app.run at import time of asgi.py": ("asgi.py", "from main import app\nimport uvicorn\nuvicorn.run(app, reload=True)\n", [("APD103", 3)]),
    "wsgi entry selecting development settings": (
        "mysite/wsgi.py",
        'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings.dev")\n',
        [("APD104", 2)],
    ),
    "deploy step writing a production env file": (
        ".github/workflows/deploy.yml",
        "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo DEBUG=true >> .env.production\n"
        "      - run: |\n          echo APP_DEBUG=1 | tee -a ./deploy/prod/app.env\n",
        [("APD101", 6), ("APD102", 8)],
    ),
}
FAMILY_NEGATIVES = {
    "inline table of another key": ("config/prod.toml", '[server]\napp = { name = "debug", verbose = true }\n'),
    "app.run under __main__ in wsgi.py": ("mysite/wsgi.py", 'from app import app\nif __name__ == "__main__":\n    app.run(debug=True)\n'),
    "app.run inside a function of wsgi.py": ("mysite/wsgi.py", "def develop():\n    app.run(debug=True)\n"),
    "deploy step writing a development env file": (
        ".github/workflows/deploy.yml",
        "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo DEBUG=true >> .env.test\n",
    ),
}


@pytest.mark.parametrize("path, text, expected", FAMILIES.values(), ids=FAMILIES.keys())
def test_families(path: str, text: str, expected: list[tuple[str, int]]) -> None:
    assert found(path, text) == expected


@pytest.mark.parametrize("path, text", FAMILY_NEGATIVES.values(), ids=FAMILY_NEGATIVES.keys())
def test_family_negatives(path: str, text: str) -> None:
    assert found(path, text) == []


def test_manifest_hands_the_loaded_files_to_the_hook() -> None:
    manifest = Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml"
    entry = next(hook for hook in yaml.safe_load(manifest.read_text(encoding="utf-8")) if hook["id"] == "debug-guard")
    files, exclude = re.compile(entry["files"]), re.compile(entry["exclude"])
    for path, _text, _expected in [*DEFAULT_ON.values(), *FAMILIES.values()]:
        assert files.search(path) and not exclude.search(path), path
