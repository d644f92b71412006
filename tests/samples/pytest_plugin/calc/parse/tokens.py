OPERATORS = {"+", "-", "*", "/"}


def tokenize(text):
    tokens = []
    number = ""
    for char in text:
        if char.isdigit():
            number += char
        elif char in OPERATORS:
            if number:
                tokens.append(int(number))
                number = ""
            tokens.append(char)
        elif char == " ":
            continue
        else:
            raise ValueError(f"bad character {char!r}")
    if number:
        tokens.append(int(number))
    return tokens


def untokenize(tokens):
    return " ".join(str(token) for token in tokens)
