import io


def read_chunks(text):
    stream = io.StringIO(text)
    chunks = []
    while (chunk := stream.read(4)):
        if len(chunk) < 4:
            chunks.append(chunk.upper())
        else:
            chunks.append(chunk)
    return chunks


def lookup(mapping, key):
    if (value := mapping.get(key)) is not None:
        return value
    if (n := len(mapping)) > 10:
        return n
    return None


def process(data):
    return [y for x in data if (y := x * 2) > 4]


read_chunks("abcdefghij")
lookup({"a": 1}, "a")
lookup({"a": 1}, "b")
print(process([1, 2, 3]))
