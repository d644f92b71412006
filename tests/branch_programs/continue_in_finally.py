def process(items):
    done = []
    for item in items:
        try:
            if item is None:
                continue
            if item < 0:
                raise ValueError(item)
            done.append(item)
        except ValueError:
            done.append(0)
        finally:
            if item == 99:
                done.clear()
    return done


def loop_with_cleanup(n):
    i = 0
    while i < n:
        try:
            i += 1
            if i % 2:
                continue
        finally:
            i += 0
    return i


process([1, None, -2, 3])
print(loop_with_cleanup(4))
