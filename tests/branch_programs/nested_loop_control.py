def grid_search(rows, target):
    hits = 0
    skipped = 0
    for r, row in enumerate(rows):
        if not row:
            continue
        for c, cell in enumerate(row):
            if cell is None:
                continue
            if cell == target:
                hits += 1
                break
            if cell < 0:
                break
        else:
            if r < 100:
                skipped += 1
            continue
        if hits > 5:
            break
    return hits


def pairs(n):
    out = []
    i = 0
    while i < n:
        i += 1
        j = 0
        while True:
            j += 1
            if j > i:
                break
            if (i + j) % 2:
                continue
            out.append((i, j))
    return out


grid_search([[1, 2], [], [None, 3], [-1, 3]], 3)
pairs(3)
grid_search([[5]], 5)
