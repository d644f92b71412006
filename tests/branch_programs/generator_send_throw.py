def accumulator():
    total = 0
    while True:
        try:
            value = yield total
        except ValueError:
            total = 0
            continue
        except GeneratorExit:
            return
        if value is None:
            break
        total += value
    yield "done"


def limited(n):
    for i in range(n):
        if i == 2:
            return
        yield i


def closer():
    try:
        yield 1
        yield 2
    finally:
        pass


g = accumulator()
next(g)
g.send(5)
g.throw(ValueError)
g.send(3)
g.close()
list(limited(5))
c = closer()
next(c)
c.close()
print("ok")
