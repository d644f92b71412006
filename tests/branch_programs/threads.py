import threading

results = []


def worker(n):
    if n % 2:
        results.append(n)
    else:
        results.append(-n)


threads = [threading.Thread(target=worker, args=(i,)) for i in range(3)]
for t in threads:
    t.start()
for t in threads:
    t.join()
