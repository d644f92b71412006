def find_first(items, predicate):
    for item in items:
        if predicate(item):
            found = item
            break
    else:
        found = None
    return found


def drain(limit, stop_at):
    n = 0
    while n < limit:
        n += 1
        if n == stop_at:
            break
    else:
        n = -n
    return n


def never_breaks(items):
    for item in items:
        if item is None:
            break
    else:
        return "all present"
    return "hole"


find_first([1, 2, 3], lambda v: v > 1)
find_first([], lambda v: True)
drain(3, 2)
drain(2, 5)
never_breaks([None, 2])
