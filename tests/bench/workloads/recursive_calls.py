"""Call-heavy: naive recursion, the worst case for a trace function."""


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def main():
    total = 0
    for n in range(22, 29):
        total += fib(n)
    print(total)


main()
