"""Fail early, with a clear message, when the tests' PostgreSQL server is not reachable."""

import asyncio
import os
import sys

import asyncpg

URL = os.environ.get("PHI_PROXY_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


async def main() -> None:
    await (await asyncpg.connect(URL, timeout=5)).close()


try:
    asyncio.run(main())
except Exception as e:  # noqa: BLE001 - any failure gets the same advice
    sys.exit(
        f"PostgreSQL is not reachable at {URL} ({type(e).__name__}); the store and cluster tests "
        "and the PostgreSQL pass need it (start it, or point PHI_PROXY_TEST_PG at one)"
    )
