def depth(tree):
    if tree is None:
        return 0
    if not isinstance(tree, tuple):
        return 1
    left, right = tree
    return 1 + max(depth(left), depth(right))


def flatten(items, out=None):
    if out is None:
        out = []
    for item in items:
        if isinstance(item, list):
            flatten(item, out)
        elif isinstance(item, dict):
            raise TypeError("dict")
        else:
            out.append(item)
    return out


def ackermann_small(m, n):
    if m == 0:
        return n + 1
    if n == 0:
        return ackermann_small(m - 1, 1)
    return ackermann_small(m - 1, ackermann_small(m, n - 1))


depth(((1, None), 2))
flatten([1, [2, [3]], 4])
print(ackermann_small(1, 2))
