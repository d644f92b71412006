import contextlib


class Swallow:
    def __init__(self, *kinds):
        self.kinds = kinds

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            return False
        return issubclass(exc_type, self.kinds)


def lookup(mapping, key):
    value = "default"
    with contextlib.suppress(KeyError):
        value = mapping[key]
        value = value.upper()
    return value


def divide(a, b):
    result = None
    with Swallow(ZeroDivisionError):
        result = a / b
        if result < 100:
            result = round(result, 2)
    return result


def leaky():
    try:
        with Swallow(KeyError):
            raise ValueError("escapes")
    except ValueError:
        return "escaped"
    return "swallowed"


lookup({"a": "x"}, "a")
lookup({}, "b")
divide(1, 0)
divide(4, 2)
leaky()
