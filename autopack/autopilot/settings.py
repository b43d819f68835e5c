"""The `[tool.autopack.autopilot]` section: every key with its default, type and help.

What may run without approval is code (see `allowlist.py`), not configuration: these keys can
name more protected paths and more detectors, never widen what the executor will do.
"""

from __future__ import annotations

from typing import Any

from autopack.autopilot.digest import DEFAULT_RUNS_DIR
from autopack.config import Config, Setting
from autopack.findings import ConfigError

RISKS = ("critical", "high", "medium", "low", "info")  # most severe first

DEFAULT_PROTECTED_PATHS = ["docs/", "config/", "src/", "tests/", ".github/"]

# Files a tidy repository root commonly holds (matched case-insensitively against root file
# names). Anything else at the root is reported as clutter; extend with `extend-root-allow`.
DEFAULT_ROOT_ALLOW = [
    # project metadata and community files
    "readme*", "license*", "licence*", "copying*", "notice*", "changelog*", "changes*", "history*",
    "news*", "releasenotes*", "release-notes*", "contributing*", "contributors*", "authors*", "maintainers*",
    "code_of_conduct*", "code-of-conduct*", "security*", "support*", "governance*", "codeowners",
    "citation*", "funding*", "patents*", "third_party_notices*", "thirdpartynotices*", "version", "version.txt",
    "agents.md", "claude.md", "llms.txt", "roadmap.md", "upgrading*", "install*", "faq*", "todo.md",
    "architecture*", "development*", "hacking*", "migration*", "building*", "styleguide*", "codemeta.json",
    # version control and editors
    ".gitignore", ".gitattributes", ".gitmodules", ".gitkeep", ".mailmap", ".git-blame-ignore-revs",
    ".editorconfig", ".pre-commit-config.yaml", ".pre-commit-hooks.yaml", ".autopack.toml",
    ".dockerignore", ".*ignore", ".*rc", ".*rc.json", ".*rc.js", ".*rc.cjs", ".*rc.mjs", ".*rc.yml",
    ".*rc.yaml", ".*rc.toml", ".env", ".env.*", ".envrc",
    ".tool-versions", ".python-version", ".node-version", ".nvmrc", ".ruby-version", ".go-version",
    ".java-version", ".terraform-version", ".sdkmanrc", ".devcontainer.json", "devcontainer.json", "devbox.json",
    # hidden tool configuration (.golangci.yml, .eslintrc.json, .bumpversion.cfg, ...); not .DS_Store or *.swp
    ".*.yml", ".*.yaml", ".*.json", ".*.toml", ".*.cfg", ".*.ini", ".*.js", ".*.cjs", ".*.mjs",
    # Python
    "pyproject.toml", "setup.py", "setup.cfg", "manifest.in", "requirements*.txt", "requirements*.in",
    "constraints*.txt", "pipfile", "pipfile.lock", "poetry.lock", "pdm.lock", "uv.lock", "pixi.toml",
    "pixi.lock", "tox.ini", "noxfile.py", "pytest.ini", "conftest.py", ".coveragerc", "mypy.ini",
    ".flake8", "ruff.toml", ".ruff.toml", ".pylintrc", "pylintrc", ".isort.cfg", "environment.yml",
    "environment.yaml", "manage.py", "fabfile.py", "tasks.py", "hatch.toml", ".bandit", "codecov.yml",
    ".codecov.yml", "mkdocs.yml", "mkdocs.yaml", ".readthedocs.yml", ".readthedocs.yaml", "sonar-project.properties",
    # JavaScript / TypeScript
    "package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml",
    "pnpm-workspace.yaml", "bun.lockb", "bun.lock", "lerna.json", "nx.json", "turbo.json", "deno.json",
    "deno.jsonc", "deno.lock", "tsconfig*.json", "jsconfig*.json", "*.config.js", "*.config.cjs",
    "*.config.mjs", "*.config.ts", "*.config.mts", "*.config.cts", "*.config.json", "babel.config.*",
    "biome.json", "biome.jsonc", ".yarnrc.yml", "vercel.json", "netlify.toml", "next-env.d.ts", "index.html",
    # other ecosystems
    "cargo.toml", "cargo.lock", "rust-toolchain", "rust-toolchain.toml", "clippy.toml", "rustfmt.toml",
    ".rustfmt.toml", "deny.toml", "go.mod", "go.sum", "go.work", "go.work.sum", ".golangci.yml",
    ".golangci.yaml", "gemfile", "gemfile.lock", "rakefile", "*.gemspec", "config.ru", "composer.json",
    "composer.lock", "phpunit.xml*", "phpstan.neon*", "pom.xml", "build.gradle*", "settings.gradle*",
    "gradle.properties", "gradlew", "gradlew.bat", "mvnw", "mvnw.cmd", "build.sbt", "build.xml",
    "cmakelists.txt", "cmakepresets.json", "meson.build", "meson_options.txt", "configure.ac",
    "configure", "makefile.am", "*.sln", "global.json", "nuget.config", "directory.build.*",
    "directory.packages.props", "mix.exs", "mix.lock", "stack.yaml", "cabal.project", "*.cabal",
    "package.swift", "podfile", "podfile.lock", "pubspec.yaml", "pubspec.lock", "analysis_options.yaml",
    "build.zig", "build.zig.zon", "dune-project", "*.opam", "project.clj", "deps.edn", "description",
    "namespace", "*.rproj", "flake.nix", "flake.lock", "default.nix", "shell.nix", "workspace",
    "workspace.bazel", "module.bazel", "module.bazel.lock", "build.bazel", "build", ".bazelversion",
    # build, CI and deployment
    "makefile", "gnumakefile", "justfile", ".justfile", "taskfile.yml", "taskfile.yaml", "earthfile",
    "dockerfile*", "*.dockerfile", "containerfile*", "docker-compose*.yml", "docker-compose*.yaml",
    "compose*.yml", "compose*.yaml", "procfile", "app.json", "app.yaml", "fly.toml", "render.yaml",
    "vagrantfile", "brewfile", "jenkinsfile", ".gitlab-ci.yml", ".travis.yml", "appveyor.yml",
    ".appveyor.yml", "azure-pipelines.yml", "bitbucket-pipelines.yml", "cloudbuild.yaml", ".drone.yml",
    "action.yml", "action.yaml", "renovate.json", "renovate.json5", ".renovaterc*", "skaffold.yaml",
    "tiltfile", "chart.yaml", "values*.yaml", "kustomization.yaml", "serverless.yml", "*.tf", ".terraform.lock.hcl",
    "sgconfig.yml", ".markdownlint*", ".yamllint*", ".shellcheckrc", ".clang-format", ".clang-tidy",
    "cspell.json", ".cspell.json", "typos.toml", "_typos.toml", ".typos.toml", "lefthook.yml",
    "gruntfile.*", "gulpfile.*", "*.conf.js", "pkg-info", "wrangler.toml", "firebase.json", "now.json",
    "*.lock", "runtime.txt", "doxyfile", "autogen.sh", "bootstrap.sh", "makefile.in", "build.rs", "book.toml",
    "cliff.toml", "release.toml", "hatch_build.py",
    # static sites and entry points that live at the root by convention
    "cname", "_config.yml", "robots.txt", "favicon.ico", "404.html", "main.py", "app.py", "wsgi.py",
    "asgi.py", "__main__.py", "index.js", "index.mjs", "index.cjs", "index.ts", "server.js", "server.ts",
    "app.js", "app.ts", "middleware.ts", "middleware.js", "index.rst", "index.md", "gunicorn*.py", "dodo.py",
    "aptfile", "helmfile.yaml", "*.tfvars", "terragrunt.hcl", "ansible.cfg", "requirements.yml", "site.yml",
    "playbook*.yml", "copyright*", "unlicense*", "credits*", "thanks*", "acknowledg*",
    # .NET, PHP and Ruby projects keep their entry points and manifests at the root
    "*.csproj", "*.fsproj", "*.vbproj", "appsettings*.json", "program.cs", "startup.cs", "web.config",
    "index.php", "wp-*.php", "xmlrpc.php", "artisan", "server.php", ".htaccess", ".rspec",
]
# Root manifests whose language keeps its sources at the root: with the manifest present, these
# files are expected too (a Go module's package files sit next to go.mod).
ROOT_ALLOW_WITH_MANIFEST = {"go.mod": ("*.go",)}

SETTINGS: dict[str, Setting] = {
    "runs-dir": Setting(
        DEFAULT_RUNS_DIR, "str", "Directory (repo-relative) under which each run gets `<run_id>/`; `--run-dir` overrides."
    ),
    "fail-on": Setting("high", "str", "Lowest gap risk that makes the autopilot exit 1.", choices=RISKS),
    "protected-paths": Setting(
        list(DEFAULT_PROTECTED_PATHS), "str-list",
        "Repo-relative path prefixes the autopilot never writes; uncommitted changes under them are reported.",
    ),
    "root-allow": Setting(
        list(DEFAULT_ROOT_ALLOW), "glob-list", "Globs (case-insensitive) of files expected at the repository root."
    ),
    "extend-root-allow": Setting([], "glob-list", "Globs added to `root-allow`."),
    "encoding-exclude": Setting([], "glob-list", "Globs of files the non-UTF-8 check skips (e.g. legacy fixtures)."),
    "anchor": Setting(".autopack/anchor.yaml", "str", "The parallelism anchor validated for baseline policy drift."),
    "timeout": Setting(300, "number", "Seconds before an executed action's process group is killed."),
    "detectors": Setting(
        [], "table-list", "Custom detectors: commands whose failure is an `unknown` gap.",
        item={
            "name": Setting("", "str", "Name of the detector (required)."),
            "run": Setting(
                None, "argv", "The command (required): a list of arguments, or a string split like a shell would."
            ),
            "timeout": Setting(300, "number", "Seconds before the command's process group is killed."),
            "risk": Setting("medium", "str", "Risk of the gap when the command fails.", choices=RISKS),
            "blocks-autopilot": Setting(False, "bool", "Whether a failure blocks the autopilot."),
            "read-only": Setting(
                False, "bool", "The command only reads: the autopilot may run it without approval."
            ),
        },
    ),
}


def load_settings(config: Config) -> dict[str, Any]:
    """The validated section; a detector without a name or a command is a configuration error."""
    from autopack.commands import parse_argv

    settings = config.section("autopilot", SETTINGS)
    names: set[str] = set()
    for index, detector in enumerate(settings["detectors"]):
        where = f"{config.source or 'configuration'}: `{config.prefix}autopilot.detectors[{index}]`"
        if not detector["name"].strip():
            raise ConfigError(f"{where} needs a `name`")
        try:
            detector["run"] = parse_argv(detector["run"]) if detector["run"] is not None else []
        except ValueError as exc:
            raise ConfigError(f"{where}.run cannot be split into arguments ({exc}); check its quotes") from None
        if not detector["run"]:
            raise ConfigError(f"{where} ({detector['name']}) needs `run`, the command to run")
        if detector["name"] in names:
            raise ConfigError(f"{where}: the detector name {detector['name']!r} is used twice; names must be unique")
        names.add(detector["name"])
    return settings


def risk_rank(risk: str) -> int:
    """Higher is worse: critical 4 … info 0."""
    return len(RISKS) - 1 - RISKS.index(risk)


def default_settings() -> dict[str, Any]:
    """The section as it is with no configuration (used when the configuration cannot be read)."""
    values = {key: list(s.default) if isinstance(s.default, list) else s.default for key, s in SETTINGS.items()}
    return {"enabled": True, **values}
