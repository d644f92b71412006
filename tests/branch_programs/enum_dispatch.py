import enum


class Color(enum.Enum):
    RED = 1
    GREEN = 2
    BLUE = 3


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


def describe(color):
    if color is Color.RED:
        return "warm"
    elif color in (Color.GREEN, Color.BLUE):
        return "cool"
    return "unknown"


HANDLERS = {Color.RED: lambda: "stop", Color.GREEN: lambda: "go"}


def action(color):
    handler = HANDLERS.get(color)
    if handler is None:
        return "wait"
    return handler()


def level_name(level):
    match level:
        case Level.LOW:
            return "low"
        case Level.HIGH:
            return "high"


describe(Color.RED)
describe(Color.BLUE)
action(Color.GREEN)
action(Color.BLUE)
print(level_name(Level.LOW))
