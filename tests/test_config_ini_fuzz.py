"""INI parsing, ours against Python's configparser as coverage.py uses it.

Seeded random documents built from the lines that make configparser tricky
(continuations, comments, blank lines, odd headers, delimiters, duplicates,
CRLF) are read by coverage.py's `HandyConfigParser` in the oracle and by ours;
the sections, options, values and error messages must be the same.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import textwrap
from pathlib import Path

LINES = [
    "[run]",
    "[report]",
    "[coverage:run]",
    "[DEFAULT]",
    "[ run ]",
    "[a]b]",
    "[run] trailing",
    "[]",
    "[",
    "branch = 1",
    "Branch: yes",
    "source=a,b",
    "omit =",
    "x = y = z",
    "k: v: w",
    "  indented = 1",
    "\tsource = tab",
    "=novalue",
    "novalue",
    "key = value # not comment",
    "key=  spaced  ",
    "KEY = upper",
    "# c",
    "; c",
    "  # indented comment",
    "",
    "   ",
    "    cont",
    "  another",
    "\tcont",
    "        deeper",
    "ünïcode = ταБЬℓσ",
    "\ufeff[run]",
    "nb\xa0sp = x\xa0",
    "\x0bvt = 1",
    "line = a\u2028b",
    "cr = a\rb",
    "\u3000wide = 1",
]
SECTIONS = ["run", "report", "coverage:run", "DEFAULT", " run ", "a]b", "run] trailing", "a", "nope"]

PROBE = textwrap.dedent(
    """
    import json, sys
    from coverage.config import HandyConfigParser
    sections = json.loads(sys.argv[1])
    results = []
    for path in sys.argv[2:]:
        parser = HandyConfigParser(True)
        try:
            parser.read([path])
        except Exception as exc:
            message = str(exc)
            results.append({"error": message.split(": ", 1)[1] if message.startswith("Couldn't read config file") else message})
            continue
        found = {}
        for section in sections:
            if parser.has_section(section):
                found[section] = [[opt, parser.get(section, opt)] for opt in parser.options(section)]
        results.append({"sections": found})
    print(json.dumps(results))
    """
)


def documents(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    docs = []
    for _ in range(count):
        lines = [rng.choice(LINES) for _ in range(rng.randint(1, 9))]
        if rng.random() < 0.7:
            lines.insert(0, rng.choice(["[run]", "[report]", "[coverage:run]"]))
        newline = "\r\n" if rng.random() < 0.2 else "\n"
        text = newline.join(lines) + (newline if rng.random() < 0.8 else "")
        docs.append(text)
    return docs


def probe(python: Path, paths: list[Path]) -> list[dict]:
    proc = subprocess.run(
        [str(python), "-c", PROBE, json.dumps(SECTIONS), *map(str, paths)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": "/h"},
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_random_ini_documents_parse_the_same(tmp_path, oracle_python):
    docs = documents(400, seed=20261125)
    paths = []
    for i, text in enumerate(docs):
        path = tmp_path / f"doc{i}.ini"
        path.write_bytes(text.encode("utf-8"))
        paths.append(path)
    theirs = probe(oracle_python, paths)
    ours = probe(Path(sys.executable), paths)
    assert len(ours) == len(theirs) == len(docs)
    kinds = {"error": 0, "sections": 0}
    for text, mine, reference in zip(docs, ours, theirs):
        kinds[next(iter(reference))] += 1
        assert mine == reference, text
    # The corpus exercises both outcomes, not just one.
    assert kinds["error"] > 20 and kinds["sections"] > 20
