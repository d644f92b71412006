def checked_div(a, b):
    assert b != 0, "division by zero"
    return a / b


def validate(items):
    assert items
    for item in items:
        assert isinstance(item, int), f"bad {item!r}"
    return len(items)


checked_div(4, 2)
try:
    checked_div(1, 0)
except AssertionError:
    pass
validate([1, 2])
try:
    validate(["x"])
except AssertionError as exc:
    message = str(exc)
assert message.startswith("bad")
print(message)
