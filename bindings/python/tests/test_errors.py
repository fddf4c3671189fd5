"""Errors: exception classes and codes, timeouts, cancellation."""
import os
import time

import pytest

import urlsession
from conftest import free_port


def test_error_hierarchy():
    assert issubclass(urlsession.TimedOut, urlsession.URLError)
    assert urlsession.TimedOut.code == -1001
    assert urlsession.Cancelled.code == -999
    assert urlsession.CannotFindHost.code == -1003
    assert urlsession.CannotConnectToHost.code == -1004
    assert urlsession.NetworkConnectionLost.code == -1005
    assert urlsession.NotConnectedToInternet.code == -1009
    assert urlsession.TooManyRedirects.code == -1007
    assert urlsession.CannotWriteToFile.code == -3003
    for cls in (urlsession.ServerCertificateUntrusted, urlsession.ServerCertificateHasBadDate,
                urlsession.ServerCertificateHasUnknownRoot,
                urlsession.ServerCertificateNotYetValid):
        assert issubclass(cls, urlsession.SecureConnectionFailed)
    e = urlsession.TimedOut()
    assert e.code == -1001 and e.url is None and str(e) == "the request timed out"
    e = urlsession.URLError("custom", code=-1003, url="http://x/")
    assert (e.code, e.url, str(e), e.message) == (-1003, "http://x/", "custom", "custom")


def test_bad_and_unsupported_urls():
    with pytest.raises(urlsession.BadURL) as info:
        urlsession.Request("http://exa mple.org/")
    assert info.value.code == -1000
    with pytest.raises(urlsession.UnsupportedURL):
        urlsession.Request("ftp://127.0.0.1/")
    with pytest.raises(ValueError):
        urlsession.Request("http://127.0.0.1/", method="BAD METHOD")
    with pytest.raises(ValueError):
        urlsession.Request("http://127.0.0.1/", headers={"X-A": "a\r\nInjected: 1"})


def test_cannot_connect():
    url = f"http://127.0.0.1:{free_port()}/"
    with urlsession.Session() as s:
        with pytest.raises(urlsession.CannotConnectToHost) as info:
            s.data(url)
    assert info.value.code == -1004
    assert info.value.url == url
    assert info.value.addresses_tried == ("127.0.0.1",)


def test_cannot_connect_lists_both_families():
    """localhost is ::1 and 127.0.0.1: when both refuse, both are listed, IPv6 first."""
    with urlsession.Session() as s:
        with pytest.raises(urlsession.CannotConnectToHost) as info:
            s.data(f"http://localhost:{free_port()}/")
    assert info.value.addresses_tried == ("::1", "127.0.0.1")
    assert urlsession.URLError("other").addresses_tried == ()


def test_untrusted_certificate(server):
    with urlsession.Session() as s:  # the system store does not trust the test CA
        with pytest.raises(urlsession.SecureConnectionFailed) as info:
            s.data(server.https + "/files/small.txt")
    assert -1206 <= info.value.code <= -1200


def test_too_many_redirects(server):
    with urlsession.Session() as s:
        with pytest.raises(urlsession.TooManyRedirects):
            s.data(server.http + "/redirect/loop")


def test_decoded_body_past_the_limit(server):
    """A gzip-encoded body (nginx compresses /gzip/ on the fly) that decodes to more than
    max_decoded_body_size fails with DataLengthExceedsMaximum (-1103)."""
    text = b"".join(b"line %06d of a text that gzip shrinks a lot\n" % i for i in range(2000))
    with open(os.path.join(server.www, "py-decoded-limit.txt"), "wb") as f:
        f.write(text)
    url = server.http + "/gzip/py-decoded-limit.txt"
    # Ephemeral sessions: each has a cache of its own, so no answer comes from a cache
    # (a cached body is not decoded again, hence not limited).
    with urlsession.Session(urlsession.Configuration.ephemeral(max_decoded_body_size=0)) as s:
        body, response = s.data(url)
    assert response.headers["Content-Encoding"] == "gzip"
    assert body == text
    assert issubclass(urlsession.DataLengthExceedsMaximum, urlsession.URLError)
    limit = urlsession.Configuration.ephemeral(max_decoded_body_size=len(text) // 4)
    with urlsession.Session(limit) as s:
        with pytest.raises(urlsession.DataLengthExceedsMaximum) as info:
            s.data(url)
        assert info.value.code == -1103
        assert info.value.url == url
    # A limit of exactly the decoded size lets it through.
    exact = urlsession.Configuration.ephemeral(max_decoded_body_size=len(text))
    with urlsession.Session(exact) as s:
        assert s.data(url)[0] == text


def test_idle_timeout_on_stalling_server(stalling_server):
    url = f"http://127.0.0.1:{stalling_server.port}/never"
    with urlsession.Session() as s:
        start = time.monotonic()
        with pytest.raises(urlsession.TimedOut) as info:
            s.data(url, timeout=0.5)
        elapsed = time.monotonic() - start
    assert 0.4 < elapsed < 5
    assert info.value.code == -1001


def test_configuration_request_timeout(stalling_server):
    configuration = urlsession.Configuration(timeout_interval_for_request=0.5)
    with urlsession.Session(configuration) as s:
        with pytest.raises(urlsession.TimedOut):
            s.data(f"http://127.0.0.1:{stalling_server.port}/")


def test_resource_timeout(server):
    configuration = urlsession.Configuration(timeout_interval_for_resource=0.5)
    with urlsession.Session(configuration) as s:
        with pytest.raises(urlsession.TimedOut):
            s.data(server.http + "/slow/1m.bin?rate=64k")


def test_cancel_running_task(server):
    with urlsession.Session() as s:
        task = s.data_task(server.http + "/slow/1m.bin?rate=64k")
        task.resume()
        time.sleep(0.2)
        task.cancel()
        assert task.wait(10)
        assert isinstance(task.error, urlsession.Cancelled)
        assert task.error.code == -999
        assert task.state == urlsession.TaskState.COMPLETED
        task.cancel()  # after completion: nothing happens


def test_cancel_suspended_task(server):
    with urlsession.Session() as s:
        task = s.data_task(server.http + "/files/small.txt")
        task.cancel()
        assert task.wait(10)
        assert isinstance(task.error, urlsession.Cancelled)


def test_session_exit_with_exception_cancels(server):
    with pytest.raises(KeyError):
        with urlsession.Session() as s:
            task = s.data_task(server.http + "/slow/1m.bin?rate=64k")
            task.resume()
            raise KeyError("leave")
    assert isinstance(task.error, urlsession.Cancelled)
    assert s.is_invalidated


def test_invalidated_session_makes_no_tasks(server, capfd):
    s = urlsession.Session()
    s.finish_tasks_and_invalidate()
    assert s.wait_invalidated(10)
    with pytest.raises(RuntimeError):
        s.data_task(server.http + "/")
    assert capfd.readouterr().err == ""
