def build(a,
          b):
    result = {
        "a": a,
        "b": b,
    }
    if (a and
            b):
        result["both"] = True
    return result


values = [
    build(1, 2),
    build(0, 1),
]
