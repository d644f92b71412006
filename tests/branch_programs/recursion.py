def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def walk(tree, depth=0):
    if not tree:
        return depth
    return max(walk(child, depth + 1) for child in tree)


fib(6)
walk([[], [[]]])
