from dataclasses import dataclass, field


@dataclass
class Item:
    name: str
    price: float = 0.0
    tags: list = field(default_factory=list)

    def __post_init__(self):
        if not self.name:
            raise ValueError("name")
        if self.price < 0:
            self.price = 0.0
        elif self.price > 1000:
            self.tags.append("luxury")
        for tag in self.tags:
            if tag.startswith("_"):
                self.tags.remove(tag)
                break


@dataclass(frozen=True)
class Pair:
    a: int
    b: int

    def __post_init__(self):
        if self.a > self.b:
            object.__setattr__(self, "a", self.b)


Item("pen", -1)
Item("car", 5000)
try:
    Item("")
except ValueError:
    pass
print(Pair(1, 2))
