"""Stream uploads (upload(stream=...)) and the scheduling hints of tasks, against nginx."""
import asyncio
import hashlib
import io
import os
import time

import pytest

import urlsession
from conftest import file_sha256, rss_bytes, sha256


@pytest.fixture
def session(server):
    with urlsession.Session(urlsession.Configuration(ca_file=server.ca)) as s:
        yield s


def pattern_chunks(total, size=64 * 1024):
    """A deterministic body of *total* bytes in chunks, never held whole."""
    block = hashlib.sha256(b"urlsession").digest() * (size // 32)
    sent = 0
    while sent < total:
        chunk = block[:min(size, total - sent)]
        sent += len(chunk)
        yield chunk


def pattern_sha256(total):
    h = hashlib.sha256()
    for chunk in pattern_chunks(total):
        h.update(chunk)
    return h.hexdigest()


@pytest.mark.parametrize("base", ["http", "https", "h2c"])
def test_file_object_stream_is_sent_whole(server, base, tmp_path):
    path = tmp_path / "body.bin"
    payload = os.urandom(3 * 1024 * 1024 + 17)
    path.write_bytes(payload)
    configuration = urlsession.Configuration(ca_file=server.ca)
    if base == "h2c":
        configuration.http_version = "2"
    with urlsession.Session(configuration) as s, open(path, "rb") as f:
        body, response = s.upload(getattr(server, base) + "/echo", stream=f)
    assert response.status == 200
    # A regular file's length is found by itself: sent with Content-Length.
    assert response.headers["X-Content-Length"] == str(len(payload))
    assert sha256(body) == sha256(payload)


def test_generator_stream_is_chunked_and_not_held_in_memory(session, server):
    total = 48 * 1024 * 1024
    before = rss_bytes()
    body, response = session.upload(server.http + "/upload/py-stream.bin",
                                    stream=pattern_chunks(total), method="PUT")
    growth = rss_bytes() - before
    assert response.status in (201, 204), (response.status, body)
    assert file_sha256(os.path.join(server.uploads, "py-stream.bin")) == pattern_sha256(total)
    assert growth < 24 * 1024 * 1024, f"RSS grew by {growth} bytes for a {total}-byte body"


def test_length_is_sent_as_content_length(session, server):
    body, response = session.upload(server.http + "/echo", stream=iter([b"abc", b"defg"]),
                                    length=7)
    assert body == b"abcdefg"
    assert response.headers["X-Content-Length"] == "7"


class CountingSource(io.BytesIO):
    """A seekable source that counts how often it was rewound."""

    def __init__(self, data):
        super().__init__(data)
        self.rewinds = 0

    def seek(self, *args):
        self.rewinds += 1
        return super().seek(*args)


def upload_with_full_pipe(session, url, source, length, filled):
    """An upload task resumed only once the feeder has filled the 64 KiB pipe (*filled()*
    is true), with the length given so that curl sends the body at once rather than waiting
    for a "100 Continue" that nginx never sends before its 307: the first hop then surely
    reads some of the stream, and the redirect must ask for the body again. (Had the 307
    come before anything was read, the same stream would simply be sent to the new URL.)"""
    task = session.upload_task(url, stream=source, length=length)
    deadline = time.monotonic() + 10
    while not filled() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert filled(), "the feeder did not fill the pipe"
    task.resume()
    assert task.wait(timeout=30)
    return task


@pytest.mark.parametrize("code", [307, 308])
def test_redirect_rewinds_a_seekable_stream(session, server, code):
    payload = os.urandom(300 * 1024)
    source = CountingSource(b"skipped" + payload)
    source.seek(7)  # the body starts where the stream is, and is replayed from there
    source.rewinds = 0
    # Two chunks read: the first is in the pipe, the second waits for room.
    task = upload_with_full_pipe(session, f"{server.http}/redirect/{code}?to=/echo", source,
                                 len(payload), lambda: source.tell() >= 7 + 2 * 65536)
    assert task.error is None, task.error
    assert task.response.status == 200
    assert task.response.url.endswith("/echo")
    assert sha256(task.data) == sha256(payload)
    assert source.rewinds == 1, "the redirect did not ask for the body again"


def test_redirect_fails_clearly_for_a_one_shot_stream(session, server):
    given = []

    def chunks():
        for chunk in pattern_chunks(300 * 1024):
            given.append(len(chunk))
            yield chunk

    task = upload_with_full_pipe(session, f"{server.http}/redirect/307?to=/echo", chunks(),
                                 300 * 1024, lambda: len(given) >= 2)
    assert isinstance(task.error, urlsession.RequestBodyStreamExhausted), task.error


def test_source_error_fails_the_task_with_it_attached(session, server):
    def broken():
        yield b"x" * 100_000
        raise OSError("the disk went away")

    with pytest.raises(urlsession.URLError) as caught:
        session.upload(server.http + "/echo", stream=broken())
    assert isinstance(caught.value.exception, OSError)
    assert "disk went away" in str(caught.value.exception)


def test_stream_argument_checks(session, server):
    with pytest.raises(TypeError):
        session.upload(server.http + "/echo", stream=b"bytes go in data=")
    with pytest.raises(TypeError):
        session.upload(server.http + "/echo", data=b"x", stream=iter([b"y"]))
    with pytest.raises(TypeError):
        session.upload(server.http + "/echo", stream=42)
    with pytest.raises(urlsession.URLError) as caught:
        session.upload(server.http + "/echo", stream=iter(["text is not bytes"]))
    assert isinstance(caught.value.exception, TypeError)


def test_stream_upload_task_reports_progress_with_the_hinted_total(server):
    events = []
    delegate = {"did_send_body_data": lambda task, sent, total, expected:
                events.append((total, expected))}
    total = 2 * 1024 * 1024
    with urlsession.Session(delegate=delegate) as s:
        task = s.upload_task(server.http + "/echo", stream=pattern_chunks(total))
        assert task.count_of_bytes_expected_to_send == -1
        task.count_of_bytes_client_expects_to_send = total
        assert task.count_of_bytes_client_expects_to_send == total
        task.resume()
        assert task.wait(timeout=60)
        assert task.error is None
        assert sha256(task.data) == pattern_sha256(total)
    assert events and events[-1] == (total, total)


def test_async_stream_upload(server):
    async def main():
        async with urlsession.Session() as s:
            return await s.aupload(server.http + "/echo", stream=pattern_chunks(1 << 20))

    body, response = asyncio.run(main())
    assert response.status == 200
    assert sha256(body) == pattern_sha256(1 << 20)


# ---- scheduling hints ----


def test_earliest_begin_date_delays_the_start(session, server):
    task = session.data_task(server.http + "/files/small.txt")
    assert task.earliest_begin_date is None
    start = time.time()
    task.earliest_begin_date = start + 1.0
    assert task.earliest_begin_date == pytest.approx(start + 1.0)
    task.resume()
    assert task.wait(timeout=30)
    elapsed = time.time() - start
    assert task.error is None
    assert task.response.status == 200
    assert elapsed >= 0.95, f"started after {elapsed:.3f} s, before its earliest begin date"


@pytest.mark.parametrize("answer", ["continue", "replace", "cancel"])
def test_will_begin_delayed_request(server, answer):
    seen = []

    def will_begin_delayed_request(task, request):
        seen.append(request.url)
        if answer == "replace":
            return urlsession.Request(server.http + "/method", method="DELETE")
        return False if answer == "cancel" else None

    with urlsession.Session(delegate={"will_begin_delayed_request":
                                      will_begin_delayed_request}) as s:
        task = s.data_task(server.http + "/files/small.txt")
        task.earliest_begin_date = time.time() + 0.3
        task.resume()
        assert task.wait(timeout=30)
    assert seen == [server.http + "/files/small.txt"]
    if answer == "cancel":
        assert isinstance(task.error, urlsession.Cancelled)
    else:
        assert task.error is None
        assert task.data == (b"DELETE\n" if answer == "replace" else b"hello world\n")


def test_hints_round_trip_and_checks(session, server):
    task = session.data_task(server.http + "/files/small.txt")
    task.priority = 0.9
    assert task.priority == pytest.approx(0.9)
    task.count_of_bytes_client_expects_to_receive = 12345
    assert task.count_of_bytes_client_expects_to_receive == 12345
    assert task.count_of_bytes_expected_to_receive == 12345
    task.count_of_bytes_client_expects_to_receive = None
    assert task.count_of_bytes_expected_to_receive == -1
    task.earliest_begin_date = None
    assert task.earliest_begin_date is None
    with pytest.raises(ValueError):
        task.priority = 1.5
    with pytest.raises(ValueError):
        task.earliest_begin_date = float("inf")
    with pytest.raises(ValueError):
        task.count_of_bytes_client_expects_to_send = -5
    task.cancel()
