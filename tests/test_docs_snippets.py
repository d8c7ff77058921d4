"""The documentation's code runs, and its messages are the code's messages.

Convention, in ``README.md`` and ``docs/**/*.md``: an HTML comment on the line before a
```` ```python ```` block (a blank line may separate them) makes the block a test module.

- ``<!-- test -->``: the block, alone in a new project, passes (at least one test, no
  failure, no error, warnings are errors).
- ``<!-- test: fails -->``: it fails. An ``<!-- output -->`` comment before the next
  ```` ```text ```` block makes each line of that block a line the run must print, in order.
- Other words after ``test:`` are pytest arguments (``<!-- test: --smartcar-app-name=X -->``).

- ``<!-- fragment -->``: the block is not meant to run alone (a signature, or code that
  needs the reader's app or web framework, like ``client``); the prose around it says so.

Every ``python`` block is one or the other (``test_every_python_block_is_tested_or_a_fragment``).
The comments are invisible in the built site. The example app's code is shown through
``--8<--`` snippets of files its own suite runs. The README's quick start is also run in
a separate process, the way a new project would run it.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
#: Pages whose code must be tested: each needs at least one marked block.
TESTED_PAGES = [
    "README.md",
    "docs/index.md",
    "docs/reference.md",
    "docs/parametrize.md",
    "docs/retries.md",
    "docs/sdk.md",
    "docs/aiohttp.md",
    "docs/configuration.md",
    "docs/network.md",
    "docs/troubleshooting.md",
    "docs/v3.md",
    "docs/connect.md",
    "docs/fuzzing.md",
]
#: Pages other branches own, whose blocks are not marked yet (and why).
UNMARKED_ALLOWED: dict[str, str] = {}
_FRAGMENT = re.compile(r"^\s*<!-- fragment -->\s*$")

_MARK = re.compile(r"^\s*<!-- test(?::(?P<options>[^>]*?))?\s*-->\s*$")
_OUTPUT = re.compile(r"^\s*<!-- output -->\s*$")
_FENCE = re.compile(r"^(?P<indent>\s*)```(?P<lang>[\w-]*)\s*$")


@dataclass(frozen=True)
class Snippet:
    """One marked block: where it is, its code, and what the run must show."""

    page: str
    line: int
    code: str
    fails: bool
    args: tuple[str, ...]
    output: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"


def _fence(lines: list[str], start: int, lang: str, where: str) -> tuple[str, int]:
    """The content of the fenced block opening at or after ``start`` (blank lines skipped)."""
    index = start
    while index < len(lines) and not lines[index].strip():
        index += 1
    opening = _FENCE.match(lines[index]) if index < len(lines) else None
    if opening is None or opening.group("lang") != lang:
        raise ValueError(f"{where}: expected a ```{lang} block after the marker comment")
    indent = len(opening.group("indent"))
    body: list[str] = []
    for end in range(index + 1, len(lines)):
        if lines[end].strip() == "```":
            return "\n".join(line[indent:] for line in body) + "\n", end + 1
        body.append(lines[end])
    raise ValueError(f"{where}: the ```{lang} block is not closed")


def read_snippets(path: Path) -> list[Snippet]:
    """The marked blocks of one Markdown file, in order."""
    page = path.relative_to(ROOT).as_posix()
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Snippet] = []
    for number, line in enumerate(lines):
        mark = _MARK.match(line)
        if mark is None:
            continue
        where = f"{page}:{number + 1}"
        code, after = _fence(lines, number + 1, "python", where)
        words = shlex.split(mark.group("options") or "")
        fails = "fails" in words
        output: tuple[str, ...] = ()
        rest = after
        while rest < len(lines) and not lines[rest].strip():
            rest += 1
        if rest < len(lines) and _OUTPUT.match(lines[rest]):
            text, _ = _fence(lines, rest + 1, "text", where)
            output = tuple(t.strip() for t in text.splitlines() if t.strip())
        args = tuple(w for w in words if w != "fails")
        found.append(Snippet(page, number + 1, code, fails, args, output))
    return found


SNIPPETS = [snippet for page in PAGES for snippet in read_snippets(page)]


def _check_output(snippet: Snippet, printed: str) -> None:
    """Every expected line appears in the output, in order (as a substring of a line)."""
    lines = printed.splitlines()
    position = 0
    for expected in snippet.output:
        for index in range(position, len(lines)):
            if expected in lines[index]:
                position = index + 1
                break
        else:
            raise AssertionError(
                f"{snippet.id}: the documented output line\n  {expected}\nwas not printed "
                f"(in order) by the snippet. Its output:\n{printed}"
            )


@pytest.mark.parametrize("snippet", SNIPPETS, ids=lambda s: s.id)
def test_snippet(pytester: pytest.Pytester, snippet: Snippet) -> None:
    pytester.makepyfile(test_snippet=snippet.code)
    # pytest-asyncio (a dev dependency) warns about its loop scope in a project without
    # an ini, and warnings are errors here: the snippets are not about it.
    result = pytester.runpytest(
        "-p", "no:randomly", "-p", "no:cacheprovider", "-p", "no:asyncio", "-W", "error",
        *snippet.args,
    )  # fmt: skip
    printed = result.stdout.str()
    outcomes = result.parseoutcomes()
    if snippet.fails:
        assert result.ret != pytest.ExitCode.OK, f"{snippet.id} should fail:\n{printed}"
    else:
        assert result.ret == pytest.ExitCode.OK, f"{snippet.id} failed:\n{printed}"
        assert outcomes.get("passed", 0) >= 1, f"{snippet.id} ran no test:\n{printed}"
    _check_output(snippet, printed)


def test_readme_quick_start_passes_in_a_new_project(pytester: pytest.Pytester) -> None:
    """The README's first tested block, alone in a fresh directory and a fresh process."""
    [quick_start, *_] = read_snippets(ROOT / "README.md")
    pytester.makepyfile(test_quick_start=quick_start.code)
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-p", "no:asyncio", "-W", "error"
    )  # fmt: skip
    result.assert_outcomes(passed=50)  # as the README says: 2 tests, and 48 from the catalog


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_python_block_is_tested_or_a_fragment(path: Path) -> None:
    page = path.relative_to(ROOT).as_posix()
    if page in UNMARKED_ALLOWED:
        pytest.skip(UNMARKED_ALLOWED[page])
    lines = path.read_text(encoding="utf-8").splitlines()
    unmarked = []
    for number, line in enumerate(lines):
        if line.strip() != "```python":
            continue
        if number + 1 < len(lines) and lines[number + 1].startswith("--8<--"):
            continue  # a file of the example app, run by its own suite
        before = [text for text in lines[max(0, number - 3) : number] if text.strip()]
        if not before or not (_MARK.match(before[-1]) or _FRAGMENT.match(before[-1])):
            unmarked.append(f"{page}:{number + 1}")
    assert not unmarked, (
        "python blocks neither tested (<!-- test -->) nor marked <!-- fragment -->:\n"
        + "\n".join(unmarked)
    )


@pytest.mark.parametrize("page", TESTED_PAGES)
def test_page_has_tested_code(page: str) -> None:
    assert read_snippets(ROOT / page), f"{page} has no <!-- test --> block"


def test_catalog_sizes_quoted_in_the_docs() -> None:
    """README.md and docs/index.md say 48 API and 9 Connect errors: keep them true."""
    from pytest_smartcar import catalog

    assert (len(catalog.API_ERRORS), len(catalog.CONNECT_ERRORS)) == (48, 9)
    for page in ("README.md", "docs/index.md", "docs/examples/index.md"):
        text = (ROOT / page).read_text(encoding="utf-8")
        assert "48" in text and "9 Connect" in text, page


README_COMMAND = re.compile(r"^    (python3 -m venv \.venv .*)$", re.MULTILINE)


def test_readme_commands_are_where_ci_reads_them() -> None:
    """CI runs the first indented ``python3 -m venv .venv`` line, then the second."""
    commands = README_COMMAND.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    assert commands == [
        'python3 -m venv .venv && .venv/bin/pip install -q -e ".[dev]" && '
        ".venv/bin/pytest docs/examples --smartcar-report",
        'python3 -m venv .venv && .venv/bin/pip install -q -e ".[dev]" && .venv/bin/pytest -n 2',
    ]


def test_reference_messages_are_the_codes_messages() -> None:
    """Each wrong-argument message in docs/reference.md is what the code says today."""
    from pytest_smartcar import catalog, markers, stub_smartcar
    from pytest_smartcar.errors import SmartcarUsageError

    def serve(*args: object, **kwargs: object) -> None:
        stub_smartcar().serve(*args, **kwargs)

    def mark(*args: object, **kwargs: object) -> None:
        markers.plan([pytest.mark.smartcar_error(*args, **kwargs).mark])

    def connect(*args: object, **kwargs: object) -> None:
        markers.connect_plan([pytest.mark.smartcar_connect_error(*args, **kwargs).mark])

    cases = [
        (serve, ("VEHICLE_STATE:ASLEPE",), {}),
        (serve, (42,), {}),
        *(
            (serve, ("VEHICLE_STATE:ASLEEP",), kwargs)
            for kwargs in (
                {"times": 0},
                {"then": "success"},
                {"times": 1, "then": []},
                {"endpoint": "odometr"},
                {"endpoint": 42},
                {"endpoint": []},
                {"method": "FETCH"},
                {"vehicle_id": 42},
                {"optional": "yes"},
                {"status": 99},
                {"body": []},
                {"retry_after": 1.5},
                {"resolution_style": "obj"},
                {"doc_url_style": "v3"},
                {"endpoint": "odometer", "method": "POST"},
                {"endpoint": "odometer", "batch_paths": "/fuel"},
                {"endpoint": "batch", "batch_paths": "/fuel", "batch_whole": True},
                {"endpont": "lock"},
                {"times": 1, "then": "sucess"},
                {"body": {"x": {1, 2}}},
                {"headers": {"X-A": 1}},
                {"headers": {"X-A": "1\r\nX: y"}},
                {"vehicle_id": "a/b"},
                {"vehicle_id": "abc", "endpoint": "token"},
                {"retry_after": True},
            )
        ),
        (serve, ("VEHICLE_STATE",), {}),
        (lambda: stub_smartcar()(42), (), {}),
        (stub_smartcar, (), {"blok_unmatched": True}),
        (mark, ("VEHICLE_STATE:ASLEPE",), {}),
        (mark, (), {"resolution": "RETRY"}),
        (mark, (), {"status": "409"}),
        (mark, (), {"type": "VEHICLE_STATE", "status": 429}),
        (mark, ("VEHICLE_STATE:ASLEEP",), {"endpont": "lock"}),
        (mark, (42,), {}),
        (mark, ("VEHICLE_STATE",), {}),
        (mark, ("VEHICLE:*",), {}),
        (mark, ("VEHICLE_STATE:[",), {}),
        (mark, (), {"status": []}),
        (mark, ("timeout",), {"type": "SERVER"}),
        (mark, ("VEHICLE_STATE:ASLEEP",), {"times": 0}),
        (connect, ("acess_denied",), {}),
        (connect, (), {"state": 1}),
        (connect, (), {"stat": "x"}),
        (stub_smartcar, ("VEHICLE_STATE:ASLEEP",), {}),
    ]
    # The marker checks serve()'s keywords with serve() itself: same words, a prefix.
    for kwargs in ({"then": "success"}, {"endpoint": "odometr"}, {"optional": "yes"}):
        with pytest.raises(SmartcarUsageError) as served:
            serve("VEHICLE_STATE:ASLEEP", **kwargs)
        with pytest.raises(SmartcarUsageError) as marked:
            mark("VEHICLE_STATE:ASLEEP", **kwargs)
        assert str(marked.value) == f"@pytest.mark.smartcar_error: {served.value}"
    reference = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    lookups = [
        (catalog.get, "VEHICLE_STATE:ASLEPE"),
        (catalog.get, "zzzz"),
        (catalog.get, 42),
        (catalog.get_connect, 42),
        (catalog.select, 42),
        (lambda value: catalog.select(type=value), "VEHICLE"),
        (lambda value: catalog.select(status=value), "409"),
        (lambda value: catalog.select(exclude=value), 5),
    ]
    missing = []
    for function, args, kwargs in cases:
        with pytest.raises(SmartcarUsageError) as info:
            function(*args, **kwargs)
        if f"`{info.value}`" not in reference:
            missing.append(str(info.value))
    for lookup, value in lookups:
        with pytest.raises((KeyError, TypeError, ValueError)) as failed:
            lookup(value)
        if f"`{failed.value}`" not in reference:
            missing.append(str(failed.value))
    assert not missing, "docs/reference.md lacks these messages:\n" + "\n".join(missing)


def test_docs_build_strict(tmp_path: Path) -> None:
    """``mkdocs build --strict``, as CI runs it (skipped where mkdocs is not installed)."""
    pytest.importorskip("mkdocs")
    # Not -q: mkdocs counts warnings only at the log levels it prints, so -q hides them.
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "catalog" / "index.html").exists()
