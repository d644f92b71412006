import sys

FAST = sys.version_info >= (3, 0)


class Config:
    if FAST:
        mode = "fast"
    else:
        mode = "slow"

    for _name in ("a", "b"):
        if _name == "z":
            break
    else:
        complete = True

    try:
        limit = int("10")
    except ValueError:
        limit = 0

    def value(self):
        if self.mode == "fast":
            return self.limit
        return -1


class Child(Config):
    if not FAST:
        extra = 1

    def value(self):
        base = super().value()
        return base + 1 if base > 0 else base


print(Child().value())
