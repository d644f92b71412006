import sys


def maybe_exit(flag):
    if flag:
        sys.exit(0)
    return flag


def raises():
    raise ValueError


maybe_exit(False)
try:
    raises()
except ValueError:
    pass
maybe_exit(True)
print("never")
