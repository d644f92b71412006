def check(a, b, c):
    if a and b and c:
        return "all"
    if a or b or c:
        return "some"
    return "none"


def guarded(obj):
    if obj is not None and obj.get("x") and obj["x"] > 3:
        return True
    if not obj or "y" not in obj:
        return False
    return None


def mixed(a, b, c):
    if (a and b) or (not a and c):
        return 1
    elif a or (b and not c):
        return 2
    return 3


check(1, 1, 1)
check(0, 1, 0)
guarded({"x": 5})
guarded(None)
mixed(1, 1, 0)
mixed(0, 0, 0)
print(mixed(1, 0, 0))
