import contextlib


@contextlib.contextmanager
def managed(flag):
    yield flag


def use(flag):
    with managed(flag) as value:
        if value:
            return 1
    return 0


def nested():
    with managed(1) as a, managed(2) as b:
        total = a + b
    return total


use(True)
nested()
