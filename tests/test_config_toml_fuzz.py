"""Typed TOML values, ours against coverage.py's TomlConfigParser.

Seeded random `pyproject.toml` files put values of every TOML type into
options of every kind; the resolved config, or the error message, must be
what coverage.py 7.17.3 gives.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import textwrap
from pathlib import Path

STRINGS = [
    '"abc"',
    '"true"',
    '"false"',
    '"True"',
    '"12"',
    '"2.5"',
    '" 7 "',
    '"~/x"',
    '"$HOME/y"',
    '"${NOPE-d}"',
    '"$$"',
    '""',
    '"1_000"',
    '"1e3"',
    '"inf"',
    '"("',
]
OTHERS = [
    "true",
    "false",
    "1",
    "0",
    "2.5",
    "-3",
    "[]",
    '["a"]',
    '["a", 1]',
    "[1]",
    '["(", "x"]',
    '["^x", ""]',
    "{a = 1}",
    '["~/p", "${HOME}"]',
]
# (section, option, may it hold non-strings without coverage.py keeping a raw, untyped value?)
OPTIONS = [
    ("run", "branch", True),
    ("run", "parallel", True),
    ("run", "source", True),
    ("run", "omit", True),
    ("run", "data_file", True),
    ("run", "context", False),
    ("run", "concurrency", True),
    ("report", "precision", "no-bool"),
    ("report", "fail_under", True),
    ("report", "exclude_lines", True),
    ("report", "partial_also", True),
    ("report", "show_missing", True),
    ("html", "title", False),
    ("xml", "package_depth", "no-bool"),
    ("paths", "src", True),
    ("paths", "other", True),
]

PROBE = textwrap.dedent(
    """
    import json, sys
    from coverage.config import read_coverage_config
    from coverage.exceptions import CoverageException
    results = []
    for rcfile in sys.argv[1:]:
        try:
            cfg = read_coverage_config(rcfile, lambda msg: None)
        except CoverageException as exc:
            results.append({"error": str(exc)})
        else:
            results.append({"attrs": {k: v for k, v in cfg.debug_info() if not k.startswith("config_file")}})
    print(json.dumps(results, default=repr))
    """
)


def document(rng: random.Random) -> str:
    tables: dict[str, list[str]] = {}
    for section, option, anything in rng.sample(OPTIONS, rng.randint(1, 4)):
        pool = STRINGS if anything is False else STRINGS + OTHERS
        if anything == "no-bool":
            pool = [v for v in pool if v not in ("true", "false")]
        tables.setdefault(section, []).append(f"{option} = {rng.choice(pool)}")
    return "".join(f"[tool.coverage.{s}]\n" + "\n".join(lines) + "\n" for s, lines in tables.items())


def probe(python: Path, workdir: Path, files: list[str]) -> list[dict]:
    proc = subprocess.run(
        [str(python), "-c", PROBE, *files],
        cwd=workdir,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": "/home/t"},
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_random_toml_values_resolve_the_same(tmp_path, oracle_python):
    rng = random.Random(1125)
    docs = [document(rng) for _ in range(300)]
    names = []
    for i, text in enumerate(docs):
        name = f"doc{i}.toml"
        (tmp_path / name).write_text(text)
        names.append(name)
    theirs = probe(oracle_python, tmp_path, names)
    ours = probe(Path(sys.executable), tmp_path, names)
    outcomes = {"error": 0, "attrs": 0}
    for name, text, mine, reference in zip(names, docs, ours, theirs):
        outcomes[next(iter(reference))] += 1
        if reference.get("error", "").startswith("Invalid ["):
            # coverage.py leaves the file out of bad-regex messages; we add it.
            reference = {"error": f"Couldn't read config file {name}: {reference['error']}"}
        assert mine == reference, text
    assert outcomes["error"] > 20 and outcomes["attrs"] > 20
