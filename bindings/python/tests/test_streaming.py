"""Streaming: iterate over a body with bounded memory; backpressure pauses the transfer."""
import hashlib
import os
import time

import pytest

import urlsession
from conftest import file_sha256, read_file, rss_bytes


def test_stream_whole_body(server):
    h = hashlib.sha256()
    with urlsession.Session() as s:
        with s.stream(server.http + "/files/10m.bin") as r:
            assert r.status == 200
            assert r.headers["content-length"] == "10485760"
            for chunk in r.iter_bytes():
                h.update(chunk)
    assert h.hexdigest() == file_sha256(os.path.join(server.www, "10m.bin"))


def test_stream_bounded_memory(server):
    """100 MB through iter_bytes() without the process growing by anything like it."""
    configuration = urlsession.Configuration(max_buffered_bytes=256 * 1024)
    total = 0
    peak = before = rss_bytes()
    with urlsession.Session(configuration) as s:
        with s.stream(server.http + "/files/100m.bin") as r:
            for i, chunk in enumerate(r.iter_bytes()):
                total += len(chunk)
                if i % 64 == 0:
                    peak = max(peak, rss_bytes())
    assert total == 100 * 1024 * 1024
    assert peak - before < 40 * 1024 * 1024, f"RSS grew by {(peak - before) >> 20} MiB"


def test_backpressure_pauses_when_python_does_not_consume(server):
    configuration = urlsession.Configuration(max_buffered_bytes=64 * 1024)
    with urlsession.Session(configuration) as s:
        with s.stream(server.http + "/files/100m.bin") as r:
            first = next(r.iter_bytes())
            time.sleep(1.0)  # nothing consumes: the library must pause the transfer
            received = r.task.count_of_bytes_received
            assert received < 8 * 1024 * 1024, f"{received} bytes read while not consuming"
            time.sleep(0.3)
            assert r.task.count_of_bytes_received - received < 1024 * 1024
            # Consuming again makes progress.
            more = 0
            for chunk in r.iter_bytes():
                more += len(chunk)
                if more > 4 * 1024 * 1024:
                    break
            assert more > 4 * 1024 * 1024
            assert first
    # Leaving early cancelled the rest.
    assert isinstance(r.task.error, urlsession.Cancelled)


def test_stream_error_before_response(stalling_server):
    with urlsession.Session() as s:
        with pytest.raises(urlsession.TimedOut):
            with s.stream(f"http://127.0.0.1:{stalling_server.port}/", timeout=0.5):
                pass


def test_stream_read(server):
    with urlsession.Session() as s:
        with s.stream(server.http + "/files/small.txt") as r:
            assert r.read() == read_file(os.path.join(server.www, "small.txt"))
