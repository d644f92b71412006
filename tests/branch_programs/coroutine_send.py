def accumulator():
    total = 0
    while True:
        value = yield total
        if value is None:
            break
        total += value
    return total


acc = accumulator()
next(acc)
acc.send(1)
acc.send(2)
try:
    acc.send(None)
except StopIteration:
    pass
