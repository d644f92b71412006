def in_try(x):
    try:
        return 10 // x
    except ZeroDivisionError:
        return -1
    finally:
        x = None


def in_else(x):
    try:
        y = int(x)
    except ValueError:
        return "bad"
    else:
        return y
    finally:
        pass


def in_finally(x):
    try:
        if x:
            raise KeyError(x)
    except KeyError:
        x = "caught"
    finally:
        return x  # noqa: B012


in_try(2)
in_try(0)
in_else("5")
in_finally(0)
print(in_finally("k"), in_else("zz"))
