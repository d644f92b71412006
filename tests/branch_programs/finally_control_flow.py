def loop_with_finally(items):
    seen = []
    for item in items:
        try:
            if item == "skip":
                continue
            if item == "stop":
                break
            seen.append(item)
        finally:
            seen.append("f")
    return seen


def continue_in_finally(items):
    count = 0
    for item in items:
        try:
            count += int(item)
        except ValueError:
            continue
        finally:
            if count > 100:
                continue
        count += 1
    return count


def return_in_except(x):
    try:
        return 10 // x
    except ZeroDivisionError:
        if x == 0:
            return None
        raise
    finally:
        x = -1


def break_in_except(items):
    total = 0
    for item in items:
        try:
            total += item
        except TypeError:
            break
    return total


loop_with_finally(["a", "skip", "b", "stop", "c"])
continue_in_finally(["1", "x", "2"])
return_in_except(2)
return_in_except(0)
break_in_except([1, 2, None, 3])
