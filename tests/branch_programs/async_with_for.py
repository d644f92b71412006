import asyncio


class Session:
    def __init__(self, fail):
        self.fail = fail
        self.open = False

    async def __aenter__(self):
        await asyncio.sleep(0)
        self.open = True
        return self

    async def __aexit__(self, exc_type, exc, tb):
        if self.open:
            self.open = False
        if exc_type is KeyError:
            return True
        return False

    async def query(self, key):
        if self.fail:
            raise KeyError(key)
        return key * 2


class Ticker:
    def __init__(self, stop):
        self.stop = stop
        self.n = 0

    def __aiter__(self):
        return self

    async def __anext__(self):
        self.n += 1
        if self.n > self.stop:
            raise StopAsyncIteration
        return self.n


async def run(fail):
    results = []
    async with Session(fail) as session:
        async for tick in Ticker(3):
            if tick == 2:
                continue
            results.append(await session.query(tick))
    else_hit = False
    async for tick in Ticker(1):
        if tick > 5:
            break
    else:
        else_hit = True
    return results, else_hit


async def main():
    first = await run(False)
    second = await run(True)
    return first, second


asyncio.run(main())
