def parse(text):
    try:
        value = int(text)
    except ValueError:
        value = None
    except TypeError:
        value = -1
    else:
        value += 1
    finally:
        text = None
    return value


def reraise(x):
    try:
        if x:
            raise KeyError(x)
    except KeyError:
        raise
    return x


parse("12")
parse("x")
try:
    reraise(1)
except KeyError:
    pass
