def drain(stack):
    out = []
    while 1:
        if not stack:
            break
        item = stack.pop()
        if item is None:
            continue
        out.append(item)
    return out


def spin(limit):
    n = 0
    while True:
        n += 1
        if n >= limit:
            return n
        if n > 1000:
            break
    return -1


def retry(attempts):
    tries = 0
    while True:
        tries += 1
        try:
            if tries < attempts:
                raise OSError
            break
        except OSError:
            continue
    return tries


drain([1, None, 2])
spin(3)
print(retry(3))
