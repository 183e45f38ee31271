"""README cannot drift: its CLI table matches the parser, its links and anchors resolve.

The CLI table (under "## The CLI") names each command as `phi-proxy CMD [SUB|SUB…] [--opt …]`.
Every command and sub-command named must exist in ``proxy.cli.build_parser()``, every option
shown must be one the parser accepts, and every command the parser has must be in the table.
"""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

import pytest

from proxy.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def options(parser: argparse.ArgumentParser) -> set[str]:
    return {o for a in parser._actions for o in a.option_strings}


def section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def cli_rows() -> list[str]:
    """The first cell of each row of the CLI table: the command as written."""
    rows = []
    for line in section("The CLI").splitlines():
        m = re.match(r"\| `(phi-proxy [^`]+)` \|", line)
        if m:
            rows.append(m.group(1).replace("\\|", "|"))
    return rows


def parse_row(row: str) -> tuple[str, list[str], list[str]]:
    """(command, sub-commands, options) of one table cell."""
    words = row.split()
    assert words[0] == "phi-proxy"
    command = words[1]
    subs = [s for w in words[2:] if re.fullmatch(r"[a-z]+(\|[a-z]+)*", w) for s in w.split("|")]
    opts = re.findall(r"--[a-z][a-z-]*", row)
    return command, subs, opts


def test_cli_table_is_found():
    assert len(cli_rows()) >= 8


@pytest.mark.parametrize("row", cli_rows())
def test_each_cli_row_exists_in_the_parser(row):
    command, _, opts = parse_row(row)
    commands = subcommands(build_parser())
    assert command in commands, f"README names `phi-proxy {command}`, which does not exist"
    current = commands[command]
    accepted = options(current)
    path = command
    # each word is one level of sub-commands ("add|list" are alternatives at the same level)
    for level in [w.split("|") for w in row.split()[2:] if re.fullmatch(r"[a-z]+(\|[a-z]+)*", w)]:
        nested = subcommands(current)
        if not nested:
            break
        for sub in level:
            assert sub in nested, f"README names `phi-proxy {path} {sub}`, which does not exist"
            accepted |= options(nested[sub])
        if len(level) == 1:
            current, path = nested[level[0]], f"{path} {level[0]}"
    for opt in opts:
        assert opt in accepted, f"README shows `{opt}` for `phi-proxy {command}`; not accepted"


def test_every_command_and_subcommand_is_in_the_table():
    documented: dict[str, set[str]] = {}
    for row in cli_rows():
        command, subs, _ = parse_row(row)
        documented.setdefault(command, set()).update(subs)
    for name, parser in subcommands(build_parser()).items():
        assert name in documented, f"`phi-proxy {name}` is missing from README's CLI table"
        missing = set(subcommands(parser)) - documented[name]
        assert not missing, f"`phi-proxy {name}` sub-commands missing from README: {missing}"


def test_quick_start_commands_are_the_scripts():
    assert "scripts/setup.sh && .venv/bin/phi-proxy serve --sandbox" in section(
        "Quick start (fresh machine: Python ≥ 3.11, Node.js for the test tools)"
    )
    for script in ("scripts/setup.sh", "scripts/test.sh"):
        assert os.access(ROOT / script, os.X_OK), f"{script} is not executable"


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    in_code = False
    out = set()
    for line in markdown.splitlines():
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code and line.startswith("#"):
            out.add(slug(line.lstrip("#")))
    return out


def links() -> list[str]:
    targets = re.findall(r"\]\(([^)\s]+)\)", README)
    targets += re.findall(r'<img src="([^"]+)"', README)
    return targets


def test_readme_has_links():
    assert len(links()) > 10


@pytest.mark.parametrize("target", sorted(set(links())))
def test_links_resolve(target):
    if re.match(r"https?://", target):
        return  # external (and localhost) URLs are not fetched
    path, _, anchor = target.partition("#")
    doc = ROOT / path if path else ROOT / "README.md"
    assert doc.exists(), f"README links to {path}, which does not exist"
    if anchor:
        assert anchor in anchors(doc.read_text(encoding="utf-8")), f"no heading for #{anchor}"


def test_what_is_inspected_tables_are_generated_from_the_operation_tables():
    from proxy.providers.tables import markdown

    start = README.index("<!-- inspected-tables:start -->\n") + len(
        "<!-- inspected-tables:start -->\n"
    )
    end = README.index("<!-- inspected-tables:end -->")
    assert README[start:end] == markdown(), (
        "README 'What is inspected' is stale: paste `python -m proxy.providers.tables`"
    )
