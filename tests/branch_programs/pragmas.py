def f(x):
    if x:  # pragma: no branch
        x += 1
    if x > 5:  # pragma: no cover
        x = 0
    while x < 3:
        x += 1
    return x


def debug_only():  # pragma: no cover
    return "debug"


f(1)
