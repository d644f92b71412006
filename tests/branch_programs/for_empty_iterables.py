def total(values):
    acc = 0
    for v in values:
        acc += v
    return acc


def first_or_default(values, default=None):
    for v in values:
        return v
    return default


def with_else(values):
    for v in values:
        if v < 0:
            break
    else:
        return "clean"
    return "dirty"


def never_runs():
    for _ in ():
        print("unreachable")
    for _ in range(0):
        pass


total([])
first_or_default([])
first_or_default({}.keys(), 0)
with_else([])
never_runs()
print(with_else(iter(())))
