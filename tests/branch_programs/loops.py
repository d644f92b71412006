def search(items, target):
    for index, item in enumerate(items):
        if item == target:
            break
    else:
        index = -1
    return index


def countdown(n):
    while n > 0:
        n -= 1
        if n == 100:
            continue
    else:
        n = 42
    return n


def nested(rows):
    total = 0
    for row in rows:
        for cell in row:
            if cell < 0:
                continue
            total += cell
    return total


search([1, 2, 3], 2)
countdown(3)
nested([[1, -1], []])
