"""The `.coverage` file is an interface: coverage.py 7.17.3 reads ours, we read its.

Each test writes a data file with one tool and reads it with the other (the
oracle runs in its own interpreter), comparing everything the API exposes.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from coverage.data import CoverageData, combine_parallel_data, line_counts
from coverage.exceptions import DataError

# A script for the oracle: dump everything a data file holds, as JSON.
ORACLE_DUMP = textwrap.dedent("""
    import json, sys
    from coverage.data import CoverageData
    data = CoverageData(sys.argv[1])
    data.read()
    out = {"has_arcs": data.has_arcs(), "files": {}, "contexts": sorted(data.measured_contexts())}
    for f in sorted(data.measured_files()):
        arcs = data.arcs(f)
        out["files"][f] = {
            "lines": sorted(data.lines(f) or []),
            "arcs": sorted(arcs) if arcs is not None else None,
            "tracer": data.file_tracer(f),
            "by_line": {str(k): sorted(v) for k, v in data.contexts_by_lineno(f).items()},
        }
    for ctx in out["contexts"]:
        data.set_query_contexts([ "^" + ctx + "$" ])
        out.setdefault("per_context", {})[ctx] = {
            f: sorted(data.lines(f) or []) for f in sorted(data.measured_files())
        }
    print(json.dumps(out, sort_keys=True))
""")

# A script for the oracle: write a data file from a JSON description.
ORACLE_WRITE = textwrap.dedent("""
    import json, sys
    from coverage.data import CoverageData
    spec = json.loads(sys.argv[2])
    data = CoverageData(sys.argv[1])
    for ctx, files in spec["by_context"].items():
        data.set_context(ctx or None)
        if spec["arcs"]:
            data.add_arcs({f: {tuple(a) for a in arcs} for f, arcs in files.items()})
        else:
            data.add_lines({f: set(lines) for f, lines in files.items()})
    if spec.get("tracers"):
        data.add_file_tracers(spec["tracers"])
    data.write()
""")


def dump_ours(path: Path) -> dict:
    """The same dump as ORACLE_DUMP, made with ferrocov."""
    data = CoverageData(str(path))
    data.read()
    out: dict = {"has_arcs": data.has_arcs(), "files": {}, "contexts": sorted(data.measured_contexts())}
    for f in sorted(data.measured_files()):
        arcs = data.arcs(f)
        out["files"][f] = {
            "lines": sorted(data.lines(f) or []),
            "arcs": [list(a) for a in sorted(arcs)] if arcs is not None else None,
            "tracer": data.file_tracer(f),
            "by_line": {str(k): sorted(v) for k, v in data.contexts_by_lineno(f).items()},
        }
    for ctx in out["contexts"]:
        data.set_query_contexts(["^" + ctx + "$"])
        out.setdefault("per_context", {})[ctx] = {f: sorted(data.lines(f) or []) for f in sorted(data.measured_files())}
    return out


def dump_oracle(oracle_python: Path, path: Path) -> dict:
    result = subprocess.run(
        [str(oracle_python), "-c", ORACLE_DUMP, str(path)], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


LINE_SPEC = {
    "arcs": False,
    "by_context": {
        "": {"/src/a.py": [1, 2, 3, 1000], "/src/b.py": [7]},
        "test_one": {"/src/a.py": [2, 5], "/src/c.py": [0, 8, 9]},
        "test_two|x": {"/src/b.py": [7, 70]},
    },
    "tracers": {"/src/c.py": "plugin.tracer"},
}

ARC_SPEC = {
    "arcs": True,
    "by_context": {
        "": {"/src/x.py": [[-1, 1], [1, 2], [2, 3], [3, -1]]},
        "test_b": {"/src/x.py": [[-1, 1], [1, 5], [5, -1]], "/src/y.py": [[-17, 17], [17, -17]]},
    },
}


def write_ours(path: Path, spec: dict) -> None:
    data = CoverageData(str(path))
    for ctx, files in spec["by_context"].items():
        data.set_context(ctx or None)
        if spec["arcs"]:
            data.add_arcs({f: {tuple(a) for a in arcs} for f, arcs in files.items()})
        else:
            data.add_lines({f: set(lines) for f, lines in files.items()})
    if spec.get("tracers"):
        data.add_file_tracers(spec["tracers"])
    data.write()


@pytest.mark.parametrize("spec", [LINE_SPEC, ARC_SPEC], ids=["lines", "arcs"])
def test_ours_read_by_coverage_py(tmp_path: Path, oracle_python: Path, spec: dict) -> None:
    path = tmp_path / "ours.coverage"
    write_ours(path, spec)
    theirs = dump_oracle(oracle_python, path)
    assert theirs == dump_ours(path)
    assert theirs["has_arcs"] is spec["arcs"]
    assert set(theirs["files"]) == {f for files in spec["by_context"].values() for f in files}


@pytest.mark.parametrize("spec", [LINE_SPEC, ARC_SPEC], ids=["lines", "arcs"])
def test_coverage_py_read_by_ours(tmp_path: Path, oracle_python: Path, spec: dict) -> None:
    path = tmp_path / "theirs.coverage"
    subprocess.run([str(oracle_python), "-c", ORACLE_WRITE, str(path), json.dumps(spec)], check=True)
    assert dump_ours(path) == dump_oracle(oracle_python, path)


def test_schema_is_coverage_py_schema(tmp_path: Path, oracle_python: Path) -> None:
    """Same tables, same columns and constraints, same meta keys."""
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    write_ours(ours, LINE_SPEC)
    subprocess.run([str(oracle_python), "-c", ORACLE_WRITE, str(theirs), json.dumps(LINE_SPEC)], check=True)

    def shape(path: Path) -> dict:
        with sqlite3.connect(path) as con:
            tables = [r[0] for r in con.execute("select name from sqlite_master where type='table' order by name")]
            out = {}
            for table in tables:
                cols = [(r[1], r[2], r[5]) for r in con.execute(f"pragma table_info({table})")]
                indexes = sorted(
                    tuple(c[2] for c in con.execute(f"pragma index_info({r[1]})"))
                    for r in con.execute(f"pragma index_list({table})")
                )
                fks = sorted((r[2], r[3], r[4]) for r in con.execute(f"pragma foreign_key_list({table})"))
                out[table] = (cols, indexes, fks)
            # python_version is ferrocov's own addition (coverage.py ignores it).
            keys = con.execute("select key from meta where key != 'python_version'")
            out["meta_keys"] = sorted(r[0] for r in keys)
            out["version"] = con.execute("select version from coverage_schema").fetchall()
            return out

    assert shape(ours) == shape(theirs)


def test_numbits_blobs_identical(tmp_path: Path, oracle_python: Path) -> None:
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    write_ours(ours, LINE_SPEC)
    subprocess.run([str(oracle_python), "-c", ORACLE_WRITE, str(theirs), json.dumps(LINE_SPEC)], check=True)
    query = (
        "select file.path, context.context, numbits from line_bits "
        "join file on file.id = file_id join context on context.id = context_id order by 1, 2"
    )
    with sqlite3.connect(ours) as a, sqlite3.connect(theirs) as b:
        assert a.execute(query).fetchall() == b.execute(query).fetchall()


def test_combine_mixes_both_tools_files(tmp_path: Path, oracle_python: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_ours(tmp_path / ".coverage.ours", LINE_SPEC)
    other = {"arcs": False, "by_context": {"": {"/src/a.py": [4], "/src/d.py": [1]}}}
    subprocess.run(
        [str(oracle_python), "-c", ORACLE_WRITE, str(tmp_path / ".coverage.theirs"), json.dumps(other)], check=True
    )
    combined = CoverageData()
    combine_parallel_data(combined)
    assert sorted(combined.lines("/src/a.py")) == [1, 2, 3, 4, 5, 1000]
    assert combined.lines("/src/d.py") == [1]
    assert combined.file_tracer("/src/c.py") == "plugin.tracer"
    assert not list(tmp_path.glob(".coverage.*"))
    # And coverage.py reads the combined result the same way.
    assert dump_oracle(oracle_python, tmp_path / ".coverage") == dump_ours(tmp_path / ".coverage")


def oracle_error(oracle_python: Path, path: Path) -> str:
    script = (
        "import sys\nfrom coverage.data import CoverageData\nfrom coverage.exceptions import DataError\n"
        "try:\n    d = CoverageData(sys.argv[1]); d.read(); print('OK')\n"
        "except DataError as e:\n    print(e)\n"
    )
    return subprocess.run([str(oracle_python), "-c", script, str(path)], capture_output=True, text=True).stdout.strip()


def make_not_a_database(path: Path) -> None:
    path.write_bytes(b"xyzzy, not a database at all")


def make_wrong_schema(path: Path) -> None:
    with sqlite3.connect(path) as con:
        con.execute("create table coverage_schema (version integer)")
        con.execute("insert into coverage_schema (version) values (99)")


def make_wrong_schema_column(path: Path) -> None:
    with sqlite3.connect(path) as con:
        con.execute("create table coverage_schema (xyzzy integer)")


def make_corrupt(path: Path) -> None:
    write_ours(path, LINE_SPEC)
    raw = bytearray(path.read_bytes())
    # Wreck the page after the header page: the tables' b-tree pages.
    for i in range(4096, min(len(raw), 4096 * 4)):
        raw[i] = 0xA5
    path.write_bytes(bytes(raw))


@pytest.mark.parametrize(
    "make_bad",
    [make_not_a_database, make_wrong_schema, make_wrong_schema_column, make_corrupt],
    ids=["not-a-database", "wrong-schema", "wrong-schema-column", "corrupt"],
)
def test_bad_files_are_data_errors_and_untouched(tmp_path: Path, oracle_python: Path, make_bad) -> None:
    path = tmp_path / "bad.dat"
    make_bad(path)
    before = path.read_bytes()
    data = CoverageData(str(path))
    with pytest.raises(DataError) as excinfo:
        data.read()
        # A corrupt file might open fine and fail on the first query.
        for f in data.measured_files():
            data.lines(f)
    assert path.read_bytes() == before
    assert not data
    assert path.read_bytes() == before
    assert str(excinfo.value) == oracle_error(oracle_python, path)
    assert path.read_bytes() == before


def test_read_only_missing_file(tmp_path: Path) -> None:
    data = CoverageData(str(tmp_path / "nope"), read_only=True)
    with pytest.raises(DataError, match=r"Couldn't use data file '.*nope': it doesn't exist"):
        data.read()


PARALLEL_NAME = re.compile(r"^\.coverage\.[^.]+\.pid(\d+)\.X[A-Za-z0-9]{6}x(\.H[\w]{10}h)?$")


def test_parallel_names_match_coverage_py(tmp_path: Path, oracle_python: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    data = CoverageData(suffix=True)
    before_write = os.path.basename(data.data_filename())
    m = PARALLEL_NAME.match(before_write)
    assert m and m.group(1) == str(os.getpid()) and m.group(2) is None
    data.add_lines({"a.py": {1, 2}})
    data.write()
    ours = os.path.basename(data.data_filename())
    assert PARALLEL_NAME.match(ours)
    # coverage.py names the same data the same way, digest included.
    script = (
        "import os\nfrom coverage.data import CoverageData\n"
        "d = CoverageData(suffix=True); d.add_lines({'a.py': {1, 2}}); d.write()\n"
        "print(os.path.basename(d.data_filename()))"
    )
    theirs = subprocess.run(
        [str(oracle_python), "-c", script], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert PARALLEL_NAME.match(theirs)
    assert ours.split(".H")[1] == theirs.split(".H")[1]
    host = ours.split(".")[2]
    assert host == theirs.split(".")[2]
    # coverage.py's combine sees ours as a duplicate of its own file.
    combine = (
        "from coverage.data import CoverageData, combine_parallel_data\n"
        "d = CoverageData(); combine_parallel_data(d, message=print); print(sorted(d.lines('a.py')))"
    )
    out = subprocess.run([str(oracle_python), "-c", combine], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["Combined 1 file, skipped 1", "[1, 2]"]


def test_meta_rows_as_coverage_py_writes_them(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    plain = CoverageData("plain")
    plain.add_lines({"a.py": {1}})
    parallel = CoverageData("par", suffix=True)
    parallel.add_arcs({"a.py": {(1, 2)}})
    parallel.write()
    with sqlite3.connect("plain") as con:
        assert dict(con.execute("select key, value from meta")) == {
            "version": "7.17.3",
            "has_arcs": "0",
            "python_version": ".".join(map(str, sys.version_info[:3])),
        }
    with sqlite3.connect(parallel.data_filename()) as con:
        meta = dict(con.execute("select key, value from meta"))

    assert meta["sys_argv"] == str(sys.argv)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", meta["when"])
    assert meta["has_arcs"] == "1"
    assert re.fullmatch(r"[0-9a-f]{32}", meta["hash"])


@pytest.mark.parametrize("spec", [LINE_SPEC, ARC_SPEC], ids=["lines", "arcs"])
def test_python_version_in_meta_read_by_coverage_py(tmp_path: Path, oracle_python: Path, spec: dict) -> None:
    """The measuring interpreter's version is recorded; coverage.py reads past it."""
    path = tmp_path / "ours.coverage"
    write_ours(path, spec)
    version = ".".join(map(str, sys.version_info[:3]))
    with sqlite3.connect(path) as con:
        rows = con.execute("select value from meta where key = 'python_version'").fetchall()
    assert rows == [(version,)]
    data = CoverageData(str(path))
    data.read()
    assert data._engine.python_version() == version
    theirs = dump_oracle(oracle_python, path)
    assert theirs == dump_ours(path)
    assert set(theirs["files"]) == {f for files in spec["by_context"].values() for f in files}
    # coverage.py's combine takes the file in too, and its result reads the same.
    combined = tmp_path / "combined"
    combined.mkdir()
    script = (
        "import sys\nfrom coverage.data import CoverageData, combine_parallel_data\n"
        "d = CoverageData(sys.argv[1]); combine_parallel_data(d, data_paths=[sys.argv[2]], keep=True)\n"
    )
    subprocess.run([str(oracle_python), "-c", script, str(combined / ".coverage"), str(path)], check=True)
    assert dump_oracle(oracle_python, combined / ".coverage") == theirs


def test_erase_parallel(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ["datafile.1", "datafile.2", ".coverage", "datafilex"]:
        Path(name).write_text("")
    CoverageData("datafile").erase(parallel=True)
    assert sorted(os.listdir()) == [".coverage", "datafilex"]


def test_many_processes_write_parallel_files(tmp_path: Path) -> None:
    script = (
        "import sys\nfrom coverage.data import CoverageData\n"
        "d = CoverageData(sys.argv[1], suffix=True)\n"
        "d.add_lines({f'f{n}.py': set(range(1, 200)) for n in range(50)})\n"
        "d.write()\n"
    )
    import sys

    procs = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path / ".coverage")]) for _ in range(8)]
    assert all(p.wait() == 0 for p in procs)
    assert len(list(tmp_path.glob(".coverage.*"))) == 8
    combined = CoverageData(str(tmp_path / ".coverage"))
    combine_parallel_data(combined)
    assert line_counts(combined)["f3.py"] == 199


def test_many_processes_share_one_file(tmp_path: Path) -> None:
    """Writers of one file wait for each other's locks instead of failing."""
    script = (
        "import sys\nfrom coverage.data import CoverageData\n"
        "d = CoverageData(sys.argv[1]); d.read()\n"
        "for i in range(20):\n    d.add_lines({f'p{sys.argv[2]}.py': {i + 1}})\n"
    )
    import sys

    path = tmp_path / "shared"
    seed = CoverageData(str(path))
    seed.add_lines({"seed.py": {1}})
    procs = [subprocess.Popen([sys.executable, "-c", script, str(path), str(n)]) for n in range(6)]
    assert all(p.wait() == 0 for p in procs)
    data = CoverageData(str(path))
    data.read()
    assert "seed.py" in data.measured_files()
    for n in range(6):
        assert data.lines(f"p{n}.py") == list(range(1, 21))


def test_dumps_loads_across_tools(tmp_path: Path, oracle_python: Path) -> None:
    """`dumps` output is an SQL script in both tools, so each loads the other's."""
    data = CoverageData(no_disk=True)
    data.set_context("ctx")
    data.add_lines({"a.py": {1, 2, 900}, "b.py": {3}})
    blob = tmp_path / "ours.blob"
    blob.write_bytes(data.dumps())
    script = (
        "import sys\nfrom coverage.data import CoverageData\n"
        "d = CoverageData(no_disk=True); d.loads(open(sys.argv[1], 'rb').read())\n"
        "print(sorted(d.lines('a.py')), sorted(d.measured_contexts()))\n"
        "open(sys.argv[2], 'wb').write(d.dumps())\n"
    )
    theirs = tmp_path / "theirs.blob"
    out = subprocess.run(
        [str(oracle_python), "-c", script, str(blob), str(theirs)], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[1, 2, 900] ['ctx']"
    back = CoverageData(no_disk=True)
    back.loads(theirs.read_bytes())
    assert back.lines("a.py") == [1, 2, 900]
    assert back.measured_files() == {"a.py", "b.py"}


def test_callback_calling_back_is_an_error_not_a_hang(tmp_path: Path) -> None:
    source = CoverageData(str(tmp_path / "src.dat"))
    source.add_lines({"a.py": {1}})
    target = CoverageData(str(tmp_path / "dst.dat"))

    def reentrant_map(path: str) -> str:
        target.measured_files()
        return path

    with pytest.raises(RuntimeError, match="inside one of its own callbacks"):
        target.update(source, map_path=reentrant_map)
    # The data is still usable afterwards.
    target.update(source, map_path=lambda p: "/mapped/" + p)
    assert target.measured_files() == {"/mapped/a.py"}
