def add(a, b):
    return a + b


def multiply(a, b):
    result = 0
    for _ in range(b):
        result = add(result, a)
    return result


def divide(a, b):
    if b == 0:
        raise ZeroDivisionError("divide by zero")
    return a / b


def power(a, n):
    if n == 0:
        return 1
    return multiply(a, power(a, n - 1))
