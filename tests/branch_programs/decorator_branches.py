import functools

REGISTRY = {}


def register(name=None):
    def decorator(func):
        key = name if name else func.__name__
        if key in REGISTRY:
            raise KeyError(key)
        REGISTRY[key] = func
        return func
    return decorator


def cached(func):
    cache = {}

    @functools.wraps(func)
    def wrapper(arg):
        if arg in cache:
            return cache[arg]
        result = func(arg)
        if result is not None:
            cache[arg] = result
        return result
    return wrapper


@register()
@cached
def double(x):
    return x * 2


@register("triple")
def triple(x):
    return x * 3


double(2)
double(2)
triple(1)
print(sorted(REGISTRY))
