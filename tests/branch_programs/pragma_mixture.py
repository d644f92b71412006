import sys


def platform_name():
    if sys.platform.startswith("win"):  # pragma: no cover
        return "windows"
    return "posix"


def loop(n):
    while n:  # pragma: no branch
        n -= 1
    for i in range(3):  # pragma: no branch
        if i > 10:
            break
    return n


def debug(flag):
    if flag:
        raise RuntimeError("debug")  # pragma: no cover
    x = 1
    if x == 2:  # pragma: no cover
        x = 3
        if x:
            x = 4
    return x


if __name__ == "__main__":  # pragma: no branch
    platform_name()
    loop(2)
    print(debug(False))
