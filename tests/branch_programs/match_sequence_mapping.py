def handle(command):
    match command:
        case []:
            return "empty"
        case ["go", direction]:
            return "go " + direction
        case ["pick", *items] if len(items) > 2:
            return "many"
        case ["pick", *items]:
            return "few"
        case {"action": "stop", **rest}:
            return "stop" if not rest else "stop+"
        case {"action": action}:
            return action
        case ("quit" | "exit"):
            return "bye"
    return None


def literal_only(code):
    result = "?"
    match code:
        case 200 | 201:
            result = "ok"
        case 404:
            result = "missing"
        case 500:
            pass
    return result


handle(["go", "north"])
handle(["pick", "a"])
handle({"action": "stop"})
handle("quit")
handle(42)
literal_only(200)
literal_only(404)
print(literal_only(999))
