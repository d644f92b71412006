def grade(score):
    if 90 <= score <= 100:
        return "A"
    elif 80 <= score < 90:
        return "B"
    elif 0 <= score < 80:
        return "C"
    return "invalid"


def ordered(a, b, c):
    return a < b < c


def between(x, lo, hi):
    if lo < x < hi and x != 0:
        return True
    if x == lo == hi:
        return None
    return False


grade(95)
grade(50)
ordered(1, 2, 3)
ordered(3, 2, 1)
between(5, 0, 10)
between(-1, 0, 10)
print(grade(150))
