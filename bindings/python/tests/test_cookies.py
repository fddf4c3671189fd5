"""Cookies from Python: Configuration.cookie_storage, CookieStorage and Cookie, against the
Set-Cookie and Cookie handling of a real nginx."""
import time

import pytest

import urlsession


def session_with(storage, **properties):
    return urlsession.Session(urlsession.Configuration(cookie_storage=storage, **properties))


def test_default_and_ephemeral_storages():
    assert urlsession.Configuration().cookie_storage == urlsession.CookieStorage.shared()
    ephemeral = urlsession.Configuration.ephemeral().cookie_storage
    assert ephemeral is not None and ephemeral != urlsession.CookieStorage.shared()
    c = urlsession.Configuration(cookie_storage=None)
    assert c.cookie_storage is None
    with pytest.raises(TypeError):
        c.cookie_storage = "cookies.txt"


def test_set_cookie_fields_are_stored_and_sent_back(server):
    storage = urlsession.CookieStorage()
    with session_with(storage, http_cookie_accept_policy="always") as s:
        s.data(server.http + "/cookies/set")
        body, _ = s.data(server.http + "/cookies/echo")
    names = {c.name: c for c in storage.cookies()}
    assert set(names) == {"session", "kept"}
    kept = names["kept"]
    assert kept.value == "k1" and kept.path == "/" and kept.domain == "127.0.0.1"
    assert kept.http_only is True and kept.same_site == "Lax" and kept.session_only is False
    assert kept.expires == pytest.approx(time.time() + 3600, abs=120)
    assert names["session"].session_only is True and names["session"].expires is None
    assert body == b"cookie: session=s1; kept=k1\n"  # longer path first (RFC 6265 5.4)
    assert [c.name for c in storage.cookies(server.http + "/other")] == ["kept"]


def test_cookies_set_from_python_are_sent(server):
    storage = urlsession.CookieStorage()
    cookie = urlsession.Cookie("token", "abc", "127.0.0.1", path="/cookies")
    storage.set_cookie(cookie)
    with session_with(storage) as s:
        body, _ = s.data(server.http + "/cookies/echo")
        assert body == b"cookie: token=abc\n"
        assert storage.delete_cookie(cookie) is True
        assert storage.delete_cookie(cookie) is False
        body, _ = s.data(server.http + "/cookies/echo")
        assert body == b"cookie: \n"


def test_no_storage_sends_and_keeps_nothing(server):
    with session_with(None) as s:
        s.data(server.http + "/cookies/set")
        body, _ = s.data(server.http + "/cookies/echo")
    assert body == b"cookie: \n"


def test_file_storage_persists_across_storages(server, tmp_path):
    path = tmp_path / "cookies"
    storage = urlsession.CookieStorage(path)
    with session_with(storage, http_cookie_accept_policy="always") as s:
        s.data(server.http + "/cookies/set")
    storage.save()
    del storage
    again = urlsession.CookieStorage(path)
    # Only the persistent cookie outlives the storage; the session cookie does not.
    assert [c.name for c in again.cookies()] == ["kept"]


def test_cookie_checks(tmp_path):
    with pytest.raises(ValueError):
        urlsession.Cookie("bad;name", "v", "example.org")
    with pytest.raises(ValueError):
        urlsession.Cookie("n", "v", "")
    with pytest.raises(ValueError):
        urlsession.Cookie("n", "v", "example.org", expires=-5)
    (tmp_path / "junk").write_text("not a cookie file\n")
    with pytest.raises(urlsession.URLError):
        urlsession.CookieStorage(tmp_path / "junk")
    c = urlsession.Cookie("n", "v", ".Example.ORG", secure=True)
    assert (c.domain, c.path, c.secure, c.host_only) == ("example.org", "/", True, False)
