import sys

VALUES = [3, 1, 2]


def summarize(values):
    if not values:
        return None
    return min(values), max(values)


result = summarize(VALUES)
empty = summarize([])

if result is None:
    print("nothing")
elif result[0] > 100:
    print("big")

if empty is None:
    sys.exit(0)

print("unreachable")
