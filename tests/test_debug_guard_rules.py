"""Detection of the debug guard, family by family (SPEC section 3): every positive names its
rule and line, every negative family stays silent. Pure calls of `scan` on decoded files."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autopack.debug_guard import SETTINGS, scan
from autopack.files import decode_text

DEFAULTS = {"enabled": True, **{key: setting.default for key, setting in SETTINGS.items()}}


def found(path: str, text: str | bytes, **overrides: object) -> list[tuple[str, int]]:
    raw = text if isinstance(text, bytes) else text.encode("utf-8")
    return [(f.rule_id, f.line or 0) for f in scan(decode_text(path, raw), {**DEFAULTS, **overrides})]


POSITIVES = {
    # APD101: dotenv
    "dotenv plain": (".env.production", "APP=x\nDEBUG=1\n", [("APD101", 2)]),
    "dotenv export": (".env.prod", "export DEBUG=true\n", [("APD101", 1)]),
    "dotenv quoted": (".env.production", 'DEBUG="1"\nX=1\nDEBUG=\'on\'\n', [("APD101", 1), ("APD101", 3)]),
    "dotenv case": (".env.production", "debug=YES\n", [("APD101", 1)]),
    "dotenv inline comment": (".env.production", "DEBUG=true # for now\n", [("APD101", 1)]),
    "dotenv spaces": (".env.production", "DEBUG = True\n", [("APD101", 1)]),
    "env file suffix": ("deploy/prod.env", "DEBUG=on\n", [("APD101", 1)]),
    # APD101: structured formats
    "yaml": ("config/production.yaml", "app:\n  name: x\n  debug: true\n", [("APD101", 3)]),
    "yaml quoted value": ("config/production.yml", 'DEBUG: "1"\n', [("APD101", 1)]),
    "yaml multi-document": ("config/production.yaml", "a: 1\n---\nb: 2\n---\ndebug: yes\n", [("APD101", 5)]),
    "json": ("config/production.json", '{\n  "DEBUG": "1",\n  "name": "x"\n}\n', [("APD101", 2)]),
    "json bool": ("appsettings.Production.json", '{"app": {"debug": true}}\n', [("APD101", 1)]),
    "toml": ("config/prod.toml", '[server]\nport = 80\ndebug = true\n', [("APD101", 3)]),
    "ini": ("config/production.ini", "[app]\ndebug = on\n", [("APD101", 2)]),
    "properties": ("application-prod.properties", "server.port=80\ndebug=true\n", [("APD101", 2)]),
    # APD101: Kubernetes, compose, Helm
    "k8s env name/value": (
        "k8s/overlays/prod/deployment.yaml",
        "spec:\n  template:\n    spec:\n      containers:\n        - name: web\n          env:\n            - name: DEBUG\n              value: \"true\"\n",
        [("APD101", 8)],
    ),
    "k8s env name/value broken yaml": (
        "k8s/prod/deployment.yaml",
        "env:\n  - name: DEBUG\n    value: \"true\"\n  image: {{ .Values.image }}\n",
        [("APD101", 3)],
    ),
    "compose env list": (
        "docker-compose.prod.yml",
        "services:\n  web:\n    environment:\n      - LOG_LEVEL=debug\n      - DEBUG=1\n",
        [("APD101", 5)],
    ),
    "compose env list quoted": ("docker-compose.prod.yml", 'services:\n  web:\n    environment:\n      - "DEBUG=true"\n', [("APD101", 4)]),
    "compose env map": ("docker-compose.prod.yml", "services:\n  web:\n    environment:\n      DEBUG: 'true'\n", [("APD101", 4)]),
    "compose flow map": ("docker-compose.prod.yml", "services:\n  web:\n    environment: {DEBUG: 'true', X: 1}\n", [("APD101", 3)]),
    "compose flow list": ("docker-compose.prod.yml", "services:\n  web:\n    environment: [DEBUG=1]\n", [("APD101", 3)]),
    "helm values": ("charts/app/values-production.yaml", "replicas: 3\nenv:\n  DEBUG: \"true\"\n", [("APD101", 3)]),
    "helm values extraEnv": ("helm/values.prod.yaml", "extraEnv:\n  - name: DEBUG\n    value: \"1\"\n", [("APD101", 3)]),
    "kustomize literals": ("k8s/prod/kustomization.yaml", "configMapGenerator:\n  - name: app\n    literals:\n      - DEBUG=true\n", [("APD101", 4)]),
    "ecs json name/value": ("ecs/task-prod.json", '{"environment": [{"name": "DEBUG", "value": "true"}]}\n', [("APD101", 1)]),
    # APD101: Dockerfile, Python settings
    "dockerfile env pairs": ("Dockerfile.prod", "FROM python:3.12\nENV PORT=80 DEBUG=1\n", [("APD101", 2)]),
    "dockerfile env legacy": ("Dockerfile.prod", "FROM python:3.12\nENV DEBUG true\n", [("APD101", 2)]),
    "dockerfile env continued": ("prod/Dockerfile", "FROM x\nENV A=1 \\\n    DEBUG=\"true\"\n", [("APD101", 3)]),
    "python settings": ("settings/prod.py", "from .base import *\n\nDEBUG = True\n", [("APD101", 3)]),
    "python annotated": ("settings/production.py", "DEBUG: bool = True\n", [("APD101", 1)]),
    "python config subscript": ("app/config_prod.py", "app.config['DEBUG'] = True\n", [("APD101", 1)]),
    "python environ": ("app/prod_env.py", "import os\nos.environ['DEBUG'] = '1'\n", [("APD101", 2)]),
    "python template options": (
        "settings/prod.py",
        "TEMPLATES = [{\n    'OPTIONS': {\n        'debug': True,\n    },\n}]\n",
        [("APD101", 3)],
    ),
    "python syntax error fallback": ("settings/prod.py", "print 'py2'\nDEBUG = True\n", [("APD101", 2)]),
    # The walk looks only inside nodes whose lines hold a keyword: a setting deep in a long module,
    # one in a decorator (above its `def` line), one split over lines, are all still seen.
    "python deep in a long module": (
        "settings/prod.py",
        "import os\n" + "X = 1\n" * 300 + "def configure(app):\n    if app:\n        app.config.update(\n            DEBUG=True,\n        )\n",
        [("APD101", 305)],
    ),
    "python in a decorator": (
        "app/main_prod.py",
        "@app.config.update(\n    DEBUG=True,\n)\ndef handler():\n    pass\n",
        [("APD101", 2)],
    ),
    "python value on the next line": ("settings/prod.py", "DEBUG = (\n    True\n)\n", [("APD101", 1)]),
    # APD102: framework debug flags
    "app_debug": (".env.production", "APP_DEBUG=true\n", [("APD102", 1)]),
    "flask_debug": (".env.production", "FLASK_DEBUG=1\n", [("APD102", 1)]),
    "django_debug yaml": ("k8s/prod/configmap.yaml", "data:\n  DJANGO_DEBUG: \"True\"\n", [("APD102", 2)]),
    "template_debug": ("settings/prod.py", "TEMPLATE_DEBUG = True\n", [("APD102", 1)]),
    "next_public_debug": (".env.production", "NEXT_PUBLIC_DEBUG=true\n", [("APD102", 1)]),
    "wp_debug define": ("wp-config.prod.php", "<?php\ndefine('WP_DEBUG', true);\ndefine( 'WP_DEBUG_DISPLAY', true );\n", [("APD102", 2), ("APD102", 3)]),
    # the same switch named with a `_MODE`/`_ENABLED` suffix, camelCase, or as `debug: {enabled: …}`
    "debug mode and enabled suffixes": (
        ".env.production",
        "DEBUG_MODE=true\nAPP_DEBUG_MODE=1\nDEBUG_ENABLED=yes\nVITE_DEBUG_ENABLED=true\n",
        [("APD102", 1), ("APD102", 2), ("APD102", 3), ("APD102", 4)],
    ),
    "debug mode in yaml": (
        "values-production.yaml",
        "debugMode: true\ndebug:\n  enabled: true\nenv:\n  - name: DEBUG_MODE\n    value: \"1\"\n",
        [("APD102", 1), ("APD102", 3), ("APD102", 6)],
    ),
    "debug mode in python settings": ("settings/prod.py", "DEBUG_MODE = True\n", [("APD102", 1)]),
    # several pairs on one line: an inline object or array
    "js inline object": (
        "config/production.js",
        "module.exports = {\n  app: { debugMode: true },\n  server: { port: 80, debug: true },\n};\n",
        [("APD102", 2), ("APD101", 3)],
    ),
    "php one-line array": ("config/production.php", "<?php\nreturn ['name' => 'x', 'debug' => true, 'url' => 'y'];\n", [("APD101", 2)]),
    "laravel config array": ("config/production/app.php", "<?php\nreturn [\n    'debug' => true,\n];\n", [("APD101", 3)]),
    # APD102: development environments
    "flask_env": (".env.production", "FLASK_ENV=development\n", [("APD102", 1)]),
    "node_env": ("docker-compose.prod.yml", "services:\n  web:\n    environment:\n      - NODE_ENV=development\n", [("APD102", 4)]),
    # PHP frameworks' environment selectors, as constants and as variables
    "php framework environments": (
        "environments/prod/web/index.php",
        "<?php\ndefined('YII_ENV') or define('YII_ENV', 'dev');\nConfig::define('WP_ENVIRONMENT_TYPE', 'development');\n",
        [("APD102", 2), ("APD102", 3)],
    ),
    "php framework environment variables": (".env.production", "WP_ENV=development\nCI_ENVIRONMENT=development\n", [("APD102", 1), ("APD102", 2)]),
    "aspnetcore env": ("k8s/prod/deploy.yaml", "env:\n  - name: ASPNETCORE_ENVIRONMENT\n    value: Development\n", [("APD102", 3)]),
    "app_env local": (".env.prod", "APP_ENV=local\n", [("APD102", 1)]),
    "app_env dev": (".env.prod", "APP_ENV=dev\n", [("APD102", 1)]),
    "generic environment": (".env.production", "ENVIRONMENT=development\nENV=dev\n", [("APD102", 1), ("APD102", 2)]),
    "generic environment yaml": ("config/production.yaml", "env: local\n", [("APD102", 1)]),
    "spring profile": ("application-prod.yml", "spring:\n  profiles:\n    active: dev\n", [("APD102", 3)]),
    "spring profile env": ("k8s/prod/web.yaml", "env:\n  - name: SPRING_PROFILES_ACTIVE\n    value: local\n", [("APD102", 3)]),
    "uvicorn reload env": (".env.production", "UVICORN_RELOAD=true\n", [("APD103", 1)]),
    # APD102: error detail switches
    "rails requests local": ("config/environments/production.rb", "Rails.application.configure do\n  config.consider_all_requests_local = true\nend\n", [("APD102", 2)]),
    "aspnet detailed errors": ("appsettings.Production.json", '{\n  "DetailedErrors": true\n}\n', [("APD102", 2)]),
    "web.config compilation": ("Web.Production.config", '<configuration>\n  <system.web>\n    <compilation debug="true" />\n  </system.web>\n</configuration>\n', [("APD102", 3)]),
    "web.config custom errors": ("web.prod.config", '<system.web>\n<customErrors mode="Off" />\n</system.web>\n', [("APD102", 2)]),
    "php display_errors ini": ("php.ini-production", "[PHP]\nerror_reporting = E_ALL\ndisplay_errors = On\n", [("APD102", 3)]),
    "php-fpm pool": ("docker/prod/www.conf", "[www]\nphp_admin_flag[display_errors] = on\nphp_admin_value[memory_limit] = 256M\n", [("APD102", 2)]),
    "spring include-exception": ("application-prod.properties", "server.error.include-exception=true\n", [("APD102", 1)]),
    "php display_errors ini_set": ("public/index.prod.php", "<?php\nini_set('display_errors', '1');\n", [("APD102", 2)]),
    # APD102: toolbars, profilers, devtools
    "django debug toolbar": ("settings/prod.py", "INSTALLED_APPS = [\n    'django.contrib.admin',\n    'debug_toolbar',\n]\n", [("APD102", 3)]),
    "django toolbar middleware": ("settings/prod.py", "MIDDLEWARE += ['debug_toolbar.middleware.DebugToolbarMiddleware']\n", [("APD102", 1)]),
    "pyramid toolbar ini": ("production.ini", "[app:main]\nuse = egg:app\npyramid.includes =\n    pyramid_debugtoolbar\n", [("APD102", 4)]),
    "symfony profiler": ("config/packages/prod/web_profiler.yaml", "web_profiler:\n    toolbar: true\n", [("APD102", 2)]),
    "symfony framework profiler": ("config/packages/prod/framework.yaml", "framework:\n    profiler:\n        enabled: true\n", [("APD102", 3)]),
    "spring devtools properties": ("application-prod.properties", "spring.devtools.restart.enabled=true\n", [("APD102", 1)]),
    "spring devtools yaml": ("application-prod.yml", "spring:\n  devtools:\n    livereload:\n      enabled: true\n", [("APD102", 4)]),
    "spring devtools env": (".env.production", "SPRING_DEVTOOLS_RESTART_ENABLED=true\n", [("APD102", 1)]),
    "spring devtools remote secret": ("application-prod.properties", "spring.devtools.remote.secret=s3cret\nspring.devtools.remote.secret=${SECRET}\n", [("APD102", 1)]),
    "flask debug toolbar": ("config/production.py", "DEBUG_TB_ENABLED = True\ntoolbar = DebugToolbarExtension(app)\n", [("APD102", 1), ("APD102", 2)]),
    "gin mode": (".env.production", "GIN_MODE=debug\nGIN_MODE=release\n", [("APD102", 1)]),
    "fastapi debug": ("app/main_prod.py", "from fastapi import FastAPI\napp = FastAPI(title='x', debug=True)\n", [("APD102", 2)]),
    "django settings.configure": ("scripts/prod_shell.py", "settings.configure(DEBUG=True)\n", [("APD101", 1)]),
    "laravel debugbar": (".env.production", "DEBUGBAR_ENABLED=true\n", [("APD102", 1)]),
    "htaccess display_errors": ("deploy/prod/.htaccess", "php_flag display_errors on\n", [("APD102", 1)]),
    "iis detailed errors": ("web.Production.config", '<httpErrors errorMode="Detailed" />\n', [("APD102", 1)]),
    # APD103: development servers and debuggers
    "gunicorn reload cli": ("Procfile", "web: gunicorn app.wsgi --reload\n", [("APD103", 1)]),
    "gunicorn reload config": ("deploy/prod/gunicorn.conf.py", "bind = '0.0.0.0:8000'\nworkers = 4\nreload = True\n", [("APD103", 3)]),
    "uvicorn reload dockerfile": ("Dockerfile.prod", 'FROM x\nCMD ["uvicorn", "main:app", "--reload"]\n', [("APD103", 2)]),
    "flask run debug": ("scripts/start-prod.sh", "#!/bin/sh\nexec flask run --debug --host 0.0.0.0\n", [("APD103", 2)]),
    "debugpy listen": ("docker-compose.prod.yml", "services:\n  web:\n    command: python -m debugpy --listen 0.0.0.0:5678 app.py\n", [("APD103", 3)]),
    "app.run debug": ("app/wsgi_prod.py", "from app import app\nif __name__ == '__main__':\n    app.run(host='0.0.0.0', debug=True)\n", [("APD103", 3)]),
    "k8s command list": (
        "k8s/prod/deploy.yaml",
        "containers:\n  - name: web\n    command:\n      - gunicorn\n    args:\n      - app:app\n      - --reload\n",
        [("APD103", 7)],  # the offending flag's line
    ),
    "helm set in workflow": (
        ".github/workflows/deploy-production.yml",
        "jobs:\n  deploy:\n    steps:\n      - run: |\n          helm upgrade --install app ./chart \\\n            --set env.DEBUG=true\n",
        [("APD103", 6)],
    ),
    "manage.py runserver": ("Procfile", "web: python manage.py runserver 0.0.0.0:$PORT\n", [("APD103", 1)]),
    "node inspect": ("Dockerfile.prod", 'FROM node\nCMD ["node", "--inspect=0.0.0.0:9229", "server.js"]\n', [("APD103", 2)]),
    "java jdwp": (".env.production", 'JAVA_TOOL_OPTIONS="-agentlib:jdwp=transport=dt_socket,server=y"\n', [("APD103", 1)]),
    "npm run dev": ("Dockerfile.prod", "FROM node\nCMD npm run dev\n", [("APD103", 2)]),
    # Flask's own server, and watchers that restart the app on every change
    "flask run": ("Procfile", "web: flask run --host 0.0.0.0 --port $PORT\n", [("APD103", 1)]),
    "flask run exec form": ("Dockerfile.prod", 'FROM python\nCMD ["python", "-m", "flask", "run", "--host=0.0.0.0"]\n', [("APD103", 2)]),
    "flask run --debug once": ("Procfile", "web: flask run --debug\n", [("APD103", 1)]),
    "file watchers": (
        "Dockerfile.prod",
        'FROM node\nCMD ["node", "--watch", "server.js"]\nCMD npx ts-node-dev src/index.ts\nCMD tsx watch src/index.ts\n'
        "CMD nest start --watch\nCMD bun --hot index.ts\nCMD dotnet watch run\nCMD strapi develop\n",
        [("APD103", 2), ("APD103", 3), ("APD103", 4), ("APD103", 5), ("APD103", 6), ("APD103", 7), ("APD103", 8)],
    ),
    "xdebug in php.ini": ("php.ini-production", "[xdebug]\nzend_extension=xdebug\nxdebug.mode=debug,develop\nxdebug.mode=off\n", [("APD103", 3)]),
    "xdebug env": ("docker-compose.prod.yml", "services:\n  php:\n    environment:\n      XDEBUG_MODE: debug\n", [("APD103", 4)]),
    "phoenix prod.exs": ("config/prod.exs", "config :app, AppWeb.Endpoint,\n  debug_errors: true,\n  code_reloader: true,\n  check_origin: false\n", [("APD102", 2), ("APD103", 3)]),
    "uvicorn debug flag": ("Procfile", "web: uvicorn app:app --debug\n", [("APD103", 1)]),
    "rails server development": ("Dockerfile.prod", 'FROM ruby\nCMD ["rails", "server", "-e", "development"]\n', [("APD103", 2)]),
    "jvm spring profile": ("Dockerfile.prod", 'FROM eclipse-temurin\nENTRYPOINT ["java", "-Dspring.profiles.active=dev", "-jar", "app.jar"]\n', [("APD102", 2)]),
    "run_simple debugger": ("app/wsgi_prod.py", "run_simple('0.0.0.0', 80, app, use_debugger=True)\n", [("APD103", 1)]),
    "deploy commands": (
        "deploy/prod/deploy.sh",
        "docker run -e DEBUG=1 app\nkubectl set env deployment/web DEBUG=true\ngcloud run deploy web --set-env-vars X=1,DEBUG=true\n",
        [("APD103", 1), ("APD103", 2), ("APD103", 3)],
    ),
    "exec form runserver": ("Dockerfile.prod", 'FROM x\nCMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]\n', [("APD103", 2)]),
    "exec form npm dev": ("k8s/prod/web.yaml", 'containers:\n  - command: ["npm", "run", "dev"]\n', [("APD103", 2)]),
    "uvicorn.run reload": ("app/main_prod.py", "import uvicorn\nuvicorn.run('app:app', reload=True)\n", [("APD103", 2)]),
    # the uvicorn-gunicorn base images' development launcher (uvicorn --reload), shell and exec form
    "base image reload launcher": (
        "docker-compose.production.yml",
        'services:\n  api:\n    command: /start-reload.sh\n  worker:\n    command: ["bash", "/start-reload.sh"]\n',
        [("APD103", 3), ("APD103", 5)],
    ),
    # services, process managers, infrastructure as code
    "supervisord": ("deploy/supervisord.prod.conf", '[program:web]\ncommand=gunicorn app --reload\nenvironment=DEBUG="1",X="2"\n', [("APD103", 2), ("APD101", 3)]),
    "systemd": ("deploy/prod/app.service", '[Service]\nEnvironment="DEBUG=1" "X=2"\n', [("APD101", 2)]),
    "terraform name/value": ("infra/prod/ecs.tf", 'env = [{\n  name  = "DEBUG"\n  value = "true"\n}]\nvars = { FLASK_DEBUG = "1" }\n', [("APD101", 3), ("APD102", 5)]),
    "javascript config": ("config/production.js", "module.exports = {\n  port: 80,\n  debug: true,\n};\n", [("APD101", 3)]),
    "xml app setting": ("App.Production.config", '<appSettings>\n  <add key="Debug" value="true" />\n</appSettings>\n', [("APD101", 2)]),
    # the production class of a shared configuration module (Flask's config.py pattern,
    # django-configurations' `Prod`): its body is judged as a production file
    "production class in a shared config module": (
        "config.py",
        "import os\n\nclass Config:\n    DEBUG = False\n\nclass DevelopmentConfig(Config):\n    DEBUG = True\n\n"
        "class ProductionConfig(Config):\n    DEBUG = True\n    TEMPLATE_DEBUG = True\n",
        [("APD101", 10), ("APD102", 11)],
    ),
    # inherited from a base class of the same module, reported at the production class
    "production class inherits debug": (
        "config.py",
        "class Config:\n    DEBUG = True\n    TESTING = False\n\nclass Shared(Config):\n    SECRET = 'x'\n\n"
        "class ProductionConfig(Shared):\n    SQLALCHEMY_ECHO = False\n",
        [("APD101", 8)],
    ),
    "production classes by other names": (
        "app/settings.py",
        "class Prod(Common):\n    DEBUG = True\n\nclass PROD_SETTINGS:\n    FLASK_DEBUG = 1\n",
        [("APD101", 2), ("APD102", 5)],
    ),
}


@pytest.mark.parametrize("path, text, expected", POSITIVES.values(), ids=POSITIVES.keys())
def test_positive_families(path: str, text: str, expected: list[tuple[str, int]]) -> None:
    assert found(path, text) == expected


NEGATIVES = {
    "disabled values": (".env.production", "DEBUG=0\nDEBUG=false\nDEBUG=no\nDEBUG=off\nAPP_DEBUG=False\n"),
    "empty values": (".env.production", "DEBUG=\nDEBUG=''\nAPP_DEBUG=\n"),
    "interpolation dotenv": (".env.production", "DEBUG=${DEBUG}\nDEBUG=${DEBUG:-false}\nDEBUG=$DEBUG\n"),
    "interpolation helm": ("charts/app/templates/prod-deployment.yaml", "env:\n  - name: DEBUG\n    value: {{ .Values.debug | quote }}\n"),
    "interpolation python": ("settings/prod.py", "import environ, os\nenv = environ.Env()\nDEBUG = os.environ.get('DEBUG', 'false')\nDEBUG = env.bool('DEBUG', default=False)\n"),
    "interpolation compose": ("docker-compose.prod.yml", "services:\n  web:\n    environment:\n      DEBUG: ${DEBUG:-false}\n"),
    "log levels": (".env.production", "LOG_LEVEL=debug\nRUST_LOG=debug\n"),
    "log level yaml": ("config/production.yaml", "logging:\n  level: DEBUG\n  root: debug\n"),
    "namespaced debug": (".env.production", "DEBUG=app:*\nDEBUG=express:router\n"),
    "keys containing the word": (".env.production", "DEBUG_PORT=1\nDEBUG_TOOLBAR=true\nDEBUGGER=1\nENABLE_DEBUG_LOGS=1\n"),
    "negated flags": (".env.production", "NO_DEBUG=1\nDISABLE_DEBUG=true\nNO_DEBUG_MODE=1\nDISABLE_DEBUG_ENABLED=true\n"),
    # a negating word after a vendor prefix: Vite builds that strip debug code, a framework's off switch
    "negated flags after a prefix": (".env.production", "VITE_DROP_DEBUG=true\nVITE_DISABLE_DEBUG=true\nAPP_NO_DEBUG=1\nNEXT_PUBLIC_HIDE_DEBUG=true\n"),
    "js conditions and types in objects": (
        "config/production.js",
        "module.exports = {\n  a: { debug: isDev ? true : false },\n  b: cond ? true : false,\n  c: { debug: process.env.DEBUG === 'true' },\n};\n"
        "type Options = { debug: boolean, port: number };\n",
    ),
    "php arrays reading the environment": ("config/production.php", "<?php\nreturn ['debug' => env('APP_DEBUG', false), 'level' => 10];\n"),
    "other modes and enabled switches": (
        ".env.production",
        "GIN_MODE=release\nXDEBUG_MODE=off\nDEBUG_MODE=false\nDEBUG_TOOLBAR_ENABLED=false\nDEBUG_LOGS_ENABLED=true\nMAINTENANCE_MODE=true\n",
    ),
    "an enabled key under another parent": ("values-production.yaml", "metrics:\n  enabled: true\nprofiler:\n  enabled: true\n"),
    "comments": (".env.production", "# DEBUG=1\n  # DEBUG=true\n"),
    "yaml comments": ("config/production.yaml", "# debug: true\napp:\n  # debug: true\n  name: x\n"),
    "python comments and strings": ("settings/prod.py", "# DEBUG = True\n'''\nDEBUG = True\n'''\nHELP = 'set DEBUG = True'\n"),
    "toml multi-line string": ("config/prod.toml", "notes = '''\ndebug = true\n'''\n"),
    "production environment": (".env.production", "NODE_ENV=production\nFLASK_ENV=production\nAPP_ENV=prod\n"),
    "php framework production environments": (
        "environments/prod/web/index.php",
        "<?php\ndefined('YII_ENV') or define('YII_ENV', 'prod');\ndefine('WP_ENVIRONMENT_TYPE', 'production');\n$env = getenv('WP_ENV');\n",
    ),
    "display_errors off": ("php.ini-production", "[PHP]\ndisplay_errors = Off\n"),
    "logging debug provider": ("appsettings.Production.json", '{"Logging": {"Debug": {"LogLevel": {"Default": "Warning"}}}}\n'),
    "firewall reload": ("deploy/prod/setup.sh", "firewall-cmd --reload\nsystemctl reload nginx\n"),
    "project reload scripts and the production launcher": (
        "docker-compose.prod.yml",
        "services:\n  a:\n    command: ./start-reload.sh\n  b:\n    command: sh scripts/start-reload.sh\n  c:\n    command: /start.sh\n",
    ),
    "installing dev tools": ("Dockerfile.prod", "FROM node\nRUN npm install -g nodemon\nRUN npm install -g ts-node-dev\n"),
    "watch flags of other tools": (
        "Dockerfile.prod",
        "FROM node\nRUN npx tsc --watch false\nCMD kubectl get pods --watch\nRUN pip install flask && flask --version\nCMD gunicorn 'app:create_app()'\n",
    ),
    "nodemon dependency": ("package.prod.json", '{"devDependencies": {"nodemon": "^3.0.0"}}\n'),
    "development section of a mixed file": ("config/prod/settings.yaml", "development:\n  debug: true\nproduction:\n  debug: false\n"),
    "production class overrides or imports its base": (
        "config.py",
        "from .base import BaseConfig\nclass Config:\n    DEBUG = True\nclass ProductionConfig(Config):\n    DEBUG = False\n"
        "class ProdConfig(BaseConfig):\n    pass\nclass A(B):\n    pass\nclass B(A):\n    DEBUG = True\n"
        "class ProductionSettings(A):\n    DEBUG = os.environ.get('DEBUG') == '1'\n",
    ),
    "non-production classes in a shared config module": (
        "config.py",
        "class NonProdConfig:\n    DEBUG = True\nclass PreProductionConfig:\n    DEBUG = True\nclass ProductCatalogConfig:\n    DEBUG = True\n"
        "class TestProductionConfig:\n    DEBUG = True\nclass ProductionConfig:\n    DEBUG = False\n    def local(self):\n        DEBUG = True\n",
    ),
    "dev class in python": ("config/prod_config.py", "class DevelopmentConfig:\n    DEBUG = True\n\nclass ProductionConfig:\n    DEBUG = False\n"),
    "toolbar removed": ("settings/prod.py", "INSTALLED_APPS.remove('debug_toolbar')\n"),
    "toolbar only when debug": ("settings/prod.py", "DEBUG = False\nif DEBUG:\n    INSTALLED_APPS += ['debug_toolbar']\n"),
    "web.config comment": ("Web.Production.config", '<!--\n  <compilation debug="true" />\n-->\n<compilation debug="false" />\n'),
    "ruby log level": ("config/environments/production.rb", "config.log_level = :debug\nconfig.consider_all_requests_local = false\n"),
    "no keyword at all": ("config/production.yaml", "replicas: 3\nimage: app:1.2\n"),
    "dotenv value with words": (".env.production", "DEBUG=1 enables verbose output\n"),
    "ci job targets another environment": ("deploy/prod/pipeline.yml", "jobs:\n  smoke:\n    environment: development\n"),
    "action inputs in a production workflow": (".github/workflows/deploy-prod.yml", "jobs:\n  deploy:\n    steps:\n      - uses: org/deploy@v1\n        with:\n          debug: true\n"),
    "deploy flags with safe values": ("deploy/prod/deploy.sh", "helm upgrade app chart --set debug=false --set env.LOG_LEVEL=debug\n"),
}


WORKFLOW = """on: push
jobs:
  test:
    env:
      DEBUG: "true"
    steps:
      - run: helm template chart --set debug=true
  deploy:
    environment:
      name: production
    env:
      DEBUG: "1"
    steps:
      - run: helm upgrade app ./chart --set debug=true
  stage:
    environment: staging
    env:
      DEBUG: "1"
"""


def test_folded_command_in_production_job() -> None:
    workflow = "jobs:\n  ship:\n    environment:\n      name: prod\n    steps:\n      - run: >-\n          helm upgrade app ./chart\n          --set-string env.FLASK_DEBUG=1\n"
    assert found(".github/workflows/release.yml", workflow) == [("APD103", 8)]


def test_ci_workflow_only_production_jobs() -> None:
    assert found(".github/workflows/deploy.yml", WORKFLOW) == [("APD101", 12), ("APD103", 14)]
    gitlab = "deploy_prod:\n  environment: production\n  script:\n    - helm upgrade app chart --set-string DEBUG=1\ntest:\n  variables:\n    DEBUG: 'true'\n"
    assert found(".gitlab-ci.yml", gitlab) == [("APD103", 4)]
    assert found(".github/workflows/deploy.yml", WORKFLOW.replace("production", "review")) == []
    assert found(".github/workflows/broken.yml", "jobs: [\n  environment: production\n  DEBUG: 1\n") == []
    inherited = "env:\n  DEBUG: 'true'\njobs:\n  deploy:\n    environment: production\n    steps: []\n"
    assert found(".github/workflows/deploy.yml", inherited) == [("APD101", 2)]
    assert found(".github/workflows/ci.yml", inherited.replace("production", "preview")) == []


@pytest.mark.parametrize("path, text", NEGATIVES.values(), ids=NEGATIVES.keys())
def test_never_flagged_families(path: str, text: str) -> None:
    assert found(path, text) == []


def test_production_class_judged_without_debug_defaults() -> None:
    """Turning APD104 off (`debug-defaults = false`) does not turn off the production class's
    APD101-APD103: they are not defaults."""
    text = "import os\nDEBUG = os.getenv('DEBUG', 'true')\nclass ProductionConfig:\n    DEBUG = True\n"
    assert found("config.py", text) == [("APD104", 2), ("APD101", 4)]
    assert found("config.py", text, **{"debug-defaults": False}) == [("APD101", 4)]


def test_production_classes_only_in_configuration_modules() -> None:
    """Modules production loads are read for production classes; models, development and test
    modules are not (`wants` is the scan's gate)."""
    from autopack.debug_guard import wants

    assert wants("config.py", DEFAULTS) and wants("app/settings.py", {**DEFAULTS, "debug-defaults": False})
    assert not any(wants(path, DEFAULTS) for path in ("app/models.py", "dev/config.py", "tests/config.py", "docs/config.py"))


def test_extended_false_keeps_only_apd101() -> None:
    text = "DEBUG=1\nAPP_DEBUG=1\nNODE_ENV=development\nCMD=gunicorn --reload\n"
    assert {rule for rule, _ in found(".env.production", text)} == {"APD101", "APD102", "APD103"}
    assert found(".env.production", text, extended=False) == [("APD101", 1)]


def test_crlf_and_bom() -> None:
    raw = b"\xef\xbb\xbfDEBUG=1\r\nAPP=x\r\nFLASK_DEBUG=true\r\n"
    assert found(".env.production", raw) == [("APD101", 1), ("APD102", 3)]
    yaml_raw = b"\xef\xbb\xbfapp:\r\n  debug: true\r\n"
    assert found("config/production.yaml", yaml_raw) == [("APD101", 2)]


def test_non_utf8_bytes_do_not_hide_findings() -> None:
    raw = b"NAME=caf\xe9\nDEBUG=1\n"
    assert found(".env.production", raw) == [("APD101", 2)]
    assert found("config/production.yaml", b"name: caf\xe9\ndebug: true\n") == [("APD101", 2)]


def test_lowercasing_that_changes_length_keeps_lines() -> None:
    # "İ".lower() is two code points: line offsets must come from the lowered text itself
    assert found(".env.production", "X=" + "İ" * 50 + "\nDEBUG=1\n") == [("APD101", 2)]
    assert found("config/production.yaml", "İ" * 80 + ": x\ndebug: true\n") == [("APD101", 2)]


def test_lone_carriage_return_keeps_lines() -> None:
    assert found("config/production.yaml", "a: 1\rb: 2\ndebug: true\n") == [("APD101", 2)]
    assert found("settings/prod.py", "A = 1\rB = 2\nDEBUG = True\n") == [("APD101", 2)]


def test_malformed_yaml_falls_back_to_lines() -> None:
    text = "app:\n  name: [unclosed\n  debug: true\n"
    assert found("config/production.yaml", text) == [("APD101", 3)]


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a: &a ["DEBUG=1", "x"]']
    for level in range(1, 30):
        lines.append(f"l{level}: &l{level} [*{'a' if level == 1 else 'l' + str(level - 1)}, *{'a' if level == 1 else 'l' + str(level - 1)}]")
    lines.append("debug: true")
    assert found("config/production.yaml", "\n".join(lines) + "\n") == [("APD101", 31)]


def test_deep_nesting_does_not_crash() -> None:
    assert found("config/production.yaml", "[" * 5000 + "]" * 5000 + "\ndebug: true\n") == [("APD101", 2)]
    assert found("config/production.json", "[" * 5000 + "]" * 5000) == []


def test_parser_crashes_and_warnings_fall_back_quietly(capfd: pytest.CaptureFixture[str]) -> None:
    # configparser raises AttributeError on a continuation line after a key without value
    assert found("production.ini", "[app]\nflag\n  x = 1\ndebug = true\n") == [("APD101", 4)]
    # ast.parse warns about `1if`; the hook's output must stay clean
    assert found("settings/prod.py", "X = 1if True else 2\nDEBUG = True\n") == [("APD101", 2)]
    assert capfd.readouterr().err == ""


def test_message_names_key_and_value_and_fix_says_what_to_do() -> None:
    source = decode_text(".env.production", b"DEBUG=1\nNODE_ENV=development\n")
    first, second = scan(source, DEFAULTS)
    assert "`DEBUG`" in first.message and "`1`" in first.message
    assert "false" in first.fix and "development-only" in first.fix and "environment" in first.fix
    assert "`NODE_ENV`" in second.message and "production" in second.fix


env_lines = st.lists(
    st.one_of(
        st.text(alphabet="DEBUGdebug_=:-'\" #${}\t01truefalsyonTRUEİé", max_size=30),
        st.sampled_from(["DEBUG=1", "export DEBUG=true", "- name: DEBUG", "  value: 'true'", "a: &x [*x]", "---", "{", "debug: |"]),
    ),
    max_size=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    env_lines,
    st.sampled_from(
        [".env.production", "config/production.yaml", "app.prod.json", "prod.toml", "Dockerfile.prod", "production.ini", "settings/prod.py", "Web.Production.config"]
    ),
)
def test_random_text_never_crashes(lines: list[str], path: str) -> None:
    for finding in scan(decode_text(path, "\n".join(lines).encode("utf-8", "surrogatepass")), DEFAULTS):
        assert finding.line is not None and finding.line >= 1 and finding.fix
