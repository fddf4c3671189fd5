"""asyncio: many concurrent requests on one loop, cancellation, downloads and uploads."""
import asyncio
import hashlib
import os
import threading

import pytest

import urlsession
from conftest import file_sha256, sha256


def test_hundred_concurrent_requests(server):
    expected = {name: file_sha256(os.path.join(server.www, name))
                for name in ("1k.bin", "1m.bin", "small.txt")}
    names = [("1k.bin", "1m.bin", "small.txt")[i % 3] for i in range(100)]
    threads_before = threading.active_count()

    async def main():
        async with urlsession.Session() as s:
            return await asyncio.gather(*[s.adata(server.http + "/files/" + n) for n in names])

    results = asyncio.run(main())
    assert len(results) == 100
    for name, (body, response) in zip(names, results):
        assert response.status == 200
        assert sha256(body) == expected[name]
    # No thread per task: at most the library's own threads were added.
    assert threading.active_count() <= threads_before + 4


def test_coroutine_cancellation_cancels_the_task(server):
    async def main():
        s = urlsession.Session()
        future = asyncio.ensure_future(s.adata(server.http + "/slow/1m.bin?rate=64k"))
        await asyncio.sleep(0.3)
        [task] = s.tasks
        assert task.state == urlsession.TaskState.RUNNING
        future.cancel()
        with pytest.raises(asyncio.CancelledError):
            await future
        assert task.state in (urlsession.TaskState.CANCELING, urlsession.TaskState.COMPLETED)
        return s, task

    s, task = asyncio.run(main())
    assert task.wait(10)
    assert isinstance(task.error, urlsession.Cancelled)
    s.invalidate_and_cancel()


def test_wait_for_timeout_cancels(server):
    async def main():
        async with urlsession.Session() as s:
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(s.adata(server.http + "/slow/1m.bin?rate=64k"), 0.3)
            body, _ = await s.adata(server.http + "/files/small.txt")
            return body

    assert asyncio.run(main())


def test_adownload_and_aupload(server, tmp_path):
    payload = os.urandom(1 << 20)

    async def main():
        async with urlsession.Session() as s:
            download = s.adownload(server.http + "/files/1m.bin", to=tmp_path / "a.bin")
            upload = s.aupload(server.http + "/echo", data=payload)
            return await asyncio.gather(download, upload)

    response, (body, upload_response) = asyncio.run(main())
    assert response.status == 200
    assert file_sha256(tmp_path / "a.bin") == file_sha256(os.path.join(server.www, "1m.bin"))
    assert body == payload and upload_response.status == 200


def test_async_errors_raise(stalling_server):
    async def main():
        async with urlsession.Session() as s:
            await s.adata(f"http://127.0.0.1:{stalling_server.port}/", timeout=0.5)

    with pytest.raises(urlsession.TimedOut):
        asyncio.run(main())


def test_loop_stays_responsive(server):
    ticks = []

    async def ticker():
        while True:
            ticks.append(1)
            await asyncio.sleep(0.01)

    async def main():
        t = asyncio.ensure_future(ticker())
        async with urlsession.Session() as s:
            await s.adata(server.http + "/slow/1m.bin?rate=2m")
        t.cancel()

    asyncio.run(main())
    assert len(ticks) > 10
