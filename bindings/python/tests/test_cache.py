"""The HTTP cache: Cache, cache policies, will_cache_response, and what the server sees.

Requests are counted in nginx's access log (as test/integration/test_cache.c does); each
test uses URLs with a query of its own so that counts do not mix."""
import itertools
import os
import time

import pytest

import urlsession

_serial = itertools.count()


class Target:
    """A URL under @location unique to this run, and its requests in the access log."""

    def __init__(self, server, location):
        self.path = f"{location}?u={os.getpid()}-{next(_serial)}-{time.time_ns()}"
        self.url = server.http + self.path
        self.log = os.path.join(os.path.dirname(server.www), "logs", "access.log")

    def count(self):
        try:
            with open(self.log) as f:
                return sum(f'"GET {self.path} HTTP' in line for line in f)
        except FileNotFoundError:
            return 0

    def count_settled(self, want):
        """nginx logs a request after answering it: waits until @want were logged, then a
        little longer so that an unexpected extra request shows."""
        deadline = time.monotonic() + 5
        while self.count() < want and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.2)
        return self.count()


def fetch(session, request):
    task = session.data_task(request)
    task.resume()
    assert task.wait(30)
    return task


def test_cache_object():
    cache = urlsession.Cache(memory_capacity=65536)
    assert (cache.memory_capacity, cache.disk_capacity) == (65536, 0)
    assert (cache.current_memory_usage, cache.current_disk_usage) == (0, 0)
    assert cache.cached_response("http://127.0.0.1/nothing") is None
    assert urlsession.Cache.shared() == urlsession.Cache.shared()
    assert urlsession.Configuration().url_cache == urlsession.Cache.shared()
    assert urlsession.Configuration(url_cache=None).url_cache is None
    assert urlsession.Configuration(url_cache=cache).url_cache == cache
    with pytest.raises(TypeError):
        urlsession.Configuration(url_cache="memory")
    with pytest.raises(ValueError):
        urlsession.Cache(memory_capacity=-1)
    with pytest.raises(urlsession.CannotCreateFile):
        urlsession.Cache(disk_capacity=1 << 20, directory="/proc/no/such/dir")


def test_cache_policy_names():
    conf = urlsession.Configuration()
    assert conf.request_cache_policy == "use_protocol"
    for name in ("reload_ignoring_local_cache", "return_cache_data_else_load",
                 "return_cache_data_dont_load", "use_protocol"):
        conf.request_cache_policy = name
        assert conf.request_cache_policy == name
        assert urlsession.Request("http://127.0.0.1/", cache_policy=name)._to_c().cache_policy \
            == name
    with pytest.raises(ValueError, match="'sometimes'"):
        conf.request_cache_policy = "sometimes"
    with pytest.raises(ValueError, match="'sometimes'"):
        urlsession.Request("http://127.0.0.1/", cache_policy="sometimes")
    assert urlsession.Request("http://127.0.0.1/").cache_policy == "use_protocol"


def test_second_get_served_from_cache(server):
    target = Target(server, "/cache/fresh/small.txt")
    cache = urlsession.Cache(memory_capacity=1 << 20)
    with urlsession.Session(urlsession.Configuration(url_cache=cache)) as s:
        first = fetch(s, target.url)
        assert first.error is None and first.data == b"hello world\n"
        assert target.count_settled(1) == 1
        assert first.metrics["transactions"][-1]["fetch_type"] == "network-load"
        body, response = cache.cached_response(target.url)
        assert body == b"hello world\n" and response.status == 200
        assert cache.current_memory_usage > 0

        second = fetch(s, target.url)
        assert second.error is None and second.data == b"hello world\n"
        assert second.response.status == 200
        assert [t["fetch_type"] for t in second.metrics["transactions"]] == ["local-cache"]
        assert target.count_settled(1) == 1  # the server saw no second request

        cache.remove(urlsession.Request(target.url))
        assert cache.cached_response(target.url) is None
        third = fetch(s, target.url)
        assert third.error is None
        assert target.count_settled(2) == 2


def test_dont_load_on_empty_cache_fails(server):
    target = Target(server, "/cache/fresh/small.txt")
    cache = urlsession.Cache(memory_capacity=1 << 20)
    conf = urlsession.Configuration(url_cache=cache)
    with urlsession.Session(conf) as s:
        request = urlsession.Request(target.url, cache_policy="return_cache_data_dont_load")
        with pytest.raises(urlsession.ResourceUnavailable) as info:
            s.data(request)
        assert info.value.code == -1008
        s.data(target.url)  # stores it
        body, response = s.data(request)
        assert body == b"hello world\n" and response.status == 200
    cache.remove_all()
    assert cache.cached_response(target.url) is None
    conf.request_cache_policy = "return_cache_data_dont_load"
    with urlsession.Session(conf) as s:
        with pytest.raises(urlsession.ResourceUnavailable):
            s.data(target.url)
    assert target.count_settled(1) == 1


def test_disk_cache_persists_across_cache_objects(server, tmp_path):
    target = Target(server, "/cache/fresh/small.txt")
    directory = tmp_path / "http-cache"
    first = urlsession.Cache(memory_capacity=1 << 20, disk_capacity=1 << 20,
                             directory=directory)
    with urlsession.Session(urlsession.Configuration(url_cache=first)) as s:
        assert s.data(target.url)[0] == b"hello world\n"
    assert first.current_disk_usage > 0
    del first

    second = urlsession.Cache(memory_capacity=1 << 20, disk_capacity=1 << 20,
                              directory=str(directory))
    body, response = second.cached_response(target.url)
    assert body == b"hello world\n" and response.status == 200
    with urlsession.Session(urlsession.Configuration(url_cache=second)) as s:
        task = fetch(s, target.url)
        assert task.data == b"hello world\n"
        assert task.metrics["transactions"][-1]["fetch_type"] == "local-cache"
    assert target.count_settled(1) == 1


def test_will_cache_response_veto_and_replace(server):
    target = Target(server, "/cache/fresh/small.txt")
    cache = urlsession.Cache(memory_capacity=1 << 20)
    seen = []

    class Veto:
        def will_cache_response(self, task, cached_response):
            seen.append(cached_response)
            return None

    with urlsession.Session(urlsession.Configuration(url_cache=cache), delegate=Veto()) as s:
        assert fetch(s, target.url).error is None
    assert len(seen) == 1
    assert seen[0].data == b"hello world\n" and seen[0].response.status == 200
    assert seen[0].storage_policy == "allowed"
    assert cache.cached_response(target.url) is None

    class Replace:
        def will_cache_response(self, task, cached_response):
            return urlsession.CachedResponse(cached_response.response, b"replaced\n",
                                             storage_policy="allowed_in_memory_only")

    with urlsession.Session(urlsession.Configuration(url_cache=cache), delegate=Replace()) as s:
        assert fetch(s, target.url).data == b"hello world\n"
        assert fetch(s, target.url).data == b"replaced\n"  # from the cache
    assert target.count_settled(2) == 2


def test_will_cache_response_exception_fails_the_task(server, capfd):
    target = Target(server, "/cache/fresh/small.txt")
    cache = urlsession.Cache(memory_capacity=1 << 20)

    def boom(task, cached_response):
        raise LookupError("no caching today")

    with urlsession.Session(urlsession.Configuration(url_cache=cache),
                            delegate={"will_cache_response": boom}) as s:
        task = fetch(s, target.url)
        assert isinstance(task.error, urlsession.URLError)
        assert isinstance(task.error.__cause__, LookupError)
        assert cache.cached_response(target.url) is None
        # data() runs a task with a completion handler, which (as in URLSession) does not
        # ask will_cache_response: its response is stored as proposed.
        assert s.data(target.url)[0] == b"hello world\n"
    assert cache.cached_response(target.url) is not None
    assert capfd.readouterr().err == ""


def test_will_cache_response_bad_return_value(server):
    target = Target(server, "/cache/fresh/small.txt")
    cache = urlsession.Cache(memory_capacity=1 << 20)
    with urlsession.Session(urlsession.Configuration(url_cache=cache),
                            delegate={"will_cache_response": lambda *a: b"bytes"}) as s:
        task = fetch(s, target.url)
    assert isinstance(task.error.exception, TypeError)
    assert cache.cached_response(target.url) is None
