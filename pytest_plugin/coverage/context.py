"""Dynamic contexts: which frames start one, and what it is called.

The one definition of `[run] dynamic_context = test_function`'s rule. The
tracer cores (Rust) only pre-select the code objects whose name can pass
`should_start_context_test_function` and call it when such a function
starts with no context running, so the label logic lives here alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from inspect import CO_OPTIMIZED
from types import FrameType

from coverage.types import TShouldStartContextFn


def combine_context_switchers(
    context_switchers: Sequence[TShouldStartContextFn],
) -> TShouldStartContextFn | None:
    """One switcher asking each of `context_switchers` in turn, the first
    label wins; None when there are none."""
    if not context_switchers:
        return None
    if len(context_switchers) == 1:
        return context_switchers[0]
    switchers = list(context_switchers)

    def should_start_context(frame: FrameType) -> str | None:
        for switcher in switchers:
            label = switcher(frame)
            if label is not None:
                return label
        return None

    return should_start_context


def should_start_context_test_function(frame: FrameType) -> str | None:
    """The label of the context `frame` starts: its qualified name when it
    runs a test function (`test*`, or unittest's `runTest`), else None."""
    name = frame.f_code.co_name
    if name.startswith("test") or name == "runTest":
        return qualname_from_frame(frame)
    return None


def qualname_from_frame(frame: FrameType) -> str | None:
    """`module.Class.function` for the function `frame` runs, found as
    coverage.py finds it: through `self` for methods, the module globals
    for functions, and the code's own qualified name for static and class
    methods; None when none of them knows it."""
    code = frame.f_code
    name = code.co_name
    method = None
    instance = None
    if code.co_argcount and code.co_varnames[0] == "self":
        instance = frame.f_locals.get("self")
        method = getattr(instance, name, None)
    if method is not None:
        func = getattr(method, "__func__", None)
        if func is None:
            cls = instance.__class__
            return f"{cls.__module__}.{cls.__name__}.{name}"
        return f"{func.__module__}.{func.__qualname__}"
    func = frame.f_globals.get(name)
    if func is not None:
        return f"{func.__module__}.{name}"
    if code.co_flags & CO_OPTIMIZED and "<locals>" not in code.co_qualname:
        return f"{frame.f_globals.get('__name__')}.{code.co_qualname}"
    return None
