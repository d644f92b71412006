"""The invasive patches `[run] patch = ...` asks for, applied at start()."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, NoReturn

from coverage.exceptions import ConfigError

if TYPE_CHECKING:
    from coverage.control import Coverage

# Patches coverage.py knows that ferrocov does not apply yet: the
# multi-process issue brings them. Asking for one warns instead of failing.
NOT_YET = {"execv", "fork", "subprocess"}


def apply_patches(cov: Coverage, patches: list[str]) -> None:
    """Apply each requested patch once; unknown names are a ConfigError."""
    for patch in sorted(set(patches)):
        if patch == "_exit":
            _save_before_os_exit(cov)
        elif patch in NOT_YET:
            cov._warn(f"patch = {patch} is not supported by ferrocov yet", slug="patch-unsupported", once=True)
        else:
            raise ConfigError(f"Unknown patch {patch!r}")


def _save_before_os_exit(cov: Coverage) -> None:
    """os._exit skips atexit handlers, so save the data on the way out."""
    if getattr(os._exit, "_saves_coverage", False):
        return
    real_exit = os._exit

    def exit_after_saving(status: int) -> NoReturn:
        try:
            cov.save()
        except Exception:  # noqa: BLE001 - a failed save must not stop the exit
            pass
        real_exit(status)

    exit_after_saving._saves_coverage = True  # type: ignore[attr-defined]
    os._exit = exit_after_saving
