class Resource:
    log = []

    def __init__(self, name, fail=False):
        self.name = name
        self.fail = fail

    def __enter__(self):
        if self.fail:
            raise RuntimeError(self.name)
        self.log.append("enter " + self.name)
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.log.append("error in " + self.name)
        self.log.append("exit " + self.name)
        return False


def combined(fail_second):
    try:
        with Resource("a") as a, Resource("b", fail_second) as b:
            names = a.name + b.name
    except RuntimeError:
        names = None
    return names


def nested(depth):
    with Resource("outer"):
        with Resource("middle"):
            result = 0
            if depth > 1:
                with Resource("inner"):
                    result = depth
    return result


def parenthesized():
    with (
        Resource("x") as x,
        Resource("y") as y,
    ):
        return x.name + y.name


combined(False)
combined(True)
nested(2)
parenthesized()
