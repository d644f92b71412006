def describe(value):
    match value:
        case 0:
            return "zero"
        case [x, y]:
            return f"pair {x} {y}"
        case {"kind": kind}:
            return kind
        case str() if value:
            return "text"
        case _:
            return "other"


def no_default(value):
    match value:
        case 1:
            result = "one"
        case 2:
            result = "two"
    return value


describe(0)
describe([1, 2])
describe("s")
no_default(1)
