matrix = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]

evens = [x for row in matrix for x in row if x % 2 == 0]
flat_big = [x for row in matrix if len(row) > 5 for x in row]
squares = {x * x for row in matrix for x in row if x > 100}
index = {r: [c for c in row if c > 4] for r, row in enumerate(matrix) if r}
total = sum(x for row in matrix for x in row if x < 0)
pairs = [(a, b) for a in range(3) for b in range(a) if a != b]
empty = [y for y in [] if y]


def table(n):
    return [[i * j for j in range(n) if j] for i in range(n) if i % 2]


def first_match(rows):
    return next((v for row in rows for v in row if v > 5), None)


table(4)
first_match(matrix)
first_match([[0]])
print(len(evens), len(flat_big), len(squares), len(index), total, len(pairs), empty)
