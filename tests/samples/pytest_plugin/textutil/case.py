def title(text):
    return " ".join(word.capitalize() for word in text.split())


def snake(text):
    if not text:
        return ""
    return "_".join(text.lower().split())


def shout(text):  # pragma: no cover
    return text.upper() + "!"
