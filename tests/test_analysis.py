"""ferrocov._engine's static analysis, through the installed wheel.

Small programs exercise the rules one by one; coverage.py 7.17.3 (the
oracle, one subprocess per test) says what the answer must be.
"""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

import pytest

from coverage.exceptions import NoSource, NotPython
from ferrocov import _engine

ORACLE_DUMP = Path(__file__).resolve().parent / "oracle" / "analysis_dump.py"

DEFAULT_EXCLUDE = "|".join(
    f"(?:{r})"
    for r in [
        r"#\s*(pragma|PRAGMA)[:\s]?\s*(no|NO)\s*(cover|COVER)",
        r"^\s*(((async )?def .*?)?[\])]+(\s*->.*?)?:\s*)?\.\.\.\s*(#|$)",
        r"^\s*if (typing\.)?TYPE_CHECKING:",
    ]
)

PROGRAMS = {
    "constant_tests": """\
        import sys
        if 0:
            a = 3
        elif sys.argv:
            a = 5
        else:
            a = 7
        while 1:
            if a:
                break
        else:
            b = 12
        if not __debug__:
            c = 14
        if True or a:
            d = 16
        """,
    "unreachable": """\
        def f(x):
            if x:
                return 1
            else:
                raise ValueError(x)
            print("never")

        def g():
            while True:
                pass
            print("never")

        def h(x):
            for i in x:
                continue
                print("never")
            assert 0, "always"
            y = 1
        """,
    "statements_without_code": """\
        x: int
        def f():
            global x
            y: int
            (z): int
            self.w: int
            del ()
            pass
            "a string statement"
            ...
        """,
    "definitions_and_docstrings": '''\
        """Module docstring,
        on two lines."""
        import functools

        @functools.lru_cache(
            maxsize=None,
        )
        def cached(
            a,
            b=lambda: 3,
        ):
            """Docstring."""
            return [i for i in range(a)]

        class K(
            object,
        ):
            """Class docstring."""
            attr: int = 3

            @property
            def p(self):
                return {k: v for k, v in {}.items()}
        ''',
    "try_with_match": """\
        import contextlib
        def f(x):
            try:
                a = 1
            except (ValueError,
                    TypeError) as e:
                a = 2
            else:
                a = 3
            finally:
                a = 4
            try:
                pass
            except* OSError:
                pass
            with contextlib.suppress(Exception):
                return 1
            match x:
                case [1, 2] | (3, 4):
                    pass
                case {"k": v} if v:
                    pass
                case str() as s:
                    pass
                case _:
                    pass
            async def g():
                async with x:
                    async for y in x:
                        await y
        """,
    "exclusions": """\
        import typing
        if typing.TYPE_CHECKING:
            import os
        def stub(x) -> int: ...
        def real(x):  # pragma: no cover
            return x
        class A:  # pragma: no cover
            def m(self):
                return 1
        @decorator  # pragma: no cover
        def decorated():
            pass
        x = [  # pragma: no cover
            1,
        ]
        if x:
            y = 1
        else:  # pragma: no cover
            y = 2
        match x:
            case 1:
                z = 1
            case _:  # pragma: no cover
                z = 2
        """,
    "fstrings_and_continuations": """\
        name = "x"
        a = f"{name!r:>{10}} {{literal}}"
        b = f'''
        {name}
        '''
        c = 1 + \\
            2
        if (a and
                b):  # pragma: no cover
            d = 4
        e = "\\
        continued"
        """,
}


def write_programs(tmp_path: Path) -> list[str]:
    paths = []
    for name, src in PROGRAMS.items():
        path = tmp_path / f"{name}.py"
        path.write_text(textwrap.dedent(src))
        paths.append(str(path))
    return paths


def oracle(oracle_python: Path, paths: list[str], exclude: str | None) -> dict:
    cmd = [str(oracle_python), "-W", "ignore", str(ORACLE_DUMP), "--multiline", "--exclude", exclude or ""]
    out = subprocess.run(cmd, input="\n".join(paths), capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.mark.parametrize("exclude", [DEFAULT_EXCLUDE, None, r"a = (?=2)|^\s*pass$"])
def test_programs_match_coverage(oracle_python: Path, tmp_path: Path, exclude: str | None) -> None:
    paths = write_programs(tmp_path)
    expected = oracle(oracle_python, paths, exclude)
    for path in paths:
        statements, excluded, multiline = _engine.analyze_file(path, exclude)
        want = expected[path]
        assert "error" not in want, want
        assert statements == want["statements"], path
        assert excluded == want["excluded"], path
        assert multiline == {int(k): v for k, v in want["multiline"].items()}, path


def test_analyze_files_keeps_order_and_returns_errors(tmp_path: Path) -> None:
    good = tmp_path / "good.py"
    good.write_text("a = 1\nb = (2,\n     3)\n")
    bad = tmp_path / "bad.py"
    bad.write_text("def f(:\n")
    missing = tmp_path / "missing.py"
    results = _engine.analyze_files([str(good), str(bad), str(missing)], None)
    assert results[0] == ([1, 2], [], {2: 2, 3: 2})
    assert isinstance(results[1], NotPython)
    assert isinstance(results[2], NoSource)


def test_errors_use_coverage_messages(oracle_python: Path, tmp_path: Path) -> None:
    missing = tmp_path / "missing.py"
    with pytest.raises(NoSource) as no_source:
        _engine.analyze_file(str(missing), None)
    script = (
        "import sys\nfrom coverage.parser import PythonParser\n"
        "try:\n    PythonParser(filename=sys.argv[1])\nexcept Exception as e:\n    print(e)\n"
    )
    out = subprocess.run([str(oracle_python), "-c", script, str(missing)], capture_output=True, text=True)
    assert str(no_source.value) == out.stdout.strip()

    # A path that exists but cannot be read reports the OSError.
    with pytest.raises(NoSource) as unreadable:
        _engine.analyze_file(str(tmp_path), None)
    out = subprocess.run([str(oracle_python), "-c", script, str(tmp_path)], capture_output=True, text=True)
    assert str(unreadable.value) == out.stdout.strip()

    bad = tmp_path / "bad.py"
    bad.write_text("x = 1\nfrom __future__ import annotations\n")
    with pytest.raises(NotPython) as not_python:
        _engine.analyze_file(str(bad), None)
    assert str(not_python.value) == (
        f"Couldn't parse '{bad}' as Python source: "
        "'from __future__ imports must occur at the beginning of the file' at line 2"
    )


def test_source_decoding(oracle_python: Path, tmp_path: Path) -> None:
    files = {
        "crlf.py": b"a = 1\r\nb = (1,\r\n  2)\r\n",
        "bom.py": b"\xef\xbb\xbfa = 1\n",
        "latin.py": b"# -*- coding: latin-1 -*-\na = '\xe9'\n",
        "no_newline.py": b"a = 1\nb = 2",
        "formfeed.py": b"a = 1\n\x0c\nb = 2\n",
        "bad_cookie.py": b"# coding: nonsense-codec\na = 1\n",
    }
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    expected = oracle(oracle_python, paths, None)
    for path, result in zip(paths, _engine.analyze_files(paths, None)):
        if "error" in expected[path]:
            assert isinstance(result, Exception), path
        else:
            assert result[0] == expected[path]["statements"], path
