import contextlib


def parse_all(values):
    out = []
    for v in values:
        with contextlib.suppress(ValueError):
            out.append(int(v))
            if v == "0":
                break
    return out


class Ignore:
    def __init__(self, kind):
        self.kind = kind
        self.count = 0

    def __enter__(self):
        return self

    def __exit__(self, et, ev, tb):
        if et is not None and issubclass(et, self.kind):
            self.count += 1
            return True
        return False


ign = Ignore(KeyError)
data = {"a": 1}
i = 0
while i < 3:
    with ign:
        data[str(i)]
        i += 10
    i += 1
parse_all(["1", "x", "2"])
print(ign.count)
