"""Data, download and upload against nginx: bytes, headers, progress, redirects, metrics."""
import os
import threading

import pytest

import urlsession
from conftest import file_sha256, read_file, sha256


@pytest.fixture
def session(server):
    with urlsession.Session(urlsession.Configuration(ca_file=server.ca)) as s:
        yield s


@pytest.mark.parametrize("base", ["http", "https", "h2c"])
def test_data_bytes_match(server, base):
    configuration = urlsession.Configuration(ca_file=server.ca)
    if base == "h2c":
        configuration.http_version = "2"
    with urlsession.Session(configuration) as s:
        body, response = s.data(getattr(server, base) + "/files/1m.bin")
    assert response.status == 200
    assert sha256(body) == file_sha256(os.path.join(server.www, "1m.bin"))
    assert response.expected_content_length == 1048576
    assert response.http_version == ("http/1.1" if base == "http" else "h2")


def test_response_fields_and_headers(session, server):
    body, response = session.data(server.http + "/files/small.txt")
    assert response.url == server.http + "/files/small.txt"
    assert response.mime_type == "text/plain"
    assert response.text_encoding == "utf-8"
    assert response.suggested_filename == "small.txt"
    assert response.headers["CONTENT-LENGTH"] == str(len(body))
    assert "content-type" in response.headers
    _, repeated = session.data(server.http + "/repeat")
    assert repeated.headers.get_all("x-repeat") == ["one", "two"]
    assert repeated.headers["X-Repeat"] == "one, two"
    assert repeated.headers.get_all("Set-Cookie") == ["a=1; Path=/", "b=2; Path=/"]
    assert ("X-Repeat", "two") in repeated.headers.multi_items()


def test_status_is_not_an_error(session, server):
    body, response = session.data(server.http + "/status/404")
    assert response.status == 404
    assert not response.ok


def test_request_method_headers_and_body(session, server):
    body, _ = session.data(urlsession.Request(server.http + "/method", method="DELETE"))
    assert body == b"DELETE\n"
    request = urlsession.Request(server.http + "/echo", method="POST", body=b"x" * 5000,
                                 headers={"X-Test": "yes"})
    body, response = session.data(request)
    assert body == b"x" * 5000
    assert response.headers["x-method"] == "POST"


def test_upload_data_and_file(session, server, tmp_path):
    payload = os.urandom(3 * 1024 * 1024 + 17)
    body, response = session.upload(server.http + "/echo", data=payload)
    assert response.status == 200 and sha256(body) == sha256(payload)

    path = tmp_path / "payload.bin"
    path.write_bytes(payload)
    body, response = session.upload(server.http + "/upload/py-put.bin", file=path, method="PUT")
    assert response.status in (201, 204)
    assert file_sha256(os.path.join(server.uploads, "py-put.bin")) == sha256(payload)


def test_upload_progress_reaches_total(server):
    events = []
    delegate = {"did_send_body_data": lambda task, sent, total, expected:
                events.append((total, expected))}
    payload = os.urandom(2 * 1024 * 1024)
    with urlsession.Session(delegate=delegate) as s:
        body, _ = s.upload(server.http + "/echo", data=payload)
    assert body == payload
    assert events and events[-1] == (len(payload), len(payload))
    assert [total for total, _ in events] == sorted(total for total, _ in events)


def test_download_sha_and_progress(session, server, tmp_path):
    target = tmp_path / "10m.bin"
    progress = []
    response = session.download(server.http + "/files/10m.bin", to=target,
                                progress=lambda written, total: progress.append((written, total)))
    assert response.status == 200
    assert file_sha256(target) == file_sha256(os.path.join(server.www, "10m.bin"))
    assert progress[-1] == (10485760, 10485760)
    assert [w for w, _ in progress] == sorted(w for w, _ in progress)


def test_download_file_appears_only_when_complete(server, tmp_path):
    target = tmp_path / "slow.bin"
    seen_early = []

    def on_progress(written, total):
        seen_early.append(target.exists())

    with urlsession.Session() as s:
        task = s.download_task(server.http + "/slow/1m.bin?rate=2m", to=target,
                               progress=on_progress)
        task.resume()
        assert task.wait(30)
        assert task.error is None
    assert seen_early and not any(seen_early)
    assert file_sha256(target) == file_sha256(os.path.join(server.www, "1m.bin"))

    # A cancelled download leaves nothing behind.
    gone = tmp_path / "cancelled.bin"
    with urlsession.Session() as s:
        task = s.download_task(server.http + "/slow/1m.bin?rate=64k", to=gone,
                               progress=lambda w, t: task.cancel())
        task.resume()
        assert task.wait(30)
        assert isinstance(task.error, urlsession.Cancelled)
    assert not gone.exists()


def test_task_progress_counters_and_metrics(session, server):
    task = session.data_task(server.http + "/files/1m.bin")
    assert task.state == urlsession.TaskState.SUSPENDED
    task.resume()
    assert task.wait(30) is True
    assert task.state == urlsession.TaskState.COMPLETED
    assert task.progress == 1.0
    assert task.count_of_bytes_received == 1048576
    assert task.count_of_bytes_expected_to_receive == 1048576
    assert len(task.data) == 1048576
    metrics = task.metrics
    assert isinstance(metrics, dict)
    assert metrics["redirect_count"] == 0
    assert len(metrics["transactions"]) == 1
    assert task.response.status == 200
    assert task.error is None


def test_task_delegate_collects_metrics(server):
    got = {}
    with urlsession.Session(delegate={"did_finish_collecting_metrics":
                                      lambda task, m: got.update(m)}) as s:
        task = s.data_task(server.http + "/files/small.txt")
        task.resume()
        task.wait(30)
    assert got["transactions"]


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_redirects_followed(session, server, code):
    body, response = session.data(server.http + f"/redirect/{code}?to=/files/small.txt")
    assert response.status == 200
    assert response.url.endswith("/files/small.txt")
    assert body == read_file(os.path.join(server.www, "small.txt"))


def test_redirect_refused_and_replaced(server):
    class Refuse:
        def will_perform_redirection(self, task, response, new_request):
            assert response.status == 302
            assert new_request.url.endswith("/files/small.txt")
            return False

    with urlsession.Session(delegate=Refuse()) as s:
        _, response = s.data(server.http + "/redirect/302?to=/files/small.txt")
    assert response.status == 302

    class Replace:
        def will_perform_redirection(self, task, response, new_request):
            return urlsession.Request(server.http + "/method", method="PUT", body=b"x")

    with urlsession.Session(delegate=Replace()) as s:
        body, response = s.data(server.http + "/redirect/302?to=/files/small.txt")
    assert body == b"PUT\n"


def test_redirect_chain_metrics(session, server):
    task = session.data_task(server.http + "/redirect/chain")
    task.resume()
    task.wait(30)
    # /redirect/chain -> 1 -> 2 -> 3 -> /files/small.txt: four redirects
    assert task.metrics["redirect_count"] == 4
    assert len(task.metrics["transactions"]) == 5
    assert task.response.url.endswith("/files/small.txt")


def test_concurrent_waits_from_threads(server):
    """Several threads wait on tasks of one session at once: one dispatches at a time and
    every wait returns when its own task completes."""
    results = {}
    with urlsession.Session() as s:
        def fetch(i):
            body, response = s.data(server.http + "/files/1m.bin")
            results[i] = (len(body), response.status)

        threads = [threading.Thread(target=fetch, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert results == {i: (1048576, 200) for i in range(8)}


def test_wait_timeout_and_suspend(server):
    with urlsession.Session() as s:
        task = s.data_task(server.http + "/files/small.txt")
        assert task.wait(0.2) is False  # never resumed
        task.resume()
        task.suspend()
        assert task.state == urlsession.TaskState.SUSPENDED
        task.resume()
        assert task.wait(30)
