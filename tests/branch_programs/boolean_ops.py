def check(a, b, c):
    if a and b or c:
        return 1
    if not a:
        return 2
    x = a if b else c
    return x


def chained(n):
    if 0 < n < 10:
        return True
    return False


check(1, 1, 0)
check(0, 0, 0)
chained(5)
