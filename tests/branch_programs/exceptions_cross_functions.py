class RetryableError(Exception):
    pass


def level3(n):
    if n == 0:
        raise RetryableError("zero")
    if n < 0:
        raise ValueError(n)
    return n


def level2(n):
    try:
        return level3(n)
    except ValueError:
        return level3(-n)
    finally:
        n = None


def level1(values):
    results = []
    for v in values:
        try:
            results.append(level2(v))
        except RetryableError:
            results.append(None)
        except Exception:
            raise
    return results


print(level1([1, 0, -2]))
