def make_validator(minimum, maximum=None):
    def validate(value):
        if value < minimum:
            return False
        if maximum is None:
            return True
        return value <= maximum

    if minimum < 0:
        return None
    return validate


def outer(items):
    def find(pred):
        for item in items:
            if pred(item):
                return item
        return None

    hit = find(lambda v: v > 2)
    if hit is None:
        return "none"
    return find(lambda v: v > 100) or hit


v = make_validator(1)
v(0)
v(5)
make_validator(-1)
outer([1, 2, 3])
print(make_validator(0, 10)(11))
