"""Run a Python program as `__main__`, the way `python FILE` or `python -m MOD` would.

`coverage run` measures a program inside its own process, so the program
must not be able to tell: `sys.argv`, `sys.path[0]`, `__file__`, `__spec__`,
`__loader__` and `__package__` are set as the interpreter sets them, and
an uncaught exception is printed without this module's frames.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import inspect
import marshal
import os
import sys
from importlib.machinery import ModuleSpec
from types import CodeType, ModuleType
from typing import Any

from coverage import env
from coverage.exceptions import CoverageException, NoCode, NoSource, _ExceptionDuringRun

PYC_MAGIC_NUMBER = importlib.util.MAGIC_NUMBER


class DummyLoader:
    """The `__loader__` of the program: only names the module, as runpy's does."""

    def __init__(self, fullname: str, *_args: Any) -> None:
        self.fullname = fullname


def find_module(modulename: str) -> tuple[str | None, str, ModuleSpec]:
    """Locate `modulename` for `-m`: (its file, its package, its spec).

    A package runs as its `__main__` submodule, as `python -m` runs it.
    """
    try:
        spec = importlib.util.find_spec(modulename)
    except ImportError as err:
        raise NoSource(str(err)) from err
    if spec is None:
        raise NoSource(f"No module named {modulename!r}")
    if spec.submodule_search_locations:
        main_name = f"{modulename}.__main__"
        spec = importlib.util.find_spec(main_name)
        if spec is None:
            raise NoSource(f"No module named {main_name}; {modulename!r} is a package and cannot be directly executed")
    return spec.origin, spec.name.rpartition(".")[0], spec


def _same_directory(one: str, other: str) -> bool:
    """Whether two directory names mean the same directory on this system."""

    def canonical(path: str) -> str:
        return os.path.normcase(os.path.realpath(os.path.abspath(path)))

    return canonical(one) == canonical(other)


class PyRunner:
    """Runs one program in this process as `__main__`.

    `prepare()` fixes `sys.path` before anything is imported (so the
    program's own modules shadow installed ones, as under `python`);
    `run()` finds the code, builds the `__main__` module and executes it.
    """

    def __init__(self, args: list[str], as_module: bool = False) -> None:
        self.args = args
        self.as_module = as_module
        self.arg0 = args[0]
        self.package: str | None = None
        self.modulename: str | None = None
        self.pathname: str | None = None
        self.loader: DummyLoader | None = None
        self.spec: ModuleSpec | None = None

    def prepare(self) -> None:
        """Set `sys.path[0]` as Python would for this program; imports nothing."""
        path0 = self._program_path0()
        if os.path.isdir(sys.path[0]):
            # Run as a console script, sys.path[0] is the script's directory:
            # replace it. If it is something else, someone set it on purpose.
            top_file = inspect.stack()[-1].frame.f_code.co_filename
            if not _same_directory(sys.path[0], os.path.dirname(top_file)):
                path0 = None
        elif len(sys.path) > 1 and sys.path[1] == os.path.dirname(sys.path[0]):
            # sys.path[0] is a file (a zipapp): drop the directory after it.
            del sys.path[1]
        if path0 is not None:
            sys.path[0] = os.path.abspath(path0)

    def _program_path0(self) -> str | None:
        """What `python` would put first on sys.path for this program."""
        if sys.flags.safe_path or sys.flags.isolated:
            return None
        if self.as_module:
            return os.getcwd()
        if os.path.isdir(self.arg0):
            return self.arg0
        return os.path.abspath(os.path.dirname(os.path.realpath(self.arg0)))

    def _locate(self) -> None:
        """Find the code to run; may import (the packages of a -m module)."""
        if self.as_module:
            self._locate_module()
        elif os.path.isdir(self.arg0):
            self._locate_directory_main()
        else:
            self.loader = DummyLoader("__main__")
        self.arg0 = os.path.abspath(self.arg0)

    def _locate_module(self) -> None:
        self.modulename = self.arg0
        pathname, self.package, self.spec = find_module(self.modulename)
        self.modulename = self.spec.name
        self.loader = DummyLoader(self.modulename)
        self.spec.loader = self.loader  # type: ignore[assignment]
        assert pathname is not None
        self.pathname = os.path.abspath(pathname)
        self.args[0] = self.arg0 = self.pathname

    def _locate_directory_main(self) -> None:
        """A directory runs as its `__main__.py`, as under `python DIR`."""
        for ext in (".py", ".pyc", ".pyo"):
            candidate = os.path.abspath(os.path.join(self.arg0, f"__main__{ext}"))
            if os.path.exists(candidate):
                break
        else:
            raise NoSource(f"Can't find '__main__' module in '{self.arg0}'")
        self.arg0 = candidate
        self.package = ""
        self.loader = DummyLoader("__main__")
        self.spec = importlib.machinery.ModuleSpec("__main__", self.loader, origin=candidate)  # type: ignore[arg-type]
        self.spec.has_location = True

    def _main_module(self, from_pyc: bool) -> ModuleType:
        """A fresh `__main__` module, installed in sys.modules."""
        main_mod = ModuleType("__main__")
        main_mod.__file__ = self.arg0[:-1] if from_pyc else self.arg0
        if self.package is not None:
            main_mod.__package__ = self.package
        main_mod.__loader__ = self.loader  # type: ignore[assignment]
        if self.spec is not None:
            main_mod.__spec__ = self.spec
        main_mod.__builtins__ = sys.modules["builtins"]  # type: ignore[attr-defined]
        sys.modules["__main__"] = main_mod
        return main_mod

    def run(self) -> None:
        """Run the program. Its exceptions end in SystemExit(1) after being printed."""
        self._locate()
        from_pyc = self.arg0.endswith((".pyc", ".pyo"))
        main_mod = self._main_module(from_pyc)
        sys.argv = self.args
        code = self._compile(from_pyc)

        # The program may chdir somewhere that vanishes; come back afterwards.
        cwd = os.getcwd()
        try:
            exec(code, main_mod.__dict__)
        except SystemExit:
            raise
        except Exception:
            _report_program_exception()
        finally:
            os.chdir(cwd)

    def _compile(self, from_pyc: bool) -> CodeType:
        try:
            if from_pyc:
                return make_code_from_pyc(self.arg0)
            return make_code_from_py(self.arg0)
        except CoverageException:
            raise
        except Exception as exc:
            raise CoverageException(
                f"Couldn't run '{self.arg0}' as Python code: {exc.__class__.__name__}: {exc}"
            ) from exc


def _report_program_exception() -> None:
    """Print the program's exception as Python would, then exit with status 1.

    The first traceback entry is `run()`'s `exec` call; it is dropped so the
    user sees only their own frames. The program's `sys.excepthook` is used,
    and if that hook itself fails, both failures are shown.
    """
    typ, err, tb = sys.exc_info()
    assert typ is not None and err is not None and tb is not None
    err.__traceback__ = tb.tb_next
    try:
        sys.excepthook(typ, err, tb.tb_next)
    except SystemExit:
        raise
    except Exception as hook_exc:
        sys.stderr.write("Error in sys.excepthook:\n")
        hook_tb = hook_exc.__traceback__
        hook_exc.__suppress_context__ = True
        assert hook_tb is not None
        hook_exc.__traceback__ = hook_tb.tb_next
        sys.__excepthook__(type(hook_exc), hook_exc, hook_tb.tb_next)
        sys.stderr.write("\nOriginal exception was:\n")
        raise _ExceptionDuringRun(typ, err, tb.tb_next) from hook_exc
    sys.exit(1)


def run_python_module(args: list[str]) -> None:
    """Run a module as `python -m args[0] args[1:]` would."""
    runner = PyRunner(args, as_module=True)
    runner.prepare()
    runner.run()


def run_python_file(args: list[str]) -> None:
    """Run a file as `python args[0] args[1:]` would."""
    runner = PyRunner(args, as_module=False)
    runner.prepare()
    runner.run()


def _read_source(filename: str) -> bytes:
    """The bytes of a source file; `compile` decodes them (coding cookie, BOM)."""
    candidates = [filename]
    if env.WINDOWS and filename.endswith(".py"):
        # A Windows GUI script may exist only as the .pyw sibling.
        candidates.append(filename + "w")
    for candidate in candidates:
        try:
            with open(candidate, "rb") as source_file:
                return source_file.read()
        except OSError:
            continue
    raise NoSource(f"No file to run: '{filename}'")


def make_code_from_py(filename: str) -> CodeType:
    """Compile a source file."""
    source = _read_source(filename)
    return compile(source, filename, mode="exec", dont_inherit=True)


def make_code_from_pyc(filename: str) -> CodeType:
    """Load the code object of a compiled (.pyc) file written by this Python."""
    try:
        pyc = open(filename, "rb")
    except OSError as exc:
        raise NoCode(f"No file to run: '{filename}'") from exc
    with pyc:
        magic = pyc.read(4)
        if magic != PYC_MAGIC_NUMBER:
            raise NoCode(f"Bad magic number in .pyc file: {magic!r} != {PYC_MAGIC_NUMBER!r}")
        # Then 4 bytes of flags, and 8 of either a source hash or mtime + size.
        pyc.read(12)
        code = marshal.load(pyc)
    if not isinstance(code, CodeType):
        raise NoCode(f"No code object in .pyc file: '{filename}'")
    return code
