UNITS = {
    "mm": 0.001,
    "cm": 0.01,
    "m": 1.0,
}


def to_metres(value, unit):
    try:
        factor = UNITS[unit]
    except KeyError:
        raise ValueError(f"unknown unit {unit!r}") from None
    return value * factor


def debug_dump():  # pragma: no cover
    for unit, factor in UNITS.items():
        print(unit, factor)
