def evens(limit):
    for n in range(limit):
        if n % 2 == 0:
            yield n


def delegate(limit):
    yield from evens(limit)
    yield -1


def closes():
    try:
        yield 1
        yield 2
    finally:
        pass


list(evens(5))
list(delegate(3))
gen = closes()
next(gen)
gen.close()
