"""The invasive patches `[run] patch = ...` asks for, applied at start()."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

from coverage import env
from coverage.exceptions import ConfigError, CoverageException

if TYPE_CHECKING:
    from coverage.control import Coverage


def apply_patches(cov: Coverage, patches: list[str]) -> None:
    """Apply each requested patch once; unknown names are a ConfigError."""
    for patch in sorted(set(patches)):
        if patch == "_exit":
            _save_before_os_exit(cov)
        elif patch == "execv":
            _save_before_exec(cov)
        elif patch == "fork":
            _measure_forked_children()
        elif patch == "subprocess":
            _measure_subprocesses(cov)
        else:
            raise ConfigError(f"Unknown patch {patch!r}")


# The Coverage objects that patched os._exit / os.exec*: each is saved
# before the process goes. A forked child has its parent's and its own.
_savers: list[Coverage] = []


def _save_all() -> None:
    for cov in reversed(_savers):
        with contextlib.suppress(Exception):  # a failed save must not stop the exit
            cov.save()


def _register_saver(cov: Coverage) -> None:
    if not any(saver is cov for saver in _savers):
        _savers.append(cov)


def _save_before_os_exit(cov: Coverage) -> None:
    """os._exit skips atexit handlers, so save the data on the way out."""
    _register_saver(cov)
    if getattr(os._exit, "_saves_coverage", False):
        return
    real_exit = os._exit

    def exit_after_saving(status: int) -> NoReturn:
        _save_all()
        real_exit(status)

    exit_after_saving._saves_coverage = True  # type: ignore[attr-defined]
    os._exit = exit_after_saving


def _save_before_exec(cov: Coverage) -> None:
    """An exec replaces the process without atexit: save first. The exec*e
    forms get the configuration in the new environment, so the new program
    is measured too (through the start-up `.pth`)."""
    if env.WINDOWS:
        raise CoverageException("patch=execv isn't supported yet on Windows.")
    _register_saver(cov)
    # Every exec* and spawn* function of os ends in execv or execve.
    if not getattr(os.execv, "_saves_coverage", False):
        os.execv = _saving_exec(os.execv, passes_env=False)
    if not getattr(os.execve, "_saves_coverage", False):
        os.execve = _saving_exec(os.execve, passes_env=True)


def _saving_exec(real_exec: Callable[..., Any], passes_env: bool) -> Callable[..., Any]:
    def exec_after_saving(*args: Any, **kwargs: Any) -> Any:
        _save_all()
        if passes_env and _savers:
            # The environment is the last positional argument, as os.exec*e pass it.
            _pass_configuration(args[-1], _savers[-1])
        return real_exec(*args, **kwargs)

    exec_after_saving._saves_coverage = True  # type: ignore[attr-defined]
    return exec_after_saving


def _pass_configuration(new_env: dict[str, str], cov: Coverage) -> None:
    """Give an exec'd program's own environment the configuration."""
    new_env["COVERAGE_PROCESS_CONFIG"] = cov.config.serialize()
    if env.TESTING:
        # coverage.py's test mode (COVERAGE_TESTING=True) also hands on what
        # its suite's children need to run as the parent does: the core, the
        # pyc location and the PATH that finds the right interpreter.
        for name in ("COVERAGE_CORE", "PYTHONPYCACHEPREFIX", "PATH"):
            value = os.getenv(name)
            if value is not None:
                new_env[name] = value


_fork_hook_registered = False


def _measure_forked_children() -> None:
    """A forked child restarts measurement under its own data file."""
    global _fork_hook_registered
    if env.WINDOWS:
        raise CoverageException("patch=fork isn't supported yet on Windows.")
    if _fork_hook_registered:
        return
    from coverage.control import _after_fork_in_child

    os.register_at_fork(after_in_child=_after_fork_in_child)
    _fork_hook_registered = True


def _measure_subprocesses(cov: Coverage) -> None:
    """Child Pythons find the configuration in their environment and the
    `.pth` file installed with ferrocov starts measuring them."""
    os.environ["COVERAGE_PROCESS_CONFIG"] = cov.config.serialize()
