def first_even(numbers):
    it = iter(numbers)
    while True:
        n = next(it)
        if n % 2 == 0:
            return n


def spin(limit):
    count = 0
    while 1:
        count += 1
        if count >= limit:
            break
    return count


first_even([1, 3, 4])
spin(3)
