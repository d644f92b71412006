"""Branches that go the same way many times before (or without ever)
going the other way: loop exits seen only at the end, conditions true for
a long run, exits that only a break or an exception reaches."""


def sieve(limit):
    flags = [True] * (limit + 1)
    for i in range(2, int(limit**0.5) + 1):
        if flags[i]:
            for j in range(i * i, limit + 1, i):
                flags[j] = False
    return sum(flags)


def first_over(values, bound):
    for value in values:
        if value > bound:
            return value
    return None


def count_down(n):
    steps = 0
    while n > 0:
        n -= 1
        steps += 1
    else:
        steps += 100
    return steps


def find_with_break(values, wanted):
    for index, value in enumerate(values):
        if value == wanted:
            break
    else:
        index = -1
    return index


def never_exhausted(values):
    total = 0
    for value in values:
        total += value
        if total > 50:
            break
    return total


def until_error(items):
    seen = 0
    try:
        for item in items:
            seen += 1 // item
    except ZeroDivisionError:
        seen = -seen
    return seen


def late_else(n):
    out = []
    for i in range(n):
        if i < n - 1:
            out.append(i)
        else:
            out.append(-i)
    return out


def one_way_only(n):
    hits = 0
    for i in range(n):
        if i >= 0:
            hits += 1
    return hits


def generator_loop(n):
    yield from (x * x for x in range(n) if x % 7)


print(sieve(200))
print(first_over(range(100), 90), first_over([1, 2], 5))
print(count_down(40))
print(find_with_break(list(range(30)), 25), find_with_break([1, 2], 9))
print(never_exhausted(range(100)))
print(until_error([1] * 20 + [0, 1]))
print(late_else(20)[-2:])
print(one_way_only(30))
print(sum(generator_loop(40)))
