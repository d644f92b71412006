"""Mixed: string and dict work through small helper functions."""

import random


def tokenize(line):
    return [word.strip(".,;:").lower() for word in line.split()]


def count(words, table):
    for word in words:
        table[word] = table.get(word, 0) + 1


def main():
    rng = random.Random(42)
    vocab = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
    table = {}
    for _ in range(60_000):
        line = " ".join(rng.choice(vocab) for _ in range(12)) + "."
        count(tokenize(line), table)
    print(sorted(table.items())[:3])


main()
