def render(value, width=0):
    if isinstance(value, float):
        text = f"{value:.2f}"
    elif isinstance(value, int):
        text = "%d" % value
    elif value is None:
        text = "{}".format("null")
    else:
        text = str(value)
    if width and len(text) < width:
        text = text.rjust(width)
    return text


def plural(n, word):
    return f"{n} {word}{'s' if n != 1 else ''}"


def banner(title):
    line = "=" * len(title) if title else ""
    return f"{line}\n{title}\n{line}" if line else "(untitled)"


render(1.5)
render(3, 5)
render("x")
plural(1, "cat")
plural(2, "cat")
banner("Hi")
print(render(None))
