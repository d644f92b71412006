COUNTER = 0
CACHE = {"a": 1, "b": 2}


def bump(step):
    global COUNTER
    if step:
        COUNTER += step
    else:
        del CACHE["a"]
    return COUNTER


def counter_factory():
    count = 0

    def inc(flag):
        nonlocal count
        if flag:
            count += 1
        return count
    return inc


bump(2)
bump(0)
inc = counter_factory()
inc(True)
inc(False)
temp = [1, 2, 3]
del temp[0]
if "a" in CACHE:
    del CACHE["b"]
del temp
print(COUNTER, CACHE)
