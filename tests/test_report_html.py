"""The HTML report (`coverage html`, `Coverage.html_report`) against coverage.py 7.17.3.

The pages are our own design, so they are not compared byte for byte;
what is compared with the oracle is behaviour: the total returned, which
source files get a page (skip_covered / skip_empty, stale pages removed),
the "Wrote HTML report" message, `-q` and the exit codes. Then ours alone:
incremental rewriting (unchanged pages keep their inode and mtime, a changed
file's page is rewritten, the index always is), the line classes against
the oracle's JSON report, partial-branch explanations, and escaping of a
hostile file name and of a `<script>` line.

Each test has the project measured by the oracle; both tools report the
same data file.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import lxml.html
import pytest

from test_cli_support import clean_env, write_files
from test_report_xml_differential import coverage_cmd

SCRIPT_LINE = 'banner = "<script>alert(1)</script>"'
HOSTILE = "we<i>rd&'q.py"

PROJECT = {
    "app/__init__.py": "",
    "app/full.py": """\
        def one():
            return 1
        """,
    "app/part.py": """\
        def pick(n):
            if n > 0:
                return "pos"
            return "neg"


        def loop(items):
            for item in items:
                if item:
                    continue
            return len(items)


        def never():  # pragma: no cover
            return 0
        """,
    "lib/part.py": """\
        def same_base_name(x):
            if x:
                return 1
            return 2
        """,
    "lib/__init__.py": "# only a comment\n",
    HOSTILE: """\
        value = 1
        if value == 2:
            value = 3
        """,
    "main.py": f"""\
        import importlib.util
        import app.full
        import app.part
        import lib.part

        {SCRIPT_LINE}
        app.full.one()
        app.part.pick(1)
        app.part.loop([1, 0])
        lib.part.same_base_name(1)
        spec = importlib.util.spec_from_file_location("hostile", {HOSTILE!r})
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        """,
}

# The oracle measures; both report. Ours then runs in a copy of the result.
REPORT_SCRIPT = """\
import json, sys
import coverage
cov = coverage.Coverage()
cov.load()
total = cov.html_report(directory=sys.argv[1], **json.loads(sys.argv[2]))
print(repr(total))
"""


@pytest.fixture
def project(tmp_path: Path, oracle_bin: Path) -> Path:
    """The project, run by the oracle under branch coverage (each test its
    own: the data names the sources by absolute path, and some tests edit
    them), with the oracle's JSON report of it."""
    root = tmp_path / "proj"
    write_files(root, PROJECT)
    proc = coverage_cmd(oracle_bin, root, "run", "--branch", "--source=.", "main.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = coverage_cmd(oracle_bin, root, "json", "-o", "oracle.json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return root


def api_report(bin_dir: Path, root: Path, directory: str, **kwargs: object) -> float:
    """`Coverage.html_report(directory=..., **kwargs)` in `root`; its return value."""
    proc = subprocess.run(
        [str(bin_dir / "python"), "-c", REPORT_SCRIPT, directory, json.dumps(kwargs)],
        cwd=root,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return float(proc.stdout.strip().splitlines()[-1])


def oracle_pages(directory: Path) -> set[str]:
    """Source files with a page in the oracle's report, from its status file."""
    status = json.loads((directory / "status.json").read_text())
    files = status["files"].values()
    return {f["index"]["file"] for f in files if (directory / f["index"]["url"]).exists()}


def our_rows(directory: Path) -> dict[str, str]:
    """Our index's rows: source file -> page file."""
    tree = lxml.html.parse(str(directory / "index.html"))
    cells = tree.xpath("//tr[contains(@class, 'file-row')]/td[@data-col='file']")
    return {cell.get("data-sort"): cell.xpath("a/@href")[0] for cell in cells}


def our_pages(directory: Path) -> set[str]:
    """Source files with a page in our report: listed and present on disk."""
    rows = our_rows(directory)
    pages = {p.name for p in directory.glob("*.html")} - {"index.html", "function_index.html", "class_index.html"}
    assert set(rows.values()) == pages, "every page is in the index, every row has its page"
    return set(rows)


OPTIONS = {
    "default": ("", {}),
    "skip-covered": ("", {"skip_covered": True}),
    "skip-empty": ("", {"skip_empty": True}),
    "both": ("", {"skip_covered": True, "skip_empty": True}),
    "report-section": ("[report]\nskip_covered = True\nskip_empty = True\n", {}),
    "html-section-wins": ("[report]\nskip_covered = True\n[html]\nskip_covered = False\nskip_empty = True\n", {}),
    "precision": ("[report]\nprecision = 2\n", {}),
    "include": ("", {"include": ["app/*"]}),
}


@pytest.mark.parametrize("name", OPTIONS)
def test_total_and_pages_match_the_oracle(project: Path, oracle_bin: Path, ferrocov_bin: Path, name: str) -> None:
    rc, kwargs = OPTIONS[name]
    (project / ".coveragerc").write_text(rc, encoding="utf-8")
    theirs = api_report(oracle_bin, project, "oracle_html", **kwargs)
    ours = api_report(ferrocov_bin, project, "our_html", **kwargs)
    assert ours == theirs
    assert our_pages(project / "our_html") == oracle_pages(project / "oracle_html")


def test_skipped_files_lose_their_stale_pages(project: Path, oracle_bin: Path, ferrocov_bin: Path) -> None:
    for bin_dir, out in ((oracle_bin, "oracle_html"), (ferrocov_bin, "our_html")):
        api_report(bin_dir, project, out)
        api_report(bin_dir, project, out, skip_covered=True, skip_empty=True)
    ours = our_pages(project / "our_html")
    assert ours == oracle_pages(project / "oracle_html")
    assert "app/full.py" not in ours and "app/part.py" in ours


def test_same_base_name_gets_distinct_pages(project: Path, ferrocov_bin: Path) -> None:
    api_report(ferrocov_bin, project, "h")
    rows = our_rows(project / "h")
    assert rows["app/part.py"] != rows["lib/part.py"]
    assert all(page.endswith(".html") and "/" not in page for page in rows.values())


@pytest.mark.parametrize(
    "args",
    [[], ["-q"], ["-d", "out dir"], ["--skip-covered", "--title=T"], ["--fail-under=100"], ["--fail-under=10"]],
    ids=["default", "quiet", "directory", "skip-title", "fail-under-fails", "fail-under-passes"],
)
def test_cli_message_and_exit_code_match(project: Path, oracle_bin: Path, ferrocov_bin: Path, args: list[str]) -> None:
    results = []
    for bin_dir in (oracle_bin, ferrocov_bin):
        proc = coverage_cmd(bin_dir, project, "html", "--data-file=.coverage", *args)
        results.append((proc.returncode, proc.stdout, proc.stderr))
    assert results[1] == results[0]
    if "-q" not in args:
        directory = args[args.index("-d") + 1] if "-d" in args else "htmlcov"
        assert f"Wrote HTML report to {directory}/index.html\n" in results[1][2]


def test_cli_no_data_matches(tmp_path: Path, oracle_bin: Path, ferrocov_bin: Path) -> None:
    results = []
    for bin_dir in (oracle_bin, ferrocov_bin):
        proc = coverage_cmd(bin_dir, tmp_path, "html")
        results.append((proc.returncode, proc.stdout, proc.stderr))
    assert results[1] == results[0]
    assert results[0][0] == 1
    assert not (tmp_path / "htmlcov" / "index.html").exists()


def stamps(directory: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in directory.iterdir()}


def test_incremental_rewrites_only_what_changed(project: Path, ferrocov_bin: Path) -> None:
    out = project / "h"
    api_report(ferrocov_bin, project, "h")
    rows = our_rows(out)
    first = stamps(out)
    time.sleep(0.05)
    api_report(ferrocov_bin, project, "h")
    second = stamps(out)
    for page in rows.values():
        assert second[page] == first[page], f"{page} was rewritten though nothing changed"
    assert second["index.html"][1] > first["index.html"][1], "the index is always rewritten"

    # A trailing comment changes the source, not the measured lines.
    with (project / "app" / "part.py").open("a", encoding="utf-8") as f:
        f.write("# edited\n")
    time.sleep(0.05)
    api_report(ferrocov_bin, project, "h")
    third = stamps(out)
    changed = rows["app/part.py"]
    assert third[changed][1] > second[changed][1]
    assert "# edited" in (out / changed).read_text(encoding="utf-8")
    for source, page in rows.items():
        if source != "app/part.py":
            assert third[page] == second[page], f"{page} was rewritten"

    # Other options (a new title) rewrite every page.
    time.sleep(0.05)
    api_report(ferrocov_bin, project, "h", title="New title")
    fourth = stamps(out)
    assert all(fourth[page][1] > third[page][1] for page in rows.values())


def test_gitignore_only_in_a_new_directory(project: Path, ferrocov_bin: Path) -> None:
    api_report(ferrocov_bin, project, "fresh")
    assert (project / "fresh" / ".gitignore").read_text().splitlines()[-1] == "*"
    (project / "kept").mkdir()
    (project / "kept" / "README").write_text("mine")
    api_report(ferrocov_bin, project, "kept")
    assert not (project / "kept" / ".gitignore").exists()


def page_tree(directory: Path, source: str):
    return lxml.html.parse(str(directory / our_rows(directory)[source]))


def line_classes(tree) -> dict[int, str]:
    classes = {}
    for line in tree.xpath("//div[@id='source']/div[contains(@class, 'line')]"):
        [cls] = [c for c in line.get("class").split() if c.startswith("cov-")]
        classes[int(line.get("id")[1:])] = cls
    return classes


def expected_classes(project: Path, source: str) -> dict[int, str]:
    """Lines' classes as the oracle's JSON report implies them."""
    data = json.loads((project / "oracle.json").read_text())["files"][source]
    expected = {}
    for line in data["executed_lines"]:
        expected[line] = "cov-run"
    for line in data["missing_branches"]:
        expected[line[0]] = "cov-par"
    for line in data["missing_lines"]:
        expected[line] = "cov-mis"
    for line in data["excluded_lines"]:
        expected[line] = "cov-exc"
    return expected


@pytest.mark.parametrize("source", ["app/part.py", "lib/part.py", "main.py", HOSTILE])
def test_line_classes_follow_the_analysis(project: Path, ferrocov_bin: Path, source: str) -> None:
    api_report(ferrocov_bin, project, "h")
    classes = line_classes(page_tree(project / "h", source))
    expected = expected_classes(project, source)
    n_lines = len((project / source).read_text(encoding="utf-8").splitlines())
    assert sorted(classes) == list(range(1, n_lines + 1))
    assert {n: c for n, c in classes.items() if c != "cov-none"} == expected


def test_partial_lines_explain_their_missed_branches(project: Path, ferrocov_bin: Path) -> None:
    api_report(ferrocov_bin, project, "h")
    tree = page_tree(project / "h", "app/part.py")
    why = [li.text_content() for li in tree.xpath("//div[@id='L2']//ul[@class='why']/li")]
    assert why == ["line 2 didn't jump to line 4 because the condition on line 2 was always true"]
    assert tree.xpath("string(//div[@id='L2']/span[@class='annot'])") == "2 \u219b 4"


def test_source_text_is_kept_and_highlighted(project: Path, ferrocov_bin: Path) -> None:
    api_report(ferrocov_bin, project, "h")
    tree = page_tree(project / "h", "app/part.py")
    lines = (project / "app" / "part.py").read_text(encoding="utf-8").splitlines()
    shown = [code.text_content() for code in tree.xpath("//div[@id='source']/div/code")]
    assert shown == lines
    assert tree.xpath("//div[@id='L1']/code/span[@class='key']/text()") == ["def"]
    assert "pick" in tree.xpath("//div[@id='L1']/code/span[@class='nam']/text()")
    assert tree.xpath("//div[@id='L3']/code/span[@class='str']/text()") == ['"pos"']
    assert tree.xpath("//div[@id='L14']/code/span[@class='com']/text()") == ["# pragma: no cover"]


def test_hostile_name_and_script_line_are_escaped(project: Path, ferrocov_bin: Path) -> None:
    api_report(ferrocov_bin, project, "h", title="<b>T</b>")
    out = project / "h"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "we<i>rd" not in index and "<b>T</b>" not in index
    assert "we&lt;i&gt;rd&amp;" in index
    rows = our_rows(out)
    assert HOSTILE in rows  # the name reads back exactly through the escaping
    hostile_page = rows[HOSTILE]
    assert all(c.isalnum() or c in "-_." for c in hostile_page)
    main = (out / rows["main.py"]).read_text(encoding="utf-8")
    assert "<script>alert" not in main
    tree = lxml.html.parse(str(out / rows["main.py"]))
    assert SCRIPT_LINE in [code.text_content() for code in tree.xpath("//div[@id='source']/div/code")]
    assert tree.xpath("//script[not(@src)]") == []
    for page in (*rows.values(), "index.html", "function_index.html", "class_index.html"):
        text = (out / page).read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text, f"{page} refers to the network"


def test_function_and_class_indexes_link_into_pages(project: Path, ferrocov_bin: Path) -> None:
    api_report(ferrocov_bin, project, "h")
    out = project / "h"
    rows = our_rows(out)
    tree = lxml.html.parse(str(out / "function_index.html"))
    names = {a.text_content(): a.get("href") for a in tree.xpath("//td[@data-col='name']/a")}
    assert names["pick"] == f"{rows['app/part.py']}#L1"
    assert names["never"] == f"{rows['app/part.py']}#L14"
    classes = lxml.html.parse(str(out / "class_index.html"))
    assert "(no class)" in [a.text_content() for a in classes.xpath("//td[@data-col='name']/a")]


def test_extra_css_is_copied_and_linked(project: Path, ferrocov_bin: Path) -> None:
    (project / "mine.css").write_text("body { outline: 1px solid red; }\n")
    api_report(ferrocov_bin, project, "h", extra_css="mine.css")
    out = project / "h"
    assert (out / "mine.css").read_text() == "body { outline: 1px solid red; }\n"
    for page in ("index.html", our_rows(out)["main.py"]):
        hrefs = lxml.html.parse(str(out / page)).xpath("//link[@rel='stylesheet']/@href")
        assert hrefs == ["ferrocov.css", "mine.css"]


def test_contexts_are_shown_when_asked(project: Path, ferrocov_bin: Path, oracle_bin: Path) -> None:
    proc = coverage_cmd(oracle_bin, project, "run", "--branch", "--source=.", "--context=ctx-one", "main.py")
    assert proc.returncode == 0, proc.stderr
    api_report(ferrocov_bin, project, "h", show_contexts=True)
    tree = page_tree(project / "h", "app/full.py")
    assert tree.xpath("//div[@id='L2']//details[@class='contexts']//li/text()") == ["ctx-one"]
    api_report(ferrocov_bin, project, "plain")
    assert page_tree(project / "plain", "app/full.py").xpath("//details") == []


def test_no_data_to_report_raises(tmp_path: Path, ferrocov_bin: Path) -> None:
    script = "import coverage\ntry:\n    coverage.Coverage().html_report()\nexcept coverage.exceptions.NoDataError as e:\n    print('NoData', e)\n"
    proc = subprocess.run(
        [str(ferrocov_bin / "python"), "-c", script], cwd=tmp_path, env=clean_env(), capture_output=True, text=True
    )
    assert proc.stdout == "NoData No data to report.\n", proc.stdout + proc.stderr
    assert not os.path.exists(tmp_path / "htmlcov")
