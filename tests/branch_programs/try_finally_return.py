def f(x):
    try:
        if x > 0:
            return "pos"
        if x < 0:
            raise ValueError
    finally:
        x = 0
    return "zero"


def g(items):
    for item in items:
        try:
            if item:
                continue
            break
        finally:
            item = None
    return items


f(1)
f(0)
try:
    f(-1)
except ValueError:
    pass
g([1, 0])
