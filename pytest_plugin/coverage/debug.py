"""Debug output: the `[run] debug` options, where their messages go, and helpers.

The names are coverage.py's (`coverage.debug`), which plugins and
coverage.py's own tests use; the code is ferrocov's.
"""

from __future__ import annotations

import _thread
import atexit
import contextlib
import datetime
import functools
import inspect
import itertools
import os
import pprint
import re
import reprlib
import sys
import traceback
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import IO, Any, overload

from coverage.misc import human_sorted_items, isolate_module
from coverage.types import AnyCallable, TWritable

# The measured program may mock os functions; debug output must not notice.
os = isolate_module(os)

# Debug options (and a file for them) forced on in every DebugControl: a knob
# for debugging the configuration machinery itself.
FORCED_DEBUG: list[str] = []
FORCED_DEBUG_FILE: str | None = None

TextFilter = Callable[[str], str]


class DebugControl:
    """The enabled debug options, and the stream their messages are written to."""

    # auto_repr leaves attributes whose value says show_repr_attr = False out.
    show_repr_attr = False

    def __init__(self, options: Iterable[str], output: IO[str] | None, file_name: str | None = None) -> None:
        self.options = [*options, *FORCED_DEBUG]
        self.suppress_callers = False
        self.output = DebugOutputFile.get_one(output, file_name=file_name, filters=self._filters())
        self.raw_output = self.output.outfile

    def _filters(self) -> list[TextFilter]:
        """The text decorations the options ask for, in the order they apply."""
        filters: list[TextFilter] = []
        if self.should("process"):
            filters += [CwdTracker().filter, ProcessTracker().filter]
        if self.should("pytest"):
            filters.append(PytestTracker().filter)
        if self.should("pid"):
            filters.append(add_pid_and_tid)
        return filters

    def __repr__(self) -> str:
        return f"<DebugControl options={self.options!r} raw_output={self.raw_output!r}>"

    def should(self, option: str) -> bool:
        """Is debug option `option` on?"""
        if option == "callers" and self.suppress_callers:
            return False
        return option in self.options

    @contextlib.contextmanager
    def without_callers(self) -> Iterator[None]:
        """Inside the block, messages carry no call stack even with "callers"."""
        previous = self.suppress_callers
        self.suppress_callers = True
        try:
            yield
        finally:
            self.suppress_callers = previous

    def write(self, msg: str, *, exc: BaseException | None = None) -> None:
        """Write `msg` as a line; with `exc`, its traceback follows.

        The "self" option adds the repr of the caller's `self`, and
        "callers" a summary of the call stack.
        """
        self.output.write(msg + "\n")
        if exc is not None:
            self.output.write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
        if self.should("self"):
            caller_self = sys._getframe(1).f_locals.get("self")
            if caller_self is not None:
                self.output.write(f"self: {caller_self!r}\n")
        if self.should("callers"):
            dump_stack_frames(out=self.output, skip=1)
        self.output.flush()


class NoDebugging(DebugControl):
    """A DebugControl with every option off; writing to it is a bug."""

    def __init__(self) -> None:  # noqa: D107 - nothing to set up
        pass

    def should(self, option: str) -> bool:
        return False

    @contextlib.contextmanager
    def without_callers(self) -> Iterator[None]:
        yield

    def write(self, msg: str, *, exc: BaseException | None = None) -> None:
        raise AssertionError("NoDebugging.write should never be called.")


class DevNullDebug(NoDebugging):
    """A DebugControl with every option off that silently drops writes."""

    def write(self, msg: str, *, exc: BaseException | None = None) -> None:
        pass


# -- Formatting ----------------------------------------------------------------------

_INFO_LABEL_WIDTH = 30


def info_header(label: str) -> str:
    """A section header: "-- label ------..." 62 characters wide."""
    return f"-- {label} ".ljust(62, "-")


def info_formatter(info: Iterable[tuple[str, Any]]) -> Iterator[str]:
    """Lines of right-aligned "label: value" pairs.

    Lists, sets and long tuples get one line per element, the label only on
    the first; an empty list shows as "-none-".
    """
    info = list(info)
    assert all(len(label) < _INFO_LABEL_WIDTH for label, _ in info)
    for label, data in info:
        if data == []:
            data = "-none-"
        prefix = f"{label:>{_INFO_LABEL_WIDTH}}: "
        one_line = not isinstance(data, (tuple, list, set)) or (isinstance(data, tuple) and len(str(data)) < 30)
        if one_line:
            yield f"{prefix}{data}"
            continue
        for element in data:
            yield f"{prefix}{element}"
            prefix = " " * len(prefix)


def write_formatted_info(write: Callable[[str], None], header: str, info: Iterable[tuple[str, Any]]) -> None:
    """Write a header, then `info` formatted by `info_formatter`, indented a space."""
    write(info_header(header))
    for line in info_formatter(info):
        write(f" {line}")


def exc_one_line(exc: BaseException) -> str:
    """ "module.Class: message" for `exc`, on one line."""
    lines = traceback.format_exception_only(type(exc), exc)
    return "|".join(line.rstrip() for line in lines)


def clipped_repr(text: str, numchars: int = 50) -> str:
    """`repr(text)`, elided in the middle to about `numchars` characters."""
    clipper = reprlib.Repr()
    clipper.maxstring = numchars
    return clipper.repr(text)


def short_id(id64: int) -> int:
    """Fold a 64-bit id into 16 bits by xor-ing its four 16-bit pieces."""
    id16 = 0
    for shift in range(0, 64, 16):
        id16 ^= id64 >> shift
    return id16 & 0xFFFF


def add_pid_and_tid(text: str) -> str:
    """Filter: prefix `text` with "pid.tid: " (the thread id shortened)."""
    return f"{os.getpid():5d}.{short_id(_thread.get_ident()):04x}: {text}"


def filter_text(text: str, filters: Iterable[TextFilter]) -> str:
    """Pass `text` through each filter in turn, line by line.

    Each filter sees one line at a time (as `str.splitlines` splits them);
    what it returns is split again for the next filter.
    """
    for text_filter in filters:
        text = "".join(
            piece for line in text.splitlines(keepends=True) for piece in text_filter(line).splitlines(keepends=True)
        )
    return text


# Objects' auto_repr skips these attributes (set by show_calls).
OBJ_ID_ATTR = "$coverage.object_id"
AUTO_REPR_IGNORE = {OBJ_ID_ATTR}


def auto_repr(self: Any) -> str:
    """A `__repr__` listing an object's plain attributes: "<Class @0xid a=1 b='x'>"."""
    shown = "".join(
        f" {name}={value!r}"
        for name, value in vars(self).items()
        if name not in AUTO_REPR_IGNORE and getattr(value, "show_repr_attr", True) and not inspect.ismethod(value)
    )
    return f"<{type(self).__name__} @{id(self):#x}{shown}>"


def simplify(v: Any) -> Any:
    """Objects with a __dict__ as dicts, recursively, for pretty-printing."""
    if isinstance(v, dict):
        return {key: simplify(value) for key, value in v.items()}
    if isinstance(v, (list, tuple)):
        return type(v)(simplify(value) for value in v)
    if hasattr(v, "__dict__"):
        return simplify({"." + key: value for key, value in vars(v).items()})
    return v


def ppformat(v: Any) -> str:
    """Pretty-printed `simplify(v)`."""
    return pprint.pformat(simplify(v), indent=4, compact=True, sort_dicts=True, width=140)


def pp(v: Any) -> None:
    """Print `ppformat(v)`."""
    print(ppformat(v))


# -- File names and stacks -----------------------------------------------------------

# pytest's temporary directories become "tmp:".
_TEMP_DIR_PATTERNS = [(re.compile(r".*[/\\]pytest-of-.*[/\\]pytest-\d+([/\\]popen-gw\d+)?"), "tmp:")]

# (directory, prefix) pairs, longest directory first; filled on first use
# since sys.path may change until then.
_DIR_PREFIXES: list[tuple[str, str]] = []


@overload
def short_filename(filename: str) -> str: ...
@overload
def short_filename(filename: None) -> None: ...
def short_filename(filename: str | None) -> str | None:
    """Shorten `filename` for logs: sys.path entries become "syspath:",
    this package's directory "cov:", pytest temp dirs "tmp:"."""
    if filename is None:
        return None
    if not _DIR_PREFIXES:
        import coverage

        _DIR_PREFIXES.extend((entry, "syspath:") for entry in sys.path if entry)
        _DIR_PREFIXES.append((os.path.dirname(coverage.__file__), "cov:"))
        _DIR_PREFIXES.sort(key=lambda pair: len(pair[0]), reverse=True)
    for pattern, replacement in _TEMP_DIR_PATTERNS:
        filename = pattern.sub(replacement, filename)
    for directory, prefix in _DIR_PREFIXES:
        filename = filename.replace(directory, prefix)
    return filename


def file_summary(filename: str) -> str:
    """Size and modification time of `filename`, or why they aren't known."""
    try:
        stat = os.stat(filename)
    except FileNotFoundError:
        return "does not exist"
    except Exception as exc:  # noqa: BLE001 - any failure is worth reporting, not raising
        return f"error: {exc}"
    modified = datetime.datetime.fromtimestamp(stat.st_mtime)
    return f"{stat.st_size} bytes, modified {modified}"


# Outermost frames that only get us to the interesting code.
_BORING_PRELUDE = [r"<string>", r"\bigor.py$", r"\bsite-packages\b"]


def short_stack(skip: int = 0, full: bool = False, frame_ids: bool = False, short_filenames: bool = False) -> str:
    """The call stack, outermost first, one "function : file:line" per line.

    `skip` drops that many innermost frames (besides this function's own).
    Unless `full`, the leading frames of the interpreter, pytest and other
    installed packages are left out.
    """
    frames: Iterable[inspect.FrameInfo] = inspect.stack()[:skip:-1]
    if not full:
        for pattern in _BORING_PRELUDE:
            frames = itertools.dropwhile(lambda fi, pattern=pattern: re.search(pattern, fi.filename), frames)
    return "\n".join(_stack_line(info, frame_ids, short_filenames) for info in frames)


def _stack_line(info: inspect.FrameInfo, frame_id: bool, short_names: bool) -> str:
    filename = short_filename(info.filename) if short_names else info.filename
    ident = f"{id(info.frame):#x} " if frame_id else ""
    return f"{info.function:>30s} : {ident}{filename}:{info.lineno}"


def dump_stack_frames(out: TWritable, skip: int = 0) -> None:
    """Write `short_stack` to `out`, leaving out this function's frame."""
    out.write(short_stack(skip=skip + 1) + "\n")


# -- Message decorations (filters) ------------------------------------------------------


class CwdTracker:
    """Filter: announce the working directory whenever it has changed."""

    def __init__(self) -> None:
        self.cwd: str | None = None

    def filter(self, text: str) -> str:
        cwd = os.getcwd()
        if cwd == self.cwd:
            return text
        self.cwd = cwd
        return f"cwd is now {cwd!r}\n{text}"


class ProcessTracker:
    """Filter: describe the process on its first message, and after a fork."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.did_welcome = False

    def filter(self, text: str) -> str:
        pid = os.getpid()
        if pid != self.pid:
            welcome = f"New process: forked {self.pid} -> {pid}\n"
            self.pid = pid
        elif not self.did_welcome:
            welcome = (
                f"New process: pid={pid}, executable: {sys.executable!r}\n"
                f"New process: cmd: {getattr(sys, 'argv', None)!r}\n"
                f"New process parent pid: {os.getppid()!r}\n"
            )
        else:
            return text
        self.did_welcome = True
        return welcome + text


class PytestTracker:
    """Filter: announce the pytest test whenever it has changed."""

    def __init__(self) -> None:
        self.test_name: str | None = None

    def filter(self, text: str) -> str:
        test_name = os.getenv("PYTEST_CURRENT_TEST")
        if test_name == self.test_name:
            return text
        self.test_name = test_name
        return f"Pytest context: {test_name}\n{text}"


# -- Where messages go --------------------------------------------------------------------


class DebugOutputFile:
    """A text stream that runs what is written through the filters first.

    Without an explicit stream there is one per process, shared by every
    DebugControl: the file `file_name`, or `COVERAGE_DEBUG_FILE` ("stdout",
    "stderr" or a path), or stderr.
    """

    # The process-wide instance lives in sys.modules, not on the class, so it
    # survives this module being imported afresh (tests do that).
    SYS_MOD_NAME = "$coverage.debug.DebugOutputFile.the_one"
    SINGLETON_ATTR = "the_one_and_is_interim"

    def __init__(self, outfile: IO[str] | None, filters: Iterable[TextFilter]) -> None:
        self.outfile = outfile
        self.filters = list(filters)
        self.pid = os.getpid()

    @classmethod
    def get_one(
        cls,
        fileobj: IO[str] | None = None,
        file_name: str | None = None,
        filters: Iterable[TextFilter] = (),
        interim: bool = False,
    ) -> DebugOutputFile:
        """A DebugOutputFile around `fileobj`, or else the process-wide one.

        An `interim` process-wide one (made by logging helpers) is replaced by
        the next real request.
        """
        if fileobj is not None:
            return cls(fileobj, filters)
        the_one, is_interim = cls._get_singleton_data()
        if the_one is None or is_interim:
            the_one = cls(cls._open_output(file_name), filters)
            cls._set_singleton_data(the_one, interim)
        if not the_one.filters:
            the_one.filters = list(filters)
        return the_one

    @staticmethod
    def _open_output(file_name: str | None) -> IO[str]:
        if file_name is not None:
            return open(file_name, "a", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
        file_name = os.getenv("COVERAGE_DEBUG_FILE", FORCED_DEBUG_FILE)
        if file_name in ("stdout", "stderr"):
            return getattr(sys, file_name)
        if file_name:
            stream = open(file_name, "a", encoding="utf-8")  # noqa: SIM115 - closed at exit
            atexit.register(stream.close)
            return stream
        return sys.stderr

    @classmethod
    def _set_singleton_data(cls, the_one: DebugOutputFile, interim: bool) -> None:
        holder = types.ModuleType(cls.SYS_MOD_NAME)
        setattr(holder, cls.SINGLETON_ATTR, (the_one, interim))
        sys.modules[cls.SYS_MOD_NAME] = holder

    @classmethod
    def _get_singleton_data(cls) -> tuple[DebugOutputFile | None, bool]:
        holder = sys.modules.get(cls.SYS_MOD_NAME)
        return getattr(holder, cls.SINGLETON_ATTR, (None, True))

    @classmethod
    def _del_singleton_data(cls) -> None:
        """Forget the process-wide instance (for tests)."""
        sys.modules.pop(cls.SYS_MOD_NAME, None)

    def write(self, text: str) -> None:
        """Write `text` through the filters (nothing, once the stream is closed)."""
        assert self.outfile is not None
        if not self.outfile.closed:
            self.outfile.write(filter_text(text, self.filters))
            self.outfile.flush()

    def flush(self) -> None:
        assert self.outfile is not None
        if not self.outfile.closed:
            self.outfile.flush()


def log(msg: str, stack: bool = False) -> None:
    """Write `msg` (and the stack) to the process-wide debug output."""
    out = DebugOutputFile.get_one(interim=True)
    out.write(msg + "\n")
    if stack:
        dump_stack_frames(out=out, skip=1)


# -- Decorators for debugging ferrocov itself ----------------------------------------------


def decorate_methods(
    decorator: Callable[..., Any],
    butnot: Iterable[str] = (),
    private: bool = False,
) -> Callable[[type], type]:
    """Class decorator: apply `decorator` to the methods the class defines.

    `__init__` is included; other `_private` methods only if `private`.
    """
    skipped = set(butnot)

    def decorate(cls: type) -> type:
        for name, method in inspect.getmembers(cls, inspect.isroutine):
            wanted = name in vars(cls) and name not in skipped
            if wanted and (private or name == "__init__" or not name.startswith("_")):
                setattr(cls, name, decorator(method))
        return cls

    return decorate


def break_in_debugger(func: AnyCallable) -> AnyCallable:
    """Function decorator: enter the debugger before each call."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        sys.stdout = sys.__stdout__
        breakpoint()  # noqa: T100 - that is the point
        return func(*args, **kwargs)

    return wrapper


OBJ_IDS = itertools.count()
CALLS = itertools.count()


def show_calls(show_args: bool = True, show_stack: bool = False, show_return: bool = False) -> Callable[..., Any]:
    """Method decorator: log each call (and optionally its arguments, stack, result)."""

    def decorate(func: AnyCallable) -> AnyCallable:
        @functools.wraps(func)
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            oid = getattr(self, OBJ_ID_ATTR, None)
            if oid is None:
                oid = f"{os.getpid():08d} {next(OBJ_IDS):04d}"
                setattr(self, OBJ_ID_ATTR, oid)
            extra = ""
            if show_args:
                shown = [repr(arg) for arg in args] + [f"{key}={value!r}" for key, value in kwargs.items()]
                extra += "(" + ", ".join(shown) + ")"
            if show_stack:
                extra += " @ " + "; ".join(short_stack(short_filenames=True).splitlines())
            call_id = next(CALLS)
            out = DebugOutputFile.get_one(interim=True)
            out.write(f"{oid} {call_id:04d} {func.__name__}{extra}\n")
            result = func(self, *args, **kwargs)
            if show_return:
                out.write(f"{oid} {call_id:04d} {func.__name__} return {result!r}\n")
            return result

        return wrapper

    return decorate


# -- Environment display -------------------------------------------------------------------

_ENV_SHOWN_NAMES = {"HOME", "TEMP", "TMP"}
_ENV_SHOWN_PARTS = ("COV", "PY")
_ENV_SECRET_PARTS = ("API", "TOKEN", "KEY", "SECRET", "PASS", "SIGNATURE")
_ENV_TRUNCATED = {"COVERAGE_PROCESS_CONFIG"}
_ENV_MAX_LEN = 60


def relevant_environment_display(env: Mapping[str, str]) -> list[tuple[str, str]]:
    """The environment variables worth showing in `debug sys`, sorted.

    Shown: HOME, TEMP, TMP and names containing COV or PY. Values of names
    that look secret have their word characters masked with "*"; long
    COVERAGE_PROCESS_CONFIG values are cut to 60 characters.
    """
    shown = []
    for name, value in env.items():
        if name not in _ENV_SHOWN_NAMES and not any(part in name for part in _ENV_SHOWN_PARTS):
            continue
        if any(part in name for part in _ENV_SECRET_PARTS):
            value = re.sub(r"\w", "*", value)
        if name in _ENV_TRUNCATED and len(value) > _ENV_MAX_LEN:
            value = value[: _ENV_MAX_LEN - 3] + "..."
        shown.append((name, value))
    return human_sorted_items(shown)
