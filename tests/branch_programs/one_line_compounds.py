def f(x):
    if x: return 1
    if x is None: return None
    return 0


def g(a):
    b = c = 0
    if a: b = 1; c = 2
    else: b = -1
    while b > 0: b -= 1
    for i in range(a): c += i
    return b, c


def h(items):
    for item in items:
        if item: continue
        else: break
    return items


f(1)
f(0)
g(2)
g(0)
h([1, 0, 1])
print(f(None))
