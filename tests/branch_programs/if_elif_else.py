def classify(n):
    if n < 0:
        kind = "negative"
    elif n == 0:
        kind = "zero"
    elif n < 10:
        kind = "small"
    else:
        kind = "large"
    return kind


def only_if(flag):
    result = 0
    if flag:
        result = 1
    return result


for value in (-1, 0, 5):
    classify(value)
only_if(True)
if __name__ == "__main__":
    print("done")
