import asyncio


async def fetch(n):
    await asyncio.sleep(0)
    if n:
        return n
    return None


async def agen(limit):
    for i in range(limit):
        yield i


async def main():
    values = [await fetch(1)]
    async for item in agen(2):
        if item:
            values.append(item)
    async with asyncio.Lock():
        values.append(0)
    return values


asyncio.run(main())
