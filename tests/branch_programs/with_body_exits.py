import contextlib


@contextlib.contextmanager
def tracked(log, name):
    log.append(name)
    try:
        yield name
    finally:
        log.append("/" + name)


def returns_from_with(log, flag):
    with tracked(log, "r"):
        if flag:
            return "early"
        log.append("body")
    return "late"


def raises_from_with(log, value):
    try:
        with tracked(log, "x"):
            if value < 0:
                raise ValueError(value)
            log.append(value)
    except ValueError:
        return False
    return True


def breaks_from_with(log, items):
    for item in items:
        with tracked(log, str(item)):
            if item > 1:
                break
            if item == 0:
                continue
    return log


log = []
returns_from_with(log, True)
raises_from_with(log, -1)
raises_from_with(log, 1)
breaks_from_with(log, [0, 1, 2, 3])
