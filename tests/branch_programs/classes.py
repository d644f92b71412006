class Base:
    kind = "base"

    def __init__(self, value):
        self.value = value

    def double(self):
        if self.value is None:
            return None
        return self.value * 2

    @property
    def positive(self):
        return self.value > 0

    @staticmethod
    def make(flag):
        return Base(1) if flag else Base(None)


class Child(Base):
    kind = "child"

    def double(self):
        return super().double() or 0


Child(2).double()
Base.make(True).positive
