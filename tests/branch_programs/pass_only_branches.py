def classify(n):
    if n > 0:
        pass
    elif n < 0:
        pass
    else:
        n = 1
    return n


def swallow(fn):
    try:
        fn()
    except ZeroDivisionError:
        pass
    except (TypeError, ValueError):
        pass
    else:
        pass


class Empty:
    pass


for x in (1, 2):
    if x == 5:
        pass

classify(3)
classify(0)
swallow(lambda: 1 / 0)
swallow(lambda: None)
print(Empty.__name__)
