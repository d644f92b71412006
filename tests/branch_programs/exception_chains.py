class AppError(Exception):
    pass


def load(key):
    data = {"a": "1", "b": "x"}
    try:
        raw = data[key]
    except KeyError as exc:
        raise AppError("missing") from exc
    try:
        return int(raw)
    except ValueError:
        raise AppError("bad value") from None


def safe_load(key):
    try:
        return load(key)
    except AppError as err:
        if err.__cause__ is not None:
            return "cause"
        if err.__suppress_context__:
            return "suppressed"
        raise


safe_load("a")
safe_load("missing")
print(safe_load("b"))
