def squares(items):
    return [x * x for x in items if x > 0]


def mapping(items):
    return {k: v for k, v in items if v}


def gen_sum(items):
    return sum(x for x in items if x % 2)


def nested(rows):
    return [cell for row in rows for cell in row if cell]


squares([1, -2])
mapping([("a", 1)])
gen_sum([1, 2, 3])
nested([[0, 1]])
