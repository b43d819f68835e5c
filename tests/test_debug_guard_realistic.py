"""Regressions from an audit on realistic production configuration (Django, Flask, Laravel,
Rails, Spring, ASP.NET, Kubernetes, compose, Helm, CI, Terraform, uWSGI): each case is a whole
file as projects write it, with the findings a reviewer would mark. Scope (`wants`) and `scan`
together, as the hook runs them."""

from __future__ import annotations

import time

import pytest

from autopack.debug_guard import SETTINGS, scan, wants
from autopack.files import decode_text

DEFAULTS = {"enabled": True, **{key: setting.default for key, setting in SETTINGS.items()}}


def found(path: str, text: str) -> list[tuple[str, int]]:
    if not wants(path, DEFAULTS):
        return []
    return [(f.rule_id, f.line or 0) for f in scan(decode_text(path, text.encode("utf-8")), DEFAULTS)]


FLAGGED = {
    "flask from_mapping": (
        "app/prod.py",
        'from flask import Flask\napp = Flask(__name__)\napp.config.from_mapping(DEBUG=True, SECRET_KEY="x")\n',
        [("APD101", 3)],
    ),
    "uwsgi py-autoreload interval": ("deploy/prod/uwsgi.ini", "[uwsgi]\nmodule = app.wsgi\npy-autoreload = 2\n", [("APD103", 3)]),
    "uwsgi autoreload env": (".env.production", "UWSGI_PY_AUTORELOAD=1\n", [("APD103", 1)]),
    "uwsgi autoreload command": ("deploy/prod/start.sh", "#!/bin/sh\nexec uwsgi --ini uwsgi.ini --py-autoreload 1\n", [("APD103", 2)]),
    "ENVIRONMENT in a helm env map": (
        "values-prod.yaml",
        "global:\n  environment: production\nweb:\n  env:\n    ENVIRONMENT: development\n",
        [("APD102", 5)],
    ),
    "ENV in a configmap": ("k8s/prod/configmap.yaml", "kind: ConfigMap\ndata:\n  ENV: local\n", [("APD102", 3)]),
    "k8s block-list command: the flag's line": (
        "k8s/prod/deployment.yaml",
        "spec:\n  containers:\n    - name: app\n      command:\n        - uvicorn\n        - main:app\n        - --reload\n",
        [("APD103", 7)],
    ),
    "compose folded command: the server's line": (
        "docker-compose.production.yml",
        'services:\n  app:\n    command: >\n      sh -c "python manage.py migrate &&\n             python manage.py runserver 0.0.0.0:8000"\n',
        [("APD103", 5)],
    ),
    "k8s block scalar in args: the server's line": (
        "k8s/prod/cronjob.yaml",
        'spec:\n  containers:\n    - name: job\n      command: ["/bin/sh", "-c"]\n      args:\n        - |\n          export X=1\n          gunicorn app:app --reload\n',
        [("APD103", 8)],
    ),
    "shell continued command: the flag's line": (
        "scripts/start-prod.sh",
        "#!/bin/sh\nexec gunicorn app:app \\\n  --bind 0.0.0.0:8000 \\\n  --reload\n",
        [("APD103", 4)],
    ),
    "unconditional debug after an environment if": (
        "settings/production.py",
        'DEBUG = False\nif os.environ.get("X"):\n    ALLOWED_HOSTS = ["*"]\nDEBUG = True\n',
        [("APD101", 4)],
    ),
    "code after a block comment still read": (
        "config/production.js",
        "/* production settings */\nmodule.exports = {\n  debug: true,\n};\n",
        [("APD101", 3)],
    ),
    "glob in a string is not a comment": (
        "config/production.json5",
        '{\n  include: "src/**/*.js",\n  debug: true,\n  exclude: "*/tmp",\n}\n',
        [("APD101", 3)],
    ),
    "laravel config array env": ("config/app.prod.php", "<?php\nreturn [\n    'debug' => true,\n    'env' => 'local',\n];\n", [("APD101", 3), ("APD102", 4)]),
    "exported to GITHUB_ENV in a production job": (
        ".github/workflows/deploy-prod.yml",
        'on: push\njobs:\n  deploy:\n    environment: production\n    steps:\n      - run: |\n          echo "DEBUG=false" >> $GITHUB_ENV\n          echo "DEBUG=true" >> "$GITHUB_ENV"\n',
        [("APD101", 8)],
    ),
    "folded command next to a prose key": (
        "config/production.yaml",
        "description: >\n  for local work run npm run dev\nstartup: >\n  python manage.py migrate &&\n  python manage.py runserver 0.0.0.0:80\n",
        [("APD103", 5)],
    ),
    "toolbar app by its config class": ("settings/prod.py", 'INSTALLED_APPS += ["debug_toolbar.apps.DebugToolbarConfig"]\n', [("APD102", 1)]),
    "a production stage built from a development stage inherits it": (
        "Dockerfile.prod",
        "FROM node:20 AS dev\nENV NODE_ENV=development\nFROM dev AS production\nCMD [\"node\", \"server.js\"]\n",
        [("APD102", 2)],
    ),
    "the production stage after a development stage": (
        "Dockerfile.prod",
        'FROM node:20 AS development\nCMD ["npm", "run", "dev"]\nFROM node:20 AS production\nCMD ["npm", "run", "dev"]\n',
        [("APD103", 4)],
    ),
    "else branch of a development-only block": (
        "wp-config-production.php",
        "<?php\nif ( getenv( 'WP_ENV' ) === 'development' ) {\n    define( 'WP_DEBUG', true );\n} else {\n    define( 'WP_DEBUG', true );\n}\n",
        [("APD102", 5)],
    ),
    "a python class whose name only starts like dev": ("config/prod.py", "class DeviceSettings:\n    DEBUG = True\n", [("APD101", 2)]),
    "helm template: the else branch of a debug condition counts": (
        "charts/app/templates/configmap-prod.yaml",
        'data:\n  LOG_LEVEL: {{ .Values.logLevel | quote }}\n  {{- if .Values.debug }}\n  DEBUG: "true"\n  {{- else }}\n  DEBUG: "true"\n  {{- end }}\n',
        [("APD101", 6)],
    ),
    "helm template: other blocks do not hide settings": (
        "helm/prod/templates/deployment.yaml",
        '      containers:\n        - name: app\n          {{- with .Values.env }}\n          env:\n            {{- toYaml . | nindent 12 }}\n          {{- end }}\n'
        '          env:\n            - name: DEBUG\n              value: "true"\n',
        [("APD101", 9)],
    ),
    "a production-named workflow without environments counts whole": (
        ".github/workflows/deploy-production.yml",
        'on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n      DEBUG: "true"\n    steps:\n      - run: ./deploy.sh\n',
        [("APD101", 6)],
    ),
    "ECS task definition": (
        "ecs/task-definition-prod.json",
        '{\n  "containerDefinitions": [\n    {\n      "command": ["gunicorn", "app:app", "--reload"],\n      "environment": [\n'
        '        {"name": "DEBUG", "value": "True"},\n        {"name": "NODE_OPTIONS", "value": "--inspect=0.0.0.0:9229"}\n      ]\n    }\n  ]\n}\n',
        [("APD103", 4), ("APD101", 6), ("APD103", 7)],
    ),
    "app service command line": (
        "azure/prod/appservice.json",
        '{"properties": {"siteConfig": {\n  "appCommandLine": "python manage.py runserver 0.0.0.0:8000"\n}}}\n',
        [("APD103", 2)],
    ),
    "powershell environment": (
        "scripts/deploy-prod.ps1",
        '$env:ASPNETCORE_ENVIRONMENT = "Development"\n[Environment]::SetEnvironmentVariable("DEBUG", "true", "Machine")\n',
        [("APD102", 1), ("APD101", 2)],
    ),
    "a shell array length is not a template comment": ("scripts/backup-prod.sh", '#!/bin/bash\ncount=${#files[@]}\necho "{{ x }} #}"\nDEBUG=1\n', [("APD101", 4)]),
    "PHP images' display_errors variables": (".env.production", "PHP_DISPLAY_ERRORS=On\nPHP_DISPLAY_STARTUP_ERRORS=1\nPHP_DISPLAY_ERRORS=Off\n", [("APD102", 1), ("APD102", 2)]),
    "spring profile lists": (
        "application-prod.yml",
        "spring:\n  profiles:\n    active: prod,dev\n",
        [("APD102", 3)],
    ),
    "spring profile list in the environment": (".env.production", "SPRING_PROFILES_ACTIVE=prod,local\n", [("APD102", 1)]),
    "development settings modules": (
        "k8s/prod/configmap.yaml",
        'data:\n  DJANGO_SETTINGS_MODULE: "myproject.settings.dev"\n  APP_SETTINGS: config.DevelopmentConfig\n',
        [("APD102", 2), ("APD102", 3)],
    ),
    "django settings module in dotenv": (".env.production", "DJANGO_SETTINGS_MODULE=config.settings.local\n", [("APD102", 1)]),
    "the production branch of an entrypoint": (
        "docker/prod/entrypoint.sh",
        '#!/bin/sh\nif [ "$DEBUG" != "1" ]; then\n  exec gunicorn app:app --reload\nelse\n  exec python -m debugpy --listen 5678 app.py\nfi\n'
        'if [ "$APP_ENV" = "production" ]; then\n  exec gunicorn app:app --reload\nfi\nif [ -n "$MIGRATE" ]; then\n  python manage.py migrate\nfi\n'
        "exec uvicorn app:app --reload\n",
        [("APD103", 3), ("APD103", 8), ("APD103", 13)],
    ),
    "helm template: block scalars are text, the keys after them settings": (
        "charts/app/templates/configmap-prod.yaml",
        'data:\n  {{- range $k, $v := .Values.env }}\n  {{ $k }}: {{ $v | quote }}\n  {{- end }}\n  config.yaml: |\n    debug: true\n'
        '  app.env: |-\n    - DEBUG=1\n\n    FLASK_DEBUG: 1\n  LOG_LEVEL: {{ .Values.logLevel | quote }}\n  DEBUG: "true"\n',
        [("APD101", 12)],
    ),
    "broken YAML: development sections still skipped": (
        "config/production.yaml",
        "development:\n  debug: true\n  x: [unclosed\nproduction:\n  debug: true\n",
        [("APD101", 5)],
    ),
    "python branches chosen otherwise still count": (
        "settings/production.py",
        "if SENTRY_DSN:\n    DEBUG = True\nif __name__ == '__main__':\n    app.run(debug=True)\n",
        [("APD101", 2), ("APD103", 4)],
    ),
    "settings echoed into configuration files": (
        "Dockerfile.production",
        'FROM php:8.3-fpm\nRUN echo "xdebug.mode=debug" >> /usr/local/etc/php/conf.d/xdebug.ini\n'
        'RUN echo "display_errors = On" >> /usr/local/etc/php/php.ini && echo "xdebug.mode=off" > /x/xdebug.ini\n',
        [("APD103", 2), ("APD102", 3)],
    ),
}

CLEAN = {
    "debug enabled only when the environment says so": (
        "settings/production.py",
        'from .base import *\nDEBUG = False\nif os.environ.get("ENABLE_DEBUG"):\n    DEBUG = True\nif "test" in sys.argv:\n    DEBUG = True\n',
    ),
    "toolbar only when the environment says so": (
        "settings/prod.py",
        'from .base import *\nif env.bool("ENABLE_TOOLBAR", default=False):\n    INSTALLED_APPS += ["debug_toolbar"]\n',
    ),
    "php block comment": (
        "wp-config-production.php",
        "<?php\ndefine( 'WP_DEBUG', false );\n/* define( 'WP_DEBUG', true ); */\n/*\n * define( 'WP_DEBUG_DISPLAY', true );\n */\n",
    ),
    "javascript block comments": ("config/production.js", "module.exports = {\n  /* debug: true, */\n  /*\n   debug: true,\n  */\n  debug: false,\n};\n"),
    "json with comments": ("config/production.json", '{\n  // "debug": true,\n  /* "debug": true */\n  "debug": false\n}\n'),
    "hcl block comment": ("infra/prod/main.tf", "/*\n  debug = true\n*/\ndebug = false\n"),
    "laravel config block comment": ("config/production.php", "<?php\n/*\n'debug' => true,\n*/\nreturn ['debug' => false];\n"),
    "ruby =begin/=end": ("config/environments/production.rb", "=begin\nconfig.consider_all_requests_local = true\n=end\nconfig.eager_load = true\n"),
    "CI runner log switches": (
        ".github/workflows/deploy-prod.yml",
        'on: push\nenv:\n  ACTIONS_STEP_DEBUG: true\n  ACTIONS_RUNNER_DEBUG: "true"\njobs:\n  deploy:\n    environment: production\n    steps:\n      - run: echo "::debug::deploying"\n',
    ),
    "gitlab trace in a production job": (".gitlab-ci.yml", 'deploy:\n  environment: production\n  variables:\n    CI_DEBUG_TRACE: "true"\n  script: [./deploy.sh]\n'),
    "commands in prose keys": (
        "charts/app/values-prod.yaml",
        'podAnnotations:\n  description: "For local development run npm run dev instead"\nnotes: "Do not use --reload in production"\n'
        "readme: Use `python manage.py runserver` only locally.\nhelp: |\n  debug with python -m debugpy --listen 5678\n",
    ),
    "commands in a dotenv help text": (".env.production", 'APP_HELP="use flask run --debug locally"\n'),
    "development scripts of a package file": (
        "package.prod.json",
        '{\n  "scripts": {\n    "dev": "next dev",\n    "start:dev": "nodemon server.js",\n    "debug": "NODE_OPTIONS=\'--inspect\' next dev",\n    "start": "next start"\n  }\n}\n',
    ),
    "debug toolbar panels configured, not installed": ("settings/prod.py", 'DEBUG_TOOLBAR_PANELS = ["debug_toolbar.panels.versions.VersionsPanel"]\n'),
    "dockerfile development stages": (
        "Dockerfile.prod",
        'FROM node:20 AS development\nENV NODE_ENV=development\nCMD ["npm", "run", "dev"]\n\nFROM python:3.12 AS debug\n'
        'CMD ["python", "-m", "debugpy", "--listen", "0.0.0.0:5678", "app.py"]\n\nFROM node:20 AS production\nENV NODE_ENV=production\nCMD ["node", "server.js"]\n',
    ),
    "php block for the development environment": (
        "web/wp-config-production.php",
        "<?php\nif ( getenv( 'WP_ENV' ) === 'development' ) {\n    define( 'WP_DEBUG', true );\n    ini_set( 'display_errors', '1' );\n}\ndefine( 'WP_DEBUG', false );\n",
    ),
    "javascript block for the environment": (
        "config/production.js",
        "const config = { debug: false };\nif (process.env.LOCAL_RUN) {\n  process.env.NODE_ENV = 'development';\n}\nmodule.exports = config;\n",
    ),
    "staging and qa sections of a mixed file": ("config/production.yaml", "staging:\n  debug: true\nqa:\n  debug: true\nproduction:\n  debug: false\n"),
    "staging and debug classes": (
        "app/config/prod.py",
        "class StagingConfig:\n    DEBUG = True\n\nclass DebugConfig:\n    DEBUG = True\n\nclass ProductionConfig:\n    DEBUG = False\n",
    ),
    "helm and jinja blocks for debug or development": (
        "charts/app/templates/configmap-prod.yaml",
        'data:\n  {{- if .Values.debug }}\n  DEBUG: "true"\n  {{- end }}\n  {{- if eq .Values.environment "development" }}\n  NODE_ENV: development\n  {{- end }}\n',
    ),
    "jinja block for debug": ("ansible/templates/prod.env.j2", "APP=x\n{% if app_debug %}\nDEBUG=1\n{% endif %}\n"),
    "other jobs of a production-named workflow that names its production job": (
        ".github/workflows/deploy-production.yml",
        "on: push\njobs:\n  lint:\n    env:\n      DEBUG: 'true'\n    steps:\n      - run: npm run dev -- --check\n"
        "  deploy:\n    environment: production\n    steps:\n      - run: ./deploy.sh\n",
    ),
    "commands in acceptance criteria (camelCase prose key)": (
        "prd.json",
        '{\n  "userStories": [\n    {\n      "title": "Add a debug toggle",\n      "acceptanceCriteria": [\n'
        '        "npm run dev starts without errors",\n        "python manage.py runserver works"\n      ]\n    }\n  ]\n}\n',
    ),
    "a development command setting (camelCase)": ("vercel.prod.json", '{\n  "buildCommand": "npm run build",\n  "devCommand": "npm run dev"\n}\n'),
    "helm template comments": ("charts/app/templates/configmap-prod.yaml", '{{/* DEBUG: "true" */}}\n{{- /*\ndebug: true\nDEBUG: "1"\n*/ -}}\ndata:\n  LOG: info\n'),
    "jinja comments": ("ansible/templates/prod.env.j2", "{# DEBUG=1 #}\n{#\nDEBUG=1\nAPP_DEBUG=true\n#}\nAPP_DEBUG={{ app_debug | default(false) }}\n"),
    "erb comment": ("config/prod.yml.erb", '<%# debug: true %>\nproduction:\n  debug: <%= ENV.fetch("DEBUG", false) %>\n'),
    "powershell comments and interpolation": ("deploy/prod/setup.ps1", '# $env:DEBUG = "1"\n<#\n$env:DEBUG = "1"\n#>\n$env:DEBUG = $env:DEBUG_OVERRIDE\n'),
    "production profiles and settings modules": (
        ".env.production",
        "SPRING_PROFILES_ACTIVE=prod,aws\nDJANGO_SETTINGS_MODULE=config.settings.production\nDJANGO_SETTINGS_MODULE=myproject.settings\nAPP_SETTINGS=config.ProductionConfig\n",
    ),
    "entrypoint branches for debug and development": (
        "docker/prod/entrypoint.sh",
        '#!/bin/sh\nif [ "$DEBUG" = "1" ]; then\n  exec python -m debugpy --listen 0.0.0.0:5678 manage.py runserver\n'
        'elif [ "${APP_ENV}" = "development" ]; then\n  exec uvicorn app:app --reload\nelse\n  exec gunicorn config.wsgi\nfi\n'
        'case "$APP_ENV" in\n  dev|development)\n    exec npm run dev\n    ;;\n  *)\n    exec node server.js\n    ;;\nesac\n'
        '[[ "$ENABLE_DEBUGGER" == "1" ]] && exec node --inspect=0.0.0.0:9229 server.js\n'
        'if [ "$APP_ENV" = "production" ]; then exec gunicorn app:app; else exec uvicorn app:app --reload; fi\n',
    ),
    "entrypoint arms named for a development mode": (
        "compose/production/flask/entrypoint",
        '#!/bin/sh\ncase $1 in\n    develop)\n        shift;\n        export FLASK_ENV=development\n        exec flask run --debug "$@"\n        ;;\n'
        '    debug-server)\n        exec python -m debugpy --listen 0.0.0.0:5678 wsgi.py\n        ;;\n    devel|local)\n        exec uvicorn app:app --reload\n        ;;\n'
        "    '')\n        exec gunicorn -b :80 wsgi:app\n        ;;\nesac\n"
        'if [ "$MODE" = "develop" ]; then\n  exec flask run --debug\nfi\n',
    ),
    "compose services on development profiles": (
        "docker-compose.prod.yml",
        'services:\n  app-dev:\n    profiles: ["dev"]\n    command: flask run --debug\n    environment:\n      FLASK_DEBUG: 1\n'
        "  debugger:\n    profiles: [debug, local]\n    command: python -m debugpy --listen 0.0.0.0:5678 app.py\n"
        '  app:\n    profiles: ["prod"]\n    command: gunicorn app:app\n    environment:\n      FLASK_DEBUG: 0\n',
    ),
    "make targets for development": ("Makefile.prod", "deploy:\n\thelm upgrade app chart\ndev:\n\tuvicorn app:app --reload\nrun-local:\n\tpython manage.py runserver\n"),
    "dockerfile shell branch for debug": (
        "Dockerfile.prod",
        'FROM node:20\nCMD if [ "$DEBUG" = "true" ]; then exec npm run dev; else exec npm start; fi\n'
        'RUN if [ "$INSTALL_DEBUGGER" = "1" ]; then \\\n      pip install debugpy && python -m debugpy --listen 5678 -c pass; \\\n    fi\n',
    ),
    "symfony per-environment sections": (
        "config/packages/prod/web_profiler.yaml",
        "when@dev:\n    web_profiler:\n        toolbar: true\nwhen@prod:\n    web_profiler:\n        toolbar: false\n",
    ),
    "python branches chosen by the environment": (
        "settings/production.py",
        'IS_LOCAL = os.getenv("IS_LOCAL") == "1"\nif IS_LOCAL:\n    DEBUG = True\nif ENVIRONMENT == "development":\n'
        '    INSTALLED_APPS += ["debug_toolbar"]\nif os.environ.get("DEV"):\n    DEBUG = True\nelse:\n    DEBUG = False\n',
    ),
    "a change-cause annotation records a command": (
        "k8s/prod/deployment.yaml",
        'metadata:\n  annotations:\n    kubernetes.io/change-cause: "kubectl set env deploy/web DEBUG=true"\n',
    ),
    "toolbar under a debug-named switch": (
        "settings/production.py",
        'DEBUG_TOOLBAR_ENABLED = env.bool("DEBUG_TOOLBAR_ENABLED", False)\nif DEBUG_TOOLBAR_ENABLED:\n    INSTALLED_APPS += ["debug_toolbar"]\n',
    ),
    "uwsgi reloader off": ("deploy/prod/uwsgi.ini", "[uwsgi]\npy-autoreload = 0\n"),
    "a CI job's environment is a deploy target": (".gitlab-ci.yml", "review:\n  environment: development\n  variables:\n    DEBUG: 'true'\n"),
}


@pytest.mark.parametrize("path, text, expected", FLAGGED.values(), ids=FLAGGED.keys())
def test_flagged(path: str, text: str, expected: list[tuple[str, int]]) -> None:
    assert found(path, text) == expected


@pytest.mark.parametrize("path, text", CLEAN.values(), ids=CLEAN.keys())
def test_clean(path: str, text: str) -> None:
    assert found(path, text) == []


ADVERSARIAL = {
    "unclosed php conditions": ("config/production.php", "<?php debug " + "if (getenv " * 50_000),
    "unclosed template actions": ("charts/templates/prod.yaml", "debug: true\n" + "{{ if .Values.debug " * 50_000),
    "unclosed template comments": ("charts/templates/prod.yaml", "debug: true\n" + "{{/* {# <%# " * 50_000),
    "unclosed powershell comments": ("deploy/prod/setup.ps1", "$env:DEBUG='1'\n" + "<# " * 100_000),
    "long shell test": ("deploy/prod/run.sh", "DEBUG=1\n[ " + " " * 300_000 + "x"),
    "long shell condition": ("deploy/prod/run.sh", "DEBUG=1\nif ;" + " " * 300_000 + "x"),
    "unclosed block comments": ("config/production.js", "debug: true\n" + "/* '" * 100_000),
    "many development stages": ("Dockerfile.prod", "FROM x AS dev\nENV DEBUG=1\n" * 10_000),
    "many commands under one key": ("config/production.yaml", "a:\n" + "      gunicorn --reload\n" * 5_000),
    "many inline tables on one line": ("config/prod.toml", "debug = true\n" + "a = { " * 30_000),
    "many keys before inline tables": ("config/prod.toml", "debug = true\nx = " + "a" * 100_000 + " = {" * 1_000),
    "many unclosed defaults": ("docker-compose.yml", "services:\n  web:\n    environment:\n      DEBUG: " + "${DEBUG:-" * 50_000),
    "long default chains": ("config/settings.py", "import os\nDEBUG = " + "os.getenv('DEBUG', " * 2_000 + "True" + ")" * 2_000 + "\n"),
}


@pytest.mark.parametrize("path, text", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
def test_adversarial_input_stays_linear(path: str, text: str) -> None:
    started = time.process_time()  # CPU, not wall time: a loaded machine must not fail the test
    found(path, text)
    assert time.process_time() - started < 3.0


# Whole production files as projects write them, with nothing to report (precision regressions).
WHOLE_CLEAN_FILES = {
    'cookiecutter-style django production settings': (
        'myproject/settings/production.py',
        '"""Production settings for myproject."""\n'
        'import os\n'
        'from pathlib import Path\n'
        '\n'
        'import environ\n'
        '\n'
        'from .base import *  # noqa: F401,F403\n'
        '\n'
        'env = environ.Env(\n'
        '    DEBUG=(bool, False),\n'
        '    ALLOWED_HOSTS=(list, []),\n'
        ')\n'
        'environ.Env.read_env(os.path.join(BASE_DIR, ".env"))\n'
        '\n'
        'DEBUG = env.bool("DEBUG", default=False)\n'
        'TEMPLATE_DEBUG = DEBUG\n'
        'SECRET_KEY = env("SECRET_KEY")\n'
        'ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")\n'
        '\n'
        'DATABASES = {"default": env.db("DATABASE_URL")}\n'
        '\n'
        'LOGGING = {\n'
        '    "version": 1,\n'
        '    "disable_existing_loggers": False,\n'
        '    "handlers": {\n'
        '        "console": {"class": "logging.StreamHandler", "level": "DEBUG"},\n'
        '    },\n'
        '    "loggers": {\n'
        '        "django": {"handlers": ["console"], "level": os.getenv("DJANGO_LOG_LEVEL", "INFO")},\n'
        '        "django.db.backends": {"level": "DEBUG", "propagate": False},\n'
        '    },\n'
        '}\n'
        '\n'
        'DEBUG_TOOLBAR_CONFIG = {"SHOW_TOOLBAR_CALLBACK": lambda request: False}\n'
        'SECURE_SSL_REDIRECT = True\n'
    ),
    'laravel .env.production': (
        '.env.production',
        '# Laravel production environment\n'
        'APP_NAME="My App"\n'
        'APP_ENV=production\n'
        'APP_KEY=base64:Zm9vYmFyYmF6\n'
        'APP_DEBUG=false\n'
        'APP_URL=https://example.com\n'
        '\n'
        'LOG_CHANNEL=stack\n'
        'LOG_DEPRECATIONS_CHANNEL=null\n'
        'LOG_LEVEL=debug\n'
        '\n'
        'DB_CONNECTION=mysql\n'
        'DB_HOST=127.0.0.1\n'
        'DEBUGBAR_ENABLED=false\n'
        'TELESCOPE_ENABLED=false\n'
        'MAIL_MAILER=smtp\n'
    ),
    'compose with anchors, lists and flow style': (
        'docker-compose.prod.yml',
        'version: "3.8"\n'
        '\n'
        'x-common-env: &common-env\n'
        '  NODE_ENV: production\n'
        '  LOG_LEVEL: debug\n'
        '  DEBUG: "false"\n'
        '\n'
        'services:\n'
        '  web:\n'
        '    image: registry.example.com/web:${TAG:-latest}\n'
        '    command: gunicorn config.wsgi:application --bind 0.0.0.0:8000 --workers 4\n'
        '    environment:\n'
        '      <<: *common-env\n'
        '      DATABASE_URL: postgres://db/app\n'
        '    ports:\n'
        '      - "8000:8000"\n'
        '  worker:\n'
        '    image: registry.example.com/web:${TAG:-latest}\n'
        '    command: ["celery", "-A", "config", "worker", "-l", "debug"]\n'
        '    environment:\n'
        '      - DEBUG=0\n'
        '      - DEBUG_PORT=5678\n'
        '      - DJANGO_SETTINGS_MODULE=config.settings.production\n'
        '  nginx:\n'
        '    image: nginx:1.25\n'
        "    command: [nginx-debug, '-g', 'daemon off;']\n"
    ),
    'kubernetes deployment with valueFrom and a service': (
        'k8s/overlays/prod/deployment.yaml',
        'apiVersion: apps/v1\n'
        'kind: Deployment\n'
        'metadata:\n'
        '  name: web\n'
        '  labels:\n'
        '    app: web\n'
        'spec:\n'
        '  replicas: 3\n'
        '  template:\n'
        '    spec:\n'
        '      containers:\n'
        '        - name: web\n'
        '          image: ghcr.io/org/web:1.4.2\n'
        '          args: ["--log-level", "debug"]\n'
        '          env:\n'
        '            - name: DEBUG\n'
        '              value: "false"\n'
        '            - name: LOG_LEVEL\n'
        '              value: debug\n'
        '            - name: DEBUG_PORT\n'
        '              value: "5005"\n'
        '            - name: SECRET_KEY\n'
        '              valueFrom:\n'
        '                secretKeyRef:\n'
        '                  name: web\n'
        '                  key: secret\n'
        '            - name: DEBUG\n'
        '              valueFrom:\n'
        '                configMapKeyRef:\n'
        '                  name: web-config\n'
        '                  key: debug\n'
        '          ports:\n'
        '            - containerPort: 8000\n'
        '---\n'
        'apiVersion: v1\n'
        'kind: Service\n'
        'metadata:\n'
        '  name: web\n'
        'spec:\n'
        '  ports:\n'
        '    - port: 80\n'
    ),
    'spring application-prod.yml': (
        'src/main/resources/application-prod.yml',
        'server:\n'
        '  port: 8080\n'
        '  error:\n'
        '    include-stacktrace: never\n'
        '    include-message: always\n'
        'spring:\n'
        '  profiles:\n'
        '    active: prod\n'
        '  devtools:\n'
        '    restart:\n'
        '      enabled: false\n'
        '    livereload:\n'
        '      enabled: false\n'
        '  jpa:\n'
        '    show-sql: false\n'
        'logging:\n'
        '  level:\n'
        '    root: INFO\n'
        '    org.hibernate.SQL: DEBUG\n'
        '    com.example: debug\n'
        'debug: false\n'
        'trace: false\n'
    ),
    'github deploy workflow with test and production jobs': (
        '.github/workflows/deploy.yml',
        'name: Deploy\n'
        'on:\n'
        '  push:\n'
        '    branches: [main]\n'
        'env:\n'
        '  REGISTRY: ghcr.io\n'
        '  ACTIONS_STEP_DEBUG: false\n'
        'jobs:\n'
        '  test:\n'
        '    runs-on: ubuntu-latest\n'
        '    env:\n'
        '      DEBUG: "1"\n'
        '      NODE_ENV: development\n'
        '    steps:\n'
        '      - uses: actions/checkout@v4\n'
        '      - run: npm run dev &\n'
        '      - run: pytest\n'
        '  deploy:\n'
        '    needs: test\n'
        '    runs-on: ubuntu-latest\n'
        '    environment:\n'
        '      name: production\n'
        '      url: https://example.com\n'
        '    steps:\n'
        '      - uses: actions/checkout@v4\n'
        '      - uses: azure/setup-helm@v4\n'
        '        with:\n'
        '          version: v3.14.0\n'
        '      - name: Deploy\n'
        '        run: |\n'
        '          helm upgrade --install web ./charts/web \\\n'
        '            -f charts/web/values-prod.yaml \\\n'
        '            --set image.tag=${{ github.sha }} \\\n'
        '            --set env.LOG_LEVEL=debug \\\n'
        '            --set debug=false\n'
        '      - uses: some/action@v1\n'
        '        with:\n'
        '          debug: true\n'
    ),
    'rails production.rb': (
        'config/environments/production.rb',
        'require "active_support/core_ext/integer/time"\n'
        '\n'
        'Rails.application.configure do\n'
        '  config.enable_reloading = false\n'
        '  config.eager_load = true\n'
        '  config.consider_all_requests_local = false\n'
        '  config.action_controller.perform_caching = true\n'
        '  config.log_level = ENV.fetch("RAILS_LOG_LEVEL", "info")\n'
        '  config.log_level = :debug\n'
        '  config.assets.debug = false\n'
        '  config.action_view.annotate_rendered_view_with_filenames = false\n'
        '  # config.consider_all_requests_local = true\n'
        '  config.debug_exception_response_format = :api\n'
        'end\n'
    ),
    'php.ini-production': (
        'php.ini-production',
        '[PHP]\n'
        'engine = On\n'
        'short_open_tag = Off\n'
        '; display_errors\n'
        ';   Default Value: On\n'
        ';   Development Value: On\n'
        ';   Production Value: Off\n'
        'display_errors = Off\n'
        'display_startup_errors = Off\n'
        'log_errors = On\n'
        'error_reporting = E_ALL & ~E_DEPRECATED & ~E_STRICT\n'
        'html_errors = On\n'
        '[opcache]\n'
        'opcache.enable=1\n'
    ),
    'wp-config production': (
        'wp-config-production.php',
        '<?php\n'
        "define( 'DB_NAME', getenv('DB_NAME') );\n"
        "define( 'WP_DEBUG', false );\n"
        "define( 'WP_DEBUG_LOG', false );\n"
        "define( 'WP_DEBUG_DISPLAY', false );\n"
        "define( 'SCRIPT_DEBUG', false );\n"
        "@ini_set( 'display_errors', 0 );\n"
        "// define( 'WP_DEBUG', true );\n"
        "/* define( 'WP_DEBUG', true ); */\n"
        "define( 'WP_ENVIRONMENT_TYPE', 'production' );\n"
    ),
    'Dockerfile.prod multi-line ENV and commented runserver': (
        'Dockerfile.prod',
        '# syntax=docker/dockerfile:1\n'
        'FROM python:3.12-slim AS base\n'
        'ENV PYTHONDONTWRITEBYTECODE=1 \\\n'
        '    PYTHONUNBUFFERED=1 \\\n'
        '    DEBUG=0 \\\n'
        '    PIP_NO_CACHE_DIR=1\n'
        'ARG DEBUG=false\n'
        'WORKDIR /app\n'
        'COPY requirements/prod.txt .\n'
        'RUN pip install -r prod.txt && pip install debugpy==1.8.0 --no-deps || true\n'
        'COPY . .\n'
        'RUN python manage.py collectstatic --noinput\n'
        'EXPOSE 8000\n'
        '# CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]\n'
        'CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--log-level", "debug"]\n'
    ),
}


@pytest.mark.parametrize("path, text", WHOLE_CLEAN_FILES.values(), ids=WHOLE_CLEAN_FILES.keys())
def test_whole_clean_files(path: str, text: str) -> None:
    assert found(path, text) == []
