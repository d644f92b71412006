class Empty: ...


def zero(): return 0


def gen_one(): yield 1


square = lambda x: x * x  # noqa: E731
pairs = sorted([(2, "b"), (1, "a")], key=lambda p: p[0])
total = sum(n for n in range(4))
unused = lambda: 1  # noqa: E731


class WithMethod:
    def get(self): return 1
    def never(self): return 2


def caller(flag):
    pick = (lambda: 1) if flag else (lambda: 2)
    return pick()


def nested():
    inner = [x for x in (y * 2 for y in range(3)) if x]
    return inner


zero()
list(gen_one())
square(3)
WithMethod().get()
caller(True)
nested()
print(pairs, total)
