"""The HTML report in a real browser: headless Chromium through Playwright.

The report is opened from `file://`, as users open it: the index sorts and
filters, a file page marks its lines as the oracle's analysis says, the
next-chunk key moves to the next uncovered chunk, and a `<script>` line in
the source stays text (no dialog opens). Screenshots of the index and of a
file page go to the test's tmp directory; with FERROCOV_UPDATE_SCREENSHOTS=1
they also replace docs/images/ (the ones docs/reports.md shows).

Skipped only when /usr/bin/chromium is missing outside CI; under CI it must
be there.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from test_report_html import PROJECT, SCRIPT_LINE, api_report, expected_classes, our_rows
from test_report_xml_differential import coverage_cmd

CHROMIUM = Path("/usr/bin/chromium")
DOCS_IMAGES = Path(__file__).resolve().parent.parent / "docs" / "images"

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing under CI", pytrace=False)
    pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)

import playwright.sync_api as playwright_api  # noqa: E402 - after the chromium check

# A file with several uncovered chunks, for the keyboard test.
CHUNKY = {
    "app/chunky.py": """\
        def first(x):
            if x:
                return "a"
            a = 1
            b = 2
            return a + b


        def second(y):
            return y


        def third():
            c = 3
            return c


        def fourth(z):
            for i in range(z):
                if i > 100:
                    break
            return z
        """,
}
CHUNKY_MAIN = "import app.chunky\napp.chunky.first(1)\napp.chunky.second(2)\napp.chunky.fourth(3)\n"


@pytest.fixture(scope="module")
def report(tmp_path_factory, oracle_bin: Path, ferrocov_bin: Path) -> Path:
    """Our report of the project, measured by the oracle under branch coverage."""
    from test_cli_support import write_files

    root = tmp_path_factory.mktemp("browser") / "proj"
    write_files(root, {**PROJECT, **CHUNKY})
    main = root / "main.py"
    main.write_text(main.read_text(encoding="utf-8") + CHUNKY_MAIN, encoding="utf-8")
    for args in (["run", "--branch", "--source=.", "main.py"], ["json", "-o", "oracle.json"]):
        proc = coverage_cmd(oracle_bin, root, *args)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    api_report(ferrocov_bin, root, "htmlcov", title="ferrocov sample")
    return root


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 760})
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.errors = []
    page.on("pageerror", lambda err: page.errors.append(str(err)))
    # No request may leave file://.
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    assert page.errors == [], page.errors
    assert all(url.startswith("file://") for url in page.requests), page.requests
    context.close()


def rows_in_order(page) -> list[str]:
    return page.eval_on_selector_all("#index tbody tr", "rows => rows.map(r => r.querySelector('td').dataset.sort)")


def visible_rows(page) -> list[str]:
    return page.eval_on_selector_all(
        "#index tbody tr", "rows => rows.filter(r => !r.hidden).map(r => r.querySelector('td').dataset.sort)"
    )


def test_index_sorts_and_filters(report: Path, page) -> None:
    page.goto((report / "htmlcov" / "index.html").as_uri())
    initial = rows_in_order(page)
    assert initial == sorted(initial, key=lambda name: name)
    assert len(initial) == len(our_rows(report / "htmlcov"))

    missing = page.locator("th[data-col=missing] button")
    missing.click()
    counts = page.eval_on_selector_all("#index tbody td[data-col=missing]", "cells => cells.map(c => +c.dataset.sort)")
    assert counts == sorted(counts)
    missing.click()
    counts_desc = page.eval_on_selector_all(
        "#index tbody td[data-col=missing]", "cells => cells.map(c => +c.dataset.sort)"
    )
    assert counts_desc == sorted(counts, reverse=True)
    assert rows_in_order(page) != initial
    assert page.get_attribute("th[data-col=missing]", "aria-sort") == "descending"

    page.fill("#filter", "part")
    assert sorted(visible_rows(page)) == ["app/part.py", "lib/part.py"]
    page.fill("#filter", "")
    assert len(visible_rows(page)) == len(initial)

    data = json.loads((report / "oracle.json").read_text())["files"]
    covered = {
        name
        for name, f in data.items()
        if f["summary"]["missing_lines"] == 0 and f["summary"].get("num_partial_branches", 0) == 0
    }
    page.check("#hide-covered")
    shown = set(visible_rows(page))
    assert shown == set(initial) - covered
    assert "app/full.py" not in shown and "app/part.py" in shown
    page.check("#hide-empty")
    assert "app/__init__.py" not in set(visible_rows(page))
    page.uncheck("#hide-covered")
    page.uncheck("#hide-empty")
    assert len(visible_rows(page)) == len(initial)

    page.locator("th[data-col=file] button").click()
    shot = report / "html-index.png"
    page.screenshot(path=str(shot), full_page=True)
    publish_screenshot(shot)


def publish_screenshot(shot: Path) -> None:
    """Copy a screenshot over the docs' copy when asked to: every run would
    otherwise change the committed images (the footer has a timestamp)."""
    if os.environ.get("FERROCOV_UPDATE_SCREENSHOTS") == "1":
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, DOCS_IMAGES / shot.name)


def line_classes(page) -> dict[int, str]:
    pairs = page.eval_on_selector_all(
        "#source .line",
        "lines => lines.map(l => [l.id.slice(1), [...l.classList].find(c => c.startsWith('cov-'))])",
    )
    return {int(n): cls for n, cls in pairs}


@pytest.mark.parametrize("source", ["app/part.py", "app/chunky.py", "main.py"])
def test_file_page_marks_lines_as_the_analysis(report: Path, page, source: str) -> None:
    page.goto((report / "htmlcov" / our_rows(report / "htmlcov")[source]).as_uri())
    classes = {n: c for n, c in line_classes(page).items() if c != "cov-none"}
    assert classes == expected_classes(report, source)
    assert classes, "the page has marked lines"
    assert set(classes.values()) >= {"cov-run"}


def test_next_chunk_key_moves_through_uncovered_chunks(report: Path, page) -> None:
    page.goto((report / "htmlcov" / our_rows(report / "htmlcov")["app/chunky.py"]).as_uri())
    expected = expected_classes(report, "app/chunky.py")
    uncovered = sorted(n for n, c in expected.items() if c in ("cov-mis", "cov-par"))
    # Chunk starts: uncovered lines whose previous marked line is covered.
    marked = sorted(expected)
    starts = [n for n in uncovered if marked.index(n) == 0 or marked[marked.index(n) - 1] not in uncovered]
    assert len(starts) >= 3, starts
    focused = "() => [...document.querySelectorAll('.chunk-focus')].map(l => +l.id.slice(1))"
    seen = []
    for _ in starts:
        page.keyboard.press("j")
        seen.append(page.evaluate(focused)[0])
    assert seen == starts
    assert page.evaluate("() => location.hash") == f"#L{starts[-1]}"
    page.keyboard.press("k")
    assert page.evaluate(focused)[0] == starts[-2]
    # The focused chunk is on screen.
    box = page.locator(f"#L{starts[-2]}").bounding_box()
    assert box is not None and 0 <= box["y"] <= 760
    page.keyboard.press("j")
    page.keyboard.press("j")  # wraps to the first chunk
    assert page.evaluate(focused)[0] == starts[0]
    shot = report / "html-file.png"
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(shot))
    publish_screenshot(shot)


def test_script_line_is_text_and_no_dialog_fires(report: Path, page) -> None:
    page.goto((report / "htmlcov" / our_rows(report / "htmlcov")["main.py"]).as_uri())
    page.wait_for_load_state("load")
    texts = page.eval_on_selector_all("#source .line code", "codes => codes.map(c => c.textContent)")
    assert SCRIPT_LINE in texts
    assert page.dialogs == []
    # Only our own script element exists on the page.
    assert page.eval_on_selector_all("script", "s => s.map(e => e.getAttribute('src'))") == ["ferrocov.js"]
    page.goto((report / "htmlcov" / "index.html").as_uri())
    assert page.dialogs == []


def test_help_and_file_navigation_keys(report: Path, page) -> None:
    rows = our_rows(report / "htmlcov")
    page.goto((report / "htmlcov" / rows["app/part.py"]).as_uri())
    assert page.is_hidden("#help")
    page.keyboard.press("?")
    assert page.is_visible("#help")
    page.keyboard.press("?")
    page.keyboard.press("u")
    page.wait_for_url("**/index.html")
    page.keyboard.press("n")
    first_page = sorted(rows.items())[0][1]
    page.wait_for_url(f"**/{first_page}")
    assert page.url.endswith(first_page)


def test_dark_and_light_follow_the_system(report: Path, browser) -> None:
    backgrounds = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto((report / "htmlcov" / our_rows(report / "htmlcov")["app/part.py"]).as_uri())
        backgrounds[scheme] = page.evaluate(
            "() => [getComputedStyle(document.body).backgroundColor,"
            " getComputedStyle(document.querySelector('.cov-mis')).backgroundColor]"
        )
        context.close()
    assert backgrounds["light"][0] != backgrounds["dark"][0]
    assert backgrounds["light"][1] != backgrounds["dark"][1]
