from dataclasses import dataclass


@dataclass
class Point:
    x: int
    y: int


@dataclass
class Circle:
    center: Point
    radius: int


def classify(shape):
    match shape:
        case Point(x=0, y=0):
            return "origin"
        case Point(x=0):
            return "on y axis"
        case Point(x=x, y=y) if x == y:
            return "diagonal"
        case Circle(center=Point(x=0, y=0), radius=r) if r > 10:
            return "big centered circle"
        case Circle(radius=r):
            return f"circle {r}"
        case int() | float():
            return "number"
        case _:
            return "unknown"


for item in (Point(0, 0), Point(2, 2), Circle(Point(1, 1), 3), 7):
    classify(item)
print(classify(Point(0, 5)))
