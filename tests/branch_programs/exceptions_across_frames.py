def inner(x):
    if x:
        raise RuntimeError("boom")
    return x


def middle(x):
    value = inner(x)
    return value + 1


def outer(x):
    try:
        return middle(x)
    except RuntimeError:
        return -1


outer(0)
outer(1)
