"""Docs that stay true: every page, setting and table is documented; README opens with the two commands."""
from __future__ import annotations

import re
from pathlib import Path

from data.models import Base
from domain.roles import PAGE_ROLES
from domain.settings import SETTING_NAMES

ROOT = Path(__file__).resolve().parent.parent


def test_readme_opens_with_exactly_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", readme, re.S)
    assert block and readme.index("```") < readme.index("## ")
    commands = [line for line in block.group(1).splitlines() if line.strip()]
    assert len(commands) == 2
    assert "streamlit run app.py" in commands[0] and "pytest" in commands[1]


def test_ci_runs_the_readme_test_command_with_postgresql():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "TEST_DATABASE_URL" in ci and "README.md" in ci


def test_every_page_is_documented_with_a_screenshot():
    pages_doc = (ROOT / "docs" / "pages.md").read_text(encoding="utf-8")
    for page in PAGE_ROLES:
        assert f"`pages/{page}.py`" in pages_doc, page
        assert f"screenshots/{page}.png" in pages_doc, page
        assert (ROOT / "docs" / "screenshots" / f"{page}.png").exists(), page


def test_every_setting_and_table_is_documented():
    docs = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8") + \
        (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    for name in SETTING_NAMES:
        assert f"`{name}`" in docs, name
    for table in Base.metadata.tables:
        assert f"`{table}`" in docs, table


def test_import_docs_hold_the_templates_as_they_are():
    from data.templates import markdown_tables

    text = (Path(__file__).resolve().parent.parent / "docs" / "import.md").read_text()
    between = text.split("<!-- templates:start -->\n", 1)[1].split("<!-- templates:end -->", 1)[0]
    assert between == markdown_tables()
