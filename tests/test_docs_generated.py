"""The docs read the same on GitHub and PyPI as on the built site: the generated text is
committed and current, and every relative link points at a file that exists."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import tomllib

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
#: ``[text](target)`` and ``![alt](target)``, not inside inline code.
_LINK = re.compile(r"(?<!`)!?\[[^\]]*\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def _hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "catalog_page", ROOT / "docs" / "hooks" / "catalog_page.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_docs_are_current() -> None:
    stale = [str(p.relative_to(ROOT)) for p in _hook().stale()]
    assert not stale, f"out of date: {stale}; run python docs/hooks/catalog_page.py"


def test_no_generated_placeholder_is_left_empty() -> None:
    block = re.compile(
        r"<!-- generated:(?P<name>[\w-]+) -->(?P<body>.*?)<!-- /generated:(?P=name)", re.S
    )
    for page in PAGES:
        text = page.read_text("utf-8")
        opened = re.findall(r"<!-- generated:([\w-]+) -->", text)
        closed = [m for m in block.finditer(text) if m["body"].strip()]
        assert len(opened) == len(closed), f"{page.name}: a generated block is empty or open"


def test_relative_links_point_at_files_that_exist() -> None:
    dead = []
    for page in PAGES:
        prose = _FENCE.sub("", page.read_text("utf-8"))
        for match in _LINK.finditer(prose):
            target = match["target"].split("#", 1)[0]
            if not target or re.match(r"^[a-z][a-z0-9+.-]*:", target):  # anchors, URLs
                continue
            if not (page.parent / target).exists():
                dead.append(f"{page.relative_to(ROOT)}: {match['target']}")
    assert not dead, "dead relative links:\n" + "\n".join(dead)


def test_the_wheel_names_where_the_docs_and_the_source_live() -> None:
    """PyPI shows the README without its relative links' targets: Project-URLs lead there."""
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["urls"]
    site = "https://pytest-smartcar.readthedocs.io/en/latest/"
    assert urls["Documentation"] == site
    readme = (ROOT / "README.md").read_text("utf-8")
    prose = _FENCE.sub("", readme)
    relative = [
        m["target"] for m in _LINK.finditer(prose) if not m["target"].startswith(("https://", "#"))
    ]
    assert not relative, f"README links that break on PyPI: {relative}"
