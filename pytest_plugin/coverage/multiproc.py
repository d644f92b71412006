"""`[run] concurrency = multiprocessing`: measure the processes that
multiprocessing starts.

Every multiprocessing child, however it is started, runs
`BaseProcess._bootstrap`; wrapping it lets the child measure itself with a
`Coverage` of its own that reads the parent's configuration file (named by
COVERAGE_RCFILE, an absolute path, so a `chdir` doesn't lose it) and saves a
parallel data file when the process function returns. A forked child
inherits the wrapped method. A spawned one (and one started by the fork
server) starts from nothing, so a `_Reapplier` travels in the preparation
data multiprocessing pickles for it: unpickling it in the child wraps
`_bootstrap` there before the process object is bootstrapped.

A child killed by SIGTERM (`Process.terminate`, `Pool.terminate`) saves its
data only with `[run] sigterm = true`, as with coverage.py. A forked child
then dies by the handler the program had, not by the parent's `Coverage`
handler it inherited (coverage.py chains to that one, which fails in the
child: a terminated pool worker survives and the pool's join() hangs).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.process
import os
import signal
import sys
import threading
import traceback
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coverage.control import Coverage

# Set on the multiprocessing module once it is patched (coverage.py's name).
PATCHED_MARKER = "_coverage$patched"

_BaseProcess = multiprocessing.process.BaseProcess
_unpatched_bootstrap = _BaseProcess._bootstrap  # type: ignore[attr-defined]


def _drop_inherited_sigterm_handler(coverage_class: type[Coverage]) -> None:
    """A forked child inherits the parent's `[run] sigterm` handler, a
    `Coverage` that belongs to the parent: the child's own `Coverage` must
    not chain to it once it has saved (it would stop and save the parent's
    measurement from the child). Put back the handler that one replaced."""
    if threading.current_thread() is not threading.main_thread():
        return
    handler = signal.getsignal(signal.SIGTERM)
    owner = getattr(handler, "__self__", None)
    if isinstance(owner, coverage_class) and getattr(handler, "__func__", None) is coverage_class._on_sigterm:
        previous = owner._old_sigterm
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


def _start_child_coverage() -> Coverage:
    """The `Coverage` of a new child process, started."""
    from coverage.control import Coverage

    _drop_inherited_sigterm_handler(Coverage)
    cov = Coverage(data_suffix=True, auto_data=True)
    cov._warn_preimported_source = False
    cov.start()
    return cov


def _bootstrap_measured(self: multiprocessing.process.BaseProcess, *args: Any, **kwargs: Any) -> Any:
    """`BaseProcess._bootstrap`, measured: the child's code runs between
    starting its `Coverage` and saving its data."""
    try:
        cov = _start_child_coverage()
        debug = cov._debug if cov._debug is not None and cov._debug.should("multiproc") else None
    except Exception:
        # The child would die with multiprocessing's terse report of the
        # failure: say where it happened.
        print("Exception during multiprocessing bootstrap init:", file=sys.stderr)
        traceback.print_exc(file=sys.stderr)
        sys.stderr.flush()
        raise
    if debug:
        debug.write("Calling multiprocessing bootstrap")
    try:
        return _unpatched_bootstrap(self, *args, **kwargs)
    finally:
        if debug:
            debug.write("Finished multiprocessing bootstrap")
        try:
            cov.stop()
            cov.save()
        except Exception as exc:
            if debug:
                debug.write("Exception during multiprocessing bootstrap cleanup", exc=exc)
            raise
        if debug:
            debug.write("Saved multiprocessing data")


class _Reapplier:
    """Pickled into a spawned child's preparation data; unpickling it
    patches multiprocessing in the child."""

    def __init__(self, rcfile: str) -> None:
        self.rcfile = rcfile

    def __getstate__(self) -> dict[str, str]:
        return {"rcfile": self.rcfile}

    def __setstate__(self, state: dict[str, str]) -> None:
        self.rcfile = state["rcfile"]
        patch_multiprocessing(self.rcfile)


def patch_multiprocessing(rcfile: str) -> None:
    """Make every process multiprocessing starts from now on measure itself
    with the configuration file `rcfile`. Applied once per process."""
    if getattr(multiprocessing, PATCHED_MARKER, False):
        return
    _BaseProcess._bootstrap = _bootstrap_measured  # type: ignore[attr-defined]
    # Children (forked, spawned or forked by the fork server) inherit the
    # environment: their Coverage reads this file whatever their directory.
    os.environ["COVERAGE_RCFILE"] = os.path.abspath(rcfile)

    from multiprocessing import spawn

    unpatched_preparation_data = spawn.get_preparation_data

    def preparation_data_with_patch(name: str) -> dict[str, Any]:
        data = unpatched_preparation_data(name)
        # spawn.prepare() ignores keys it doesn't know; unpickling the
        # value is what patches the child.
        data["coverage_patch"] = _Reapplier(rcfile)
        return data

    spawn.get_preparation_data = preparation_data_with_patch
    setattr(multiprocessing, PATCHED_MARKER, True)
