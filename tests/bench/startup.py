"""Start-up dominated benchmark: `coverage run` of a program importing 500
small generated modules, where deciding each new file is most of the cost.

Two measurements, both against the same build:
- `times(...)`: median wall times of a plain run, ferrocov, ferrocov with
  the file decision made by the Python layer (the path taken before the
  engine decided files itself, still used when plugins claim files), and
  coverage.py 7.17.3; interleaved runs.
- `count_calls()` (run inside the ferrocov interpreter): how many calls
  into the Python layer (`coverage.*`) happen per measured file while the
  500 modules are imported, for both decision paths.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

MODULES = 500

MODULE_TEMPLATE = """\
'''Generated module {i}.'''
import os

CONSTANT = {i}


def function_{i}(value):
    if value > CONSTANT:
        return value - CONSTANT
    return value + CONSTANT


class Thing{i}:
    def __init__(self):
        self.value = CONSTANT

    def method(self):
        return function_{i}(self.value)
"""

# Runs `coverage run` with the Python layer deciding files (the old path).
PYTHON_DECIDER_RUNNER = """\
import sys
import coverage.control
from coverage.cmdline import main
coverage.control.Coverage._file_decider = lambda self: self._should_trace
sys.exit(main())
"""


def make_project(root: Path) -> Path:
    """The generated package and a main program importing every module."""
    pkg = root / "genpkg"
    pkg.mkdir(parents=True, exist_ok=True)
    (pkg / "__init__.py").write_text("")
    for i in range(MODULES):
        (pkg / f"mod_{i}.py").write_text(MODULE_TEMPLATE.format(i=i))
    imports = "\n".join(f"import genpkg.mod_{i}" for i in range(MODULES))
    (root / "main.py").write_text(imports + "\ngenpkg.mod_0.Thing0().method()\n")
    (root / "python_decider.py").write_text(PYTHON_DECIDER_RUNNER)
    return root / "main.py"


def times(ferrocov_python: str, oracle_python: str, root: Path, runs: int) -> dict[str, float]:
    make_project(root)
    cmds = {
        "plain": [ferrocov_python, "main.py"],
        "ferrocov": [ferrocov_python, "-m", "coverage", "run", "--source=genpkg", "main.py"],
        "ferrocov, Python decider": [ferrocov_python, "python_decider.py", "run", "--source=genpkg", "main.py"],
        "coverage.py": [oracle_python, "-m", "coverage", "run", "--source=genpkg", "main.py"],
    }
    samples: dict[str, list[float]] = {name: [] for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            start = time.perf_counter()
            subprocess.run(cmd, cwd=root, check=True, stdout=subprocess.DEVNULL, env={"PYTHONDONTWRITEBYTECODE": "1"})
            samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in samples.items()}


def count_calls(root: Path) -> dict[str, float]:
    """Calls into `coverage.*` functions per measured file, per decision path."""
    import coverage
    import coverage.control

    make_project(root)
    sys.path.insert(0, str(root))
    counter = {"calls": 0}
    _count_calls_into_python_layer(counter)
    results = {}
    for label, python_decider in (("engine decider", False), ("Python decider", True)):
        for name in [m for m in sys.modules if m == "genpkg" or m.startswith("genpkg.")]:
            del sys.modules[name]
        cov = coverage.Coverage(source=["genpkg"], data_file=None)
        if python_decider:
            cov._file_decider = lambda cov=cov: cov._should_trace  # type: ignore[method-assign]
        cov.start()
        counter["calls"] = 0
        for i in range(MODULES):
            __import__(f"genpkg.mod_{i}")
        calls = counter["calls"]
        cov.stop()
        measured = len(cov.get_data().measured_files())
        results[label] = calls / max(measured, 1)
    return results


def _count_calls_into_python_layer(counter: dict[str, int]) -> None:
    """Wrap every function and method of the loaded `coverage.*` modules."""
    import functools
    import inspect

    def wrap(func):
        @functools.wraps(func)
        def counted(*args, **kwargs):
            counter["calls"] += 1
            return func(*args, **kwargs)

        return counted

    for name, module in list(sys.modules.items()):
        if not (name == "coverage" or name.startswith("coverage.")):
            continue
        for attr, value in list(vars(module).items()):
            if inspect.isfunction(value) and value.__module__ == name:
                setattr(module, attr, wrap(value))
            elif inspect.isclass(value) and value.__module__ == name:
                for meth, func in list(vars(value).items()):
                    if inspect.isfunction(func) and not meth.startswith("__"):
                        setattr(value, meth, wrap(func))


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        for label, per_file in count_calls(Path(scratch)).items():
            print(f"{label}: {per_file:.2f} calls into the Python layer per measured file")
