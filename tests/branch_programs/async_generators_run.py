import asyncio


async def ticker(n):
    for i in range(n):
        if i == 3:
            return
        await asyncio.sleep(0)
        yield i


async def filtered(source):
    async for item in source:
        if item % 2:
            continue
        yield item


async def main():
    got = [x async for x in filtered(ticker(10))]
    empty = [x async for x in ticker(0)]
    if empty:
        return None
    gen = ticker(5)
    first = await gen.__anext__()
    await gen.aclose()
    return got, first


print(asyncio.run(main()))
