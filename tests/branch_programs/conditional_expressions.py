def sign(n):
    return "neg" if n < 0 else "zero" if n == 0 else "pos"


def pick(a, b):
    best = a if a > b else b
    return best


scale = lambda v: v * 2 if v else 0  # noqa: E731
clamp = lambda v, lo, hi: lo if v < lo else (hi if v > hi else v)  # noqa: E731


def nested(flag, other):
    value = (1 if other else 2) if flag else 3
    if value == 3:
        return None
    return value


results = [sign(-1), sign(5)]
results.append(pick(1, 2))
results.append(scale(3))
results.append(clamp(5, 0, 10))
results.append(clamp(-5, 0, 10))
results.append(nested(True, True))
results.append(nested(True, False))
print(len(results))
