"""Production configuration where the popular generators and templates put it (docs/debug-guard.md,
"Where generators put production configuration"): for each layout, a file at that path with debug
enabled is found, and the development counterpart next to it is not. Scope (`wants`) and `scan`
together, as the hook runs them; the pre-commit manifest must hand the hook every such path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from autopack.debug_guard import SETTINGS, scan, wants
from autopack.files import decode_text

DEFAULTS = {"enabled": True, **{key: setting.default for key, setting in SETTINGS.items()}}
MANIFEST = Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml"


def found(path: str, text: str) -> list[tuple[str, int]]:
    if not wants(path, DEFAULTS):
        return []
    return [(f.rule_id, f.line or 0) for f in scan(decode_text(path, text.encode("utf-8")), DEFAULTS)]


# layout: (path, text with debug enabled, expected findings)
LAYOUTS = {
    # cookiecutter-django: dot-prefixed env directories, settings package, compose file and scripts
    "django cookiecutter env file": (".envs/.production/.django", "DJANGO_SECRET_KEY=x\nDJANGO_DEBUG=True\n", [("APD102", 2)]),
    "django cookiecutter postgres env": (".envs/.production/.postgres", "POSTGRES_HOST=postgres\nDEBUG=1\n", [("APD101", 2)]),
    "django cookiecutter settings": ("config/settings/production.py", "from .base import *\nDEBUG = True\n", [("APD101", 2)]),
    "django cookiecutter compose": (
        "docker-compose.production.yml",
        "services:\n  django:\n    env_file:\n      - ./.envs/.production/.django\n    environment:\n      - DJANGO_DEBUG=True\n",
        [("APD102", 6)],
    ),
    # Compose profiles: one docker-compose.yml whose services run in a `prod` or a `dev` profile
    "compose service on a production profile": (
        "docker-compose.yml",
        'services:\n  web-dev:\n    profiles: ["dev"]\n    environment:\n      FLASK_DEBUG: 1\n'
        '  web:\n    profiles: ["prod"]\n    command: flask run --debug\n    environment:\n      FLASK_DEBUG: 1\n',
        [("APD103", 8), ("APD102", 10)],
    ),
    "django cookiecutter compose (older name)": ("production.yml", "services:\n  django:\n    environment:\n      DEBUG: 'true'\n", [("APD101", 4)]),
    "django cookiecutter start script": (
        "compose/production/django/start",
        "#!/bin/bash\nset -o errexit\npython /app/manage.py collectstatic --noinput\nexec python /app/manage.py runserver 0.0.0.0:5000\n",
        [("APD103", 4)],
    ),
    "django cookiecutter entrypoint": ("compose/production/django/entrypoint", "#!/bin/bash\nexport DJANGO_DEBUG=1\nexec \"$@\"\n", [("APD102", 2)]),
    # Rails: environment files, Kamal's deploy file, production sections of shared YAML
    "rails environment": ("config/environments/production.rb", "Rails.application.configure do\n  config.consider_all_requests_local = true\nend\n", [("APD102", 2)]),
    "rails kamal deploy": ("config/deploy.yml", "service: app\nenv:\n  clear:\n    RAILS_LOG_LEVEL: info\n    DEBUG: true\n", [("APD101", 5)]),
    "rails production section (figaro)": ("config/application.yml", "development:\n  DEBUG: 'true'\nproduction:\n  DEBUG: 'true'\n", [("APD101", 4)]),
    # Laravel and Symfony: env files, per-environment package directories, `when@prod:` sections
    "laravel env file": (".env.production", "APP_ENV=production\nAPP_DEBUG=true\n", [("APD102", 2)]),
    "symfony env file": (".env.prod", "APP_DEBUG=1\n", [("APD102", 1)]),
    "symfony local env file": (".env.prod.local", "APP_DEBUG=1\n", [("APD102", 1)]),
    "symfony package directory": ("config/packages/prod/web_profiler.yaml", "web_profiler:\n    toolbar: true\n", [("APD102", 2)]),
    "symfony when@prod section": (
        "config/packages/web_profiler.yaml",
        "when@dev:\n    web_profiler:\n        toolbar: true\nwhen@prod:\n    web_profiler:\n        toolbar: true\n",
        [("APD102", 6)],
    ),
    # Spring Boot: profile files and profile documents
    "spring profile file": ("src/main/resources/application-prod.yml", "spring:\n  devtools:\n    restart:\n      enabled: true\n", [("APD102", 4)]),
    "spring profile properties": ("src/main/resources/application-production.properties", "server.error.include-stacktrace=always\n", [("APD102", 1)]),
    "spring profile document": (
        "src/main/resources/application.yml",
        "server:\n  port: 8080\n---\nspring:\n  config:\n    activate:\n      on-profile: prod\ndebug: true\n",
        [("APD101", 8)],
    ),
    "spring legacy profile document": (
        "src/main/resources/application.yml",
        "debug: true\n---\nspring:\n  profiles: production\nserver:\n  error:\n    include-exception: true\n",
        [("APD102", 7)],
    ),
    # Next.js / Nuxt / Vite: mode files
    "next env file": (".env.production", "NEXT_PUBLIC_DEBUG=true\n", [("APD102", 1)]),
    "next local env file": (".env.production.local", "NODE_ENV=development\n", [("APD102", 1)]),
    # Helm and helmfile
    "helm values file": ("charts/app/values-production.yaml", "env:\n  DEBUG: 'true'\n", [("APD101", 2)]),
    "helm values dotted": ("deploy/helm/values.prod.yaml", "extraEnv:\n  - name: FLASK_DEBUG\n    value: '1'\n", [("APD102", 3)]),
    "helmfile environment": ("helmfile/environments/production/values.yaml", "app:\n  debug: true\n", [("APD101", 2)]),
    # kustomize overlays
    "kustomize overlay": (
        "k8s/overlays/production/kustomization.yaml",
        "configMapGenerator:\n  - name: app\n    literals:\n      - DEBUG=true\n",
        [("APD101", 4)],
    ),
    "kustomize overlay patch": ("deploy/overlays/prod/env-patch.yaml", "- op: add\n  path: /data/DEBUG\n  value: 'true'\n", [("APD101", 3)]),
    # Terraform: environment directories, workspace var files, Terragrunt live trees
    "terraform environment": ("environments/production/main.tf", 'module "app" {\n  debug = true\n}\n', [("APD101", 2)]),
    "terraform workspace vars": ("vars/prod.tfvars", "app_debug = true\n", [("APD102", 1)]),
    "terragrunt live": ("live/prod/app/terragrunt.hcl", "inputs = {\n  debug = true\n}\n", [("APD101", 2)]),
    # Ansible: inventories and group variables
    "ansible inventory group_vars": ("inventories/production/group_vars/all.yml", "app_debug: true\n", [("APD102", 1)]),
    "ansible group_vars file": ("group_vars/production.yml", "django_debug: true\n", [("APD102", 1)]),
    "ansible inventory file": ("production", "[web]\nweb1.example.com\n\n[web:vars]\napp_debug=true\n", [("APD102", 5)]),
    # compose overrides
    "compose prod override": ("docker-compose.prod.yml", "services:\n  web:\n    environment:\n      - DEBUG=1\n", [("APD101", 4)]),
    "compose v2 name": ("compose.production.yaml", "services:\n  web:\n    environment:\n      FLASK_DEBUG: '1'\n", [("APD102", 4)]),
}

# Development counterparts in the same layouts: never production.
NOT_PRODUCTION = {
    "django cookiecutter local env": (".envs/.local/.django", "DJANGO_DEBUG=True\n"),
    "django cookiecutter local compose": ("docker-compose.local.yml", "services:\n  django:\n    environment:\n      - DJANGO_DEBUG=True\n"),
    "django cookiecutter local start": ("compose/local/django/start", "#!/bin/bash\nexec python manage.py runserver_plus 0.0.0.0:8000\n"),
    "django cookiecutter local settings": ("config/settings/local.py", "from .base import *\nDEBUG = True\n"),
    "rails development environment": ("config/environments/development.rb", "config.consider_all_requests_local = true\n"),
    "rails development section": ("config/application.yml", "development:\n  DEBUG: 'true'\ntest:\n  DEBUG: 'true'\n"),
    "symfony when@dev only": ("config/packages/web_profiler.yaml", "when@dev:\n    web_profiler:\n        toolbar: true\n"),
    "spring dev profile document": (
        "src/main/resources/application.yml",
        "spring:\n  config:\n    activate:\n      on-profile: dev\ndebug: true\n",
    ),
    "spring not-prod profile document": ("src/main/resources/application.yml", "spring:\n  profiles: '!prod'\ndebug: true\n"),
    "next development env": (".env.development", "NEXT_PUBLIC_DEBUG=true\n"),
    "compose service on a development profile": (
        "docker-compose.yml",
        'services:\n  web-dev:\n    profiles: ["dev"]\n    command: flask run --debug\n    environment:\n      FLASK_DEBUG: 1\n',
    ),
    "compose development override": ("docker-compose.override.yml", "services:\n  web:\n    environment:\n      - DEBUG=1\n"),
    "kustomize dev overlay": ("k8s/overlays/dev/kustomization.yaml", "configMapGenerator:\n  - literals:\n      - DEBUG=true\n"),
    "terraform staging": ("environments/staging/main.tf", "debug = true\n"),
    "ansible staging inventory": ("inventories/staging/group_vars/all.yml", "app_debug: true\n"),
}


@pytest.mark.parametrize("path, text, expected", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_generator_layouts_are_production(path: str, text: str, expected: list[tuple[str, int]]) -> None:
    assert found(path, text) == expected


@pytest.mark.parametrize("path, text", NOT_PRODUCTION.values(), ids=NOT_PRODUCTION.keys())
def test_development_counterparts_are_not(path: str, text: str) -> None:
    assert found(path, text) == []


def test_manifest_hands_every_layout_to_the_hook() -> None:
    """pre-commit filters by the manifest before the hook narrows: every layout path must pass it."""
    entry = next(hook for hook in yaml.safe_load(MANIFEST.read_text(encoding="utf-8")) if hook["id"] == "debug-guard")
    files, exclude = re.compile(entry["files"]), re.compile(entry["exclude"])
    for path, _text, _expected in LAYOUTS.values():
        assert files.search(path) and not exclude.search(path), path
