#!/usr/bin/python3
"""bench_py.py — the Python contenders of test/bench: aiohttp, httpx, requests and the
liburlsession binding, each written the way its documentation suggests.

    bench_py.py LIBRARY MODE URL [--to FILE] [--ca FILE] [--http2] [--count N]
                [--window N] [--conns N] [--rate B/S] [--timeout S]

MODE is download | many | tasks | stream | ttfb, as for the C contenders
(bench_measure.h); the result is one JSON line on stdout. A LIBRARY that cannot do the
asked work (requests over HTTP/2, aiohttp over HTTP/2, requests with 10,000 requests at
once) exits 3 and the runner leaves the cell empty.
"""
import argparse
import asyncio
import json
import os
import statistics
import sys
import time

CHUNK = 1 << 20
UNSUPPORTED = 3


def memory_kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def pace(start, consumed, rate):
    wait = start + consumed / rate - time.monotonic()
    if wait > 0:
        time.sleep(wait)


async def apace(start, consumed, rate):
    wait = start + consumed / rate - time.monotonic()
    if wait > 0:
        await asyncio.sleep(wait)


class Result(dict):
    def __init__(self):
        super().__init__(bytes=0, ok=0, failed=0, baseline_kib=0, hwm_kib=0,
                         ttfb_fresh_ms=-1, ttfb_reused_ms=-1, protocol="")


def unsupported(why):
    print(f"bench_py: {why}", file=sys.stderr)
    sys.exit(UNSUPPORTED)


# ---- liburlsession -------------------------------------------------------------------

def run_urlsession(a, r):
    import urlsession

    def configuration():
        return urlsession.Configuration(ca_file=a.ca, http_version="2" if a.http2 else "1.1",
                                        max_connections_per_host=a.conns,
                                        timeout_interval_for_request=120,
                                        url_cache=None)  # as bench_urlsession.c: no cache

    if a.mode in ("download", "stream"):
        with urlsession.Session(configuration()) as session:
            if a.to:
                response = session.download(a.url, to=a.to)
                r["ok"] = int(response.status == 200)
                r["bytes"] = os.path.getsize(a.to)
                r["protocol"] = response.http_version
                return
            r["baseline_kib"] = memory_kib("VmRSS")
            start = time.monotonic()
            with session.stream(a.url) as s:
                for chunk in s.iter_bytes():
                    r["bytes"] += len(chunk)
                    if a.mode == "stream":
                        pace(start, r["bytes"], a.rate)
                r["ok"] = int(s.status == 200)
                r["protocol"] = s.response.http_version
    elif a.mode in ("many", "tasks"):
        async def main():
            async with urlsession.Session(configuration()) as session:
                if a.mode == "tasks":
                    await session.adata(a.url)
                    r["baseline_kib"] = memory_kib("VmRSS")
                await gather_window(a, r, lambda: session.adata(a.url),
                                    lambda result: (len(result[0]), result[1].status,
                                                    result[1].http_version))
        asyncio.run(asyncio.wait_for(main(), a.timeout))
    elif a.mode == "ttfb":
        fresh, reused = [], []
        for _ in range(a.count):
            with urlsession.Session(configuration()) as session:
                for times in (fresh, reused):
                    start = time.monotonic()
                    with session.stream(a.url) as s:
                        times.append((time.monotonic() - start) * 1e3)
                        s.read()
                        r["ok"] += int(s.status == 200)
                        r["protocol"] = s.response.http_version
        r["ttfb_fresh_ms"], r["ttfb_reused_ms"] = statistics.median(fresh), statistics.median(reused)


async def gather_window(a, r, request, describe):
    """Runs a.count requests, a.window at a time (all at once for tasks)."""
    window = a.count if a.mode == "tasks" else a.window
    semaphore = asyncio.Semaphore(window)

    async def one():
        async with semaphore:
            try:
                length, status, protocol = describe(await request())
            except Exception as error:  # noqa: BLE001 - counted, and the run fails
                print(f"bench_py: {error!r}", file=sys.stderr)
                r["failed"] += 1
                return
            r["bytes"] += length
            r["ok" if status == 200 else "failed"] += 1
            r["protocol"] = protocol

    await asyncio.gather(*(one() for _ in range(a.count)))


# ---- aiohttp ----------------------------------------------------------------------------

def run_aiohttp(a, r):
    import ssl
    import aiohttp

    if a.http2:
        unsupported("aiohttp speaks HTTP/1.1 only")
    context = ssl.create_default_context(cafile=a.ca) if a.ca else None

    def connector():
        return aiohttp.TCPConnector(limit=0 if a.mode == "tasks" else a.conns,
                                    limit_per_host=a.conns, ssl=context)

    async def get_body(session):
        async with session.get(a.url) as response:
            body = await response.read()
            return len(body), response.status, "http/1.1"

    async def main():
        timeout = aiohttp.ClientTimeout(total=None, sock_read=120)
        if a.mode in ("download", "stream"):
            async with aiohttp.ClientSession(connector=connector(), timeout=timeout) as session:
                r["baseline_kib"] = memory_kib("VmRSS")
                start = time.monotonic()
                async with session.get(a.url) as response:
                    out = open(a.to, "wb") if a.to else None
                    async for chunk in response.content.iter_chunked(CHUNK):
                        r["bytes"] += len(chunk)
                        if out:
                            out.write(chunk)
                        if a.mode == "stream":
                            await apace(start, r["bytes"], a.rate)
                    if out:
                        out.close()
                    r["ok"] = int(response.status == 200)
                    r["protocol"] = "http/1.1"
        elif a.mode in ("many", "tasks"):
            async with aiohttp.ClientSession(connector=connector(), timeout=timeout) as session:
                if a.mode == "tasks":
                    await get_body(session)
                    r["baseline_kib"] = memory_kib("VmRSS")
                await gather_window(a, r, lambda: get_body(session), lambda x: x)
        elif a.mode == "ttfb":
            fresh, reused = [], []
            for _ in range(a.count):
                async with aiohttp.ClientSession(connector=connector()) as session:
                    for times in (fresh, reused):
                        start = time.monotonic()
                        async with session.get(a.url) as response:
                            times.append((time.monotonic() - start) * 1e3)
                            await response.read()
                            r["ok"] += int(response.status == 200)
            r["ttfb_fresh_ms"] = statistics.median(fresh)
            r["ttfb_reused_ms"] = statistics.median(reused)
            r["protocol"] = "http/1.1"

    asyncio.run(asyncio.wait_for(main(), a.timeout))


# ---- httpx ------------------------------------------------------------------------------

def run_httpx(a, r):
    import httpx

    limits = httpx.Limits(max_connections=None if a.mode == "tasks" else a.conns,
                          max_keepalive_connections=a.conns)
    options = dict(http2=a.http2, http1=not a.http2, verify=a.ca or True, limits=limits,
                   timeout=httpx.Timeout(120.0, pool=None))
    if a.mode in ("download", "stream"):
        with httpx.Client(**options) as client:
            r["baseline_kib"] = memory_kib("VmRSS")
            start = time.monotonic()
            with client.stream("GET", a.url) as response:
                out = open(a.to, "wb") if a.to else None
                for chunk in response.iter_raw(CHUNK):
                    r["bytes"] += len(chunk)
                    if out:
                        out.write(chunk)
                    if a.mode == "stream":
                        pace(start, r["bytes"], a.rate)
                if out:
                    out.close()
                r["ok"] = int(response.status_code == 200)
                r["protocol"] = response.http_version
    elif a.mode in ("many", "tasks"):
        async def main():
            async with httpx.AsyncClient(**options) as client:
                if a.mode == "tasks":
                    await client.get(a.url)
                    r["baseline_kib"] = memory_kib("VmRSS")
                await gather_window(a, r, lambda: client.get(a.url),
                                    lambda x: (len(x.content), x.status_code, x.http_version))
        asyncio.run(asyncio.wait_for(main(), a.timeout))
    elif a.mode == "ttfb":
        fresh, reused = [], []
        for _ in range(a.count):
            with httpx.Client(**options) as client:
                for times in (fresh, reused):
                    start = time.monotonic()
                    with client.stream("GET", a.url) as response:
                        times.append((time.monotonic() - start) * 1e3)
                        response.read()
                        r["ok"] += int(response.status_code == 200)
                        r["protocol"] = response.http_version
        r["ttfb_fresh_ms"], r["ttfb_reused_ms"] = statistics.median(fresh), statistics.median(reused)


# ---- requests ---------------------------------------------------------------------------

def run_requests(a, r):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import requests

    if a.http2:
        unsupported("requests speaks HTTP/1.1 only")
    if a.mode == "tasks":
        unsupported("requests blocks a thread per request: 10,000 at once is not its model")
    verify = a.ca or True
    if a.mode in ("download", "stream"):
        with requests.Session() as session:
            r["baseline_kib"] = memory_kib("VmRSS")
            start = time.monotonic()
            with session.get(a.url, stream=True, verify=verify, timeout=120) as response:
                out = open(a.to, "wb") if a.to else None
                for chunk in response.iter_content(CHUNK):
                    r["bytes"] += len(chunk)
                    if out:
                        out.write(chunk)
                    if a.mode == "stream":
                        pace(start, r["bytes"], a.rate)
                if out:
                    out.close()
                r["ok"] = int(response.status_code == 200)
                r["protocol"] = "http/1.1"
    elif a.mode == "many":
        local = threading.local()
        lock = threading.Lock()

        def one(_):
            if not hasattr(local, "session"):
                local.session = requests.Session()
            response = local.session.get(a.url, verify=verify, timeout=120)
            with lock:
                r["bytes"] += len(response.content)
                r["ok" if response.status_code == 200 else "failed"] += 1

        with ThreadPoolExecutor(max_workers=a.conns) as pool:
            list(pool.map(one, range(a.count)))
        r["protocol"] = "http/1.1"
    elif a.mode == "ttfb":
        fresh, reused = [], []
        for _ in range(a.count):
            with requests.Session() as session:
                for times in (fresh, reused):
                    start = time.monotonic()
                    with session.get(a.url, stream=True, verify=verify, timeout=120) as response:
                        times.append((time.monotonic() - start) * 1e3)
                        response.content
                        r["ok"] += int(response.status_code == 200)
        r["ttfb_fresh_ms"], r["ttfb_reused_ms"] = statistics.median(fresh), statistics.median(reused)
        r["protocol"] = "http/1.1"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("library", choices=["urlsession", "aiohttp", "httpx", "requests"])
    parser.add_argument("mode", choices=["download", "many", "tasks", "stream", "ttfb"])
    parser.add_argument("url")
    parser.add_argument("--to")
    parser.add_argument("--ca")
    parser.add_argument("--http2", action="store_true")
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--window", type=int, default=64)
    parser.add_argument("--conns", type=int, default=6)
    parser.add_argument("--rate", type=float, default=100e6)
    parser.add_argument("--timeout", type=float, default=600)
    a = parser.parse_args()
    r = Result()
    globals()["run_" + a.library](a, r)
    r["hwm_kib"] = memory_kib("VmHWM")
    print(json.dumps(r), flush=True)
    expected = {"download": 1, "stream": 1, "many": a.count, "tasks": a.count,
                "ttfb": 2 * a.count}[a.mode]
    return 0 if r["ok"] == expected and r["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
