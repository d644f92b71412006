def search(items, target):
    i = 0
    while i < len(items):
        if items[i] == target:
            break
        i += 1
    else:
        return -1
    return i


def countdown(n):
    steps = 0
    while n > 0:
        n -= 1
        if n == 100:
            continue
        steps += 1
    else:
        steps += 1000
    return steps


def never_loops():
    while False:
        print("no")
    else:
        return "else"


search([1, 2, 3], 2)
search([1, 2, 3], 9)
countdown(3)
print(never_loops())
