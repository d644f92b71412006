def outer(flag):
    def inner(x):
        if x:
            return x
        return 0

    class Local:
        def method(self):
            return inner(flag)

    return Local().method()


def closure():
    count = 0

    def bump():
        nonlocal count
        count += 1
        return count

    return bump


outer(1)
closure()()
