import sys

seen = []


def tracer(frame, event, arg):
    seen.append(event)
    return tracer


def work(n):
    total = 0
    for i in range(n):
        if i % 2:
            total += i
    return total


old = sys.gettrace()
sys.settrace(tracer)
work(3)
sys.settrace(old)
work(2)
