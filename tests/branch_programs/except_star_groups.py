def classify(errors):
    kinds = []
    try:
        raise ExceptionGroup("batch", errors)
    except* ValueError as group:
        kinds.append(("value", len(group.exceptions)))
    except* KeyError:
        kinds.append("key")
    except* (TypeError, IndexError) as group:
        if len(group.exceptions) > 1:
            kinds.append("many")
        else:
            kinds.append("one")
    if kinds:
        kinds.sort(key=str)
    return kinds


def partial_handle(errors):
    try:
        try:
            raise ExceptionGroup("outer", errors)
        except* ZeroDivisionError:
            pass
    except ExceptionGroup as rest:
        return [type(e).__name__ for e in rest.exceptions]
    return []


def no_error():
    try:
        value = 1
    except* OSError:
        value = 2
    return value


classify([ValueError(), TypeError()])
classify([TypeError(), IndexError()])
classify([KeyError("k"), ValueError("v")])
partial_handle([ZeroDivisionError(), RuntimeError()])
partial_handle([ZeroDivisionError()])
no_error()
