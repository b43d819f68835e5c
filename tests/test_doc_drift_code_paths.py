"""APR203 judges only what is unambiguously a path of this repository: each test is one class of
name that looks like a path (seen on real repositories, bench/wild) next to a real break that
must still be found."""

from __future__ import annotations


def test_two_part_names_are_names_unless_written_as_folders(scan):
    readme = (
        "Images `bitnami/airflow` and `bitnami/os-shell`, repo `charts/charts`, package `charts/gone`.\n\n"
        "```sh\ngo run ./charts/gone\nls charts/gone/\n```\n\nAlso `charts/airflow/values.yml`.\n"
    )
    files = {"bitnami/airflow/Chart.yaml": "name: a\n", "charts/airflow/values.yaml": "a: 1\n", "README.md": readme}
    assert scan(files) == [
        ("APR203", "README.md", 4, "charts/gone"),
        ("APR203", "README.md", 5, "charts/gone/"),
        ("APR203", "README.md", 8, "charts/airflow/values.yml"),
    ]


def test_site_pages_describe_the_readers_project_in_conventional_folders(scan):
    page = (
        "Add `docs/stylesheets/extra.css`, then `.github/workflows/ci.yml` and `docs/.vitepress/theme/index.ts`.\n"
        "This theme's own styles are in `src/mytheme_pkg/static/gone.css`.\n"
    )
    files = {
        "mkdocs.yml": "site_name: x\n",
        "docs/.vitepress/config.ts": "export default {}\n",
        ".github/workflows/test.yml": "on: push\n",
        "src/mytheme_pkg/static/style.css": "a{}\n",
        "docs/setup.md": page,
        "CONTRIBUTING.md": "Edit `docs/stylesheets/gone.css`.\n",
    }
    assert scan(files) == [
        ("APR203", "CONTRIBUTING.md", 1, "docs/stylesheets/gone.css"),
        ("APR203", "docs/setup.md", 2, "src/mytheme_pkg/static/gone.css"),
    ]


def test_placeholder_names_and_plans_are_not_repository_paths(scan):
    files = {
        "server/providers/smtp.js": "",
        "po/fr.po": "",
        "CONTRIBUTING.md": "Copy it to `server/providers/PROVIDER_NAME.js`, translate `po/xx.po`, see `server/providers/blah_test.js`.\n"
                           "Not `server/providers/gone.js`.\n",
        "plans/TEST_PORTING.md": "Port to `server/providers/new_one.js`.\n",
        "memory/index.md": "",
        "AGENTS.md": "Write notes to `memory/YYYY-MM-DD.md`, logs to `memory/run-YYYYMMDD-HHMM.log` and `memory/2024-MM-DD.md`.\n",
    }
    assert scan(files) == [("APR203", "CONTRIBUTING.md", 2, "server/providers/gone.js")]


def test_paths_in_a_table_of_examples_and_lines_saying_they_were_deleted(scan):
    files = {
        "services/api/app.py": "",
        "docs/build.md": (
            "# Build\n\n| Change | Example Files | Image? |\n|---|---|---|\n| API | `services/api/main.py` | yes |\n\n"
            "| Change | Files |\n|---|---|\n| API | `services/api/gone.py` |\n\n"
            "- Deleted `services/api/old.py`\n- Removed `services/api/older.py`\n- Run `services/api/lost.py`\n"
            "- [ ] Write `services/api/planned.py`\n- [x] Wrote `services/api/done.py`\n"
        ),
    }
    assert scan(files) == [
        ("APR203", "docs/build.md", 9, "services/api/gone.py"),
        ("APR203", "docs/build.md", 13, "services/api/lost.py"),
        ("APR203", "docs/build.md", 15, "services/api/done.py"),
    ]


def test_git_ignored_folders_written_with_a_slash(scan):
    files = {".gitignore": "_build/\n", "docs/index.md": "# x\n", "AGENTS.md": "Output lands in `docs/_build/` (`docs/_build/html/index.html`).\n"}
    assert scan(files) == []


def test_paths_the_text_places_elsewhere_or_asks_to_create(scan):
    readme = (
        "# Chart\n\nCopy the `httpd.conf` file to `files/httpd.conf` and deploy.\n"
        "Register it in `src/core/build_steps/doc.rs` in [rust-lang/rust](https://github.com/rust-lang/rust).\n"
        "For the stack chart, `charts/crds/files/crds.bz2` is regenerated.\n"
        "The layout moved: see `files/gone.conf`.\n\n## Upgrading\n\n### To 4.0.0\n\n"
        "The `files/old.conf` manifest was added.\n"
    )
    files = {
        "files/existing.conf": "",
        "src/main.rs": "",
        "charts/stack-chart/charts/crds/files/crds.bz2": b"BZ\0",
        "charts/other/Chart.yaml": "name: x\n",
        "README.md": readme.replace("stack chart", "stack-chart chart"),
    }
    assert scan(files) == [("APR203", "README.md", 6, "files/gone.conf")]


def test_upgrade_notes_and_changesets_are_history(scan):
    files = {
        "src/app.py": "",
        "docs/docsy-upgrade.md": "Override of `src/old/list.html`: none found.\n",
        ".changeset/brave-fox.md": "Writes `src/generated/config.json`.\n",
        "docs/guide.md": "Edit `src/gone/list.html`.\n",
    }
    assert scan(files) == [("APR203", "docs/guide.md", 1, "src/gone/list.html")]


def test_web_app_templates_describe_the_product_and_link_its_routes(scan):
    files = {
        "src/app.py": "",
        "checklists/templates/checklists/release.md": "Update `src/conf/settings.py` in the framework's repository.\n",
        "lib/web/templates/policy/tos.html.md": "See our [Privacy Policy](privacy), [v1.0](/blog/v1.0-released) and [gone](gone.md).\n",
        "AGENTS.md": "Run `pytest src/tests/ExampleTest.py`, then read `src/gone.py`.\n",
    }
    assert scan(files) == [
        ("APR203", "AGENTS.md", 1, "src/gone.py"),
        ("APR201", "lib/web/templates/policy/tos.html.md", 1, "gone.md"),
    ]


def test_example_paths_and_migration_guides_are_not_references(scan):
    files = {
        "patches/existing.patch": "",
        "README.md": "Create a folder per patch. For example, `patches/clustered-redis/fix.patch`. Not `patches/gone.patch`.\n",
        "src/FRONTEND_MIGRATION_GUIDE.md": "Move it to `patches/new/layout.patch`.\n",
    }
    assert scan(files) == [("APR203", "README.md", 1, "patches/gone.patch")]


def test_e_g_lists_and_paths_the_words_after_say_to_create(scan):
    # `e.g.,` ends in a dot and a comma: no word boundary, the example must still be seen
    files = {
        "src/app.py": "",
        "AGENTS.md": (
            "Read any guides (e.g., `src/quickstart.md`, if present). Read `src/gone.md`.\n\n"
            "**File**: `src/instrumentation.ts` (create if it doesn't exist)\n\n"
            "**File**: `src/added.ts` (new)\n"
        ),
    }
    assert scan(files) == [("APR203", "AGENTS.md", 1, "src/gone.md"), ("APR203", "AGENTS.md", 5, "src/added.ts")]


def test_paths_under_a_heading_that_creates_them_are_new(scan):
    files = {
        "src/app.py": "",
        "docs/setup.md": (
            "# Plan\n\n### 4. Create the components\n\n- Form (`src/components/Form.vue`)\n\n"
            "### 5. 创建视图\n\n- 菜单创建视图 (`src/views/menu/create.vue`)\n\n"
            "### 6. Wire them\n\n- Router (`src/router/gone.ts`)\n"
        ),
    }
    assert scan(files) == [("APR203", "docs/setup.md", 13, "src/router/gone.ts")]


def test_elided_and_dated_link_targets_are_placeholders(scan):
    files = {
        "docs/adr/template.md": "- [Related ADRs](ADR-YYYY.md)\n- [drink](.../.../)\n- [Old](ADR-0001.md)\n",
    }
    assert scan(files) == [("APR201", "docs/adr/template.md", 3, "ADR-0001.md")]


def test_agent_plugins_name_the_files_of_the_project_they_are_installed_in(scan):
    files = {
        ".claude/commands/release.md": "Run `scripts/gone.sh`.\n",
        "scripts/build.sh": "",
        "plugins/hookify/.claude-plugin/plugin.json": "{}\n",
        "plugins/hookify/commands/help.md": "Rules live in `.claude/hookify.warn-rm.local.md`; run `scripts/validate.sh`.\n",
        "plugins/README.md": "See `plugins/hookify/commands/gone.md`.\n",
        # a marketplace's local plugin needs no manifest of its own
        ".claude-plugin/marketplace.json": '{"plugins": [{"name": "dev", "source": "./plugins/dev"}, {"name": "x", "source": {"github": "o/x"}}]}\n',
        "plugins/dev/skills/make/SKILL.md": "Validate with `scripts/validate-agent.sh`.\n",
    }
    assert scan(files) == [
        ("APR203", ".claude/commands/release.md", 1, "scripts/gone.sh"),
        ("APR203", "plugins/README.md", 1, "plugins/hookify/commands/gone.md"),
    ]


def test_a_sentence_that_asks_to_create_the_path_on_the_line_before(scan):
    files = {
        "pkg/cmd/root.go": "",
        "docs/layout.md": (
            "# Layout\n\n2. Create a package for the new command, e.g. for `gh boom` create the directory\n"
            "   structure: `pkg/cmd/boom/`\n\n"
            "- Create a command.\n- It lives in `pkg/cmd/gone/`\n\n"
            "Commands are registered in\n`pkg/cmd/root/gone.go`.\n"
        ),
    }
    assert scan(files) == [
        ("APR203", "docs/layout.md", 7, "pkg/cmd/gone/"),
        ("APR203", "docs/layout.md", 10, "pkg/cmd/root/gone.go"),
    ]


def test_a_versioned_name_under_a_folder_is_a_name_not_a_file(scan):
    """`openai/gpt-4.1-mini` (a provider's model) beside a folder `openai/`: the dot is a
    version's, not a file suffix's, so the two words are a name as `owner/repo` is."""
    files = {
        "integration_tests/openai/test_chat.py": "",
        "integration_tests/README.md": "Cases use `openai/gpt-4.1-mini` and `openai/claude-3.5-sonnet`; see `openai/test_gone.py`.\n",
    }
    assert scan(files) == [("APR203", "integration_tests/README.md", 1, "openai/test_gone.py")]
