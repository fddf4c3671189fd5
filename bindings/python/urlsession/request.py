"""Request and Response: what a task sends and what it receives."""
from __future__ import annotations

import os
from typing import Optional, Union

from . import _urlsession
from .headers import Headers, HeadersLike

__all__ = ["Request", "Response"]

BodyLike = Union[bytes, bytearray, memoryview, str, None]


class Request:
    """An HTTP request: ``Request(url, method="GET", headers=None, body=None, timeout=None,
    cache_policy="use_protocol")``.

    *url* is an absolute http:// or https:// URL; a URL the library refuses raises
    :class:`BadURL` or :class:`UnsupportedURL` here. *headers* is a mapping or a list of
    ``(name, value)`` pairs; *body* bytes (a str is sent as UTF-8); *timeout* the idle
    timeout in seconds for this request (None: the session's
    ``timeout_interval_for_request``). *cache_policy* says how the request uses the
    session's :class:`Cache`: "use_protocol" (RFC 9111; the configuration's
    ``request_cache_policy`` applies), "reload_ignoring_local_cache",
    "return_cache_data_else_load" or "return_cache_data_dont_load" (fails with
    :class:`ResourceUnavailable` when nothing is stored). Invalid methods, headers or
    cache policies raise ValueError.
    """

    __slots__ = ("url", "method", "headers", "body", "timeout", "cache_policy")

    def __init__(self, url: str, method: str = "GET", headers: HeadersLike = None,
                 body: BodyLike = None, timeout: Optional[float] = None,
                 cache_policy: str = "use_protocol") -> None:
        self.url = url
        self.method = method
        self.headers = Headers(headers)
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.body = bytes(body) if body is not None else None
        self.timeout = timeout
        self.cache_policy = cache_policy
        self._to_c()  # refuse a bad URL, method or header now rather than at task time

    def _to_c(self) -> _urlsession._Request:
        if self.timeout is not None and not self.timeout > 0:
            raise ValueError(f"timeout must be > 0 seconds, not {self.timeout!r}")
        return _urlsession._Request(self.url, self.method, self.headers.multi_items(),
                                    self.body, timeout=float(self.timeout or 0.0),
                                    cache_policy=self.cache_policy)

    @classmethod
    def _from_c(cls, c: _urlsession._Request) -> "Request":
        request = cls.__new__(cls)
        request.url = c.url
        request.method = c.method
        request.headers = Headers(c.headers)
        request.body = c.body
        request.timeout = c.timeout or None
        request.cache_policy = c.cache_policy
        return request

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.url}>"


class Response:
    """The final response of a task: status, headers and what the library derives."""

    __slots__ = ("_c", "headers")

    def __init__(self, c: _urlsession._Response) -> None:
        self._c = c
        #: The header fields, a case-insensitive :class:`Headers` multi-mapping.
        self.headers = Headers(c.header_items)

    @property
    def status(self) -> int:
        """The HTTP status code, such as 200."""
        return self._c.status

    @property
    def url(self) -> str:
        """The URL this response answered, after redirects."""
        return self._c.url

    @property
    def mime_type(self) -> Optional[str]:
        """Content-Type's media type in lower case ("text/html"), or None."""
        return self._c.mime_type

    @property
    def text_encoding(self) -> Optional[str]:
        """Content-Type's charset in lower case ("utf-8"), or None."""
        return self._c.text_encoding

    @property
    def expected_content_length(self) -> int:
        """Content-Length, or -1 when unknown (chunked or decoded on the way)."""
        return self._c.expected_content_length

    @property
    def suggested_filename(self) -> str:
        """A safe file name: Content-Disposition's, else the URL's last segment."""
        return self._c.suggested_filename

    @property
    def http_version(self) -> str:
        """"http/1.0", "http/1.1" or "h2"."""
        return self._c.http_version

    @property
    def ok(self) -> bool:
        """Whether the status is 2xx."""
        return 200 <= self.status < 300

    def __repr__(self) -> str:
        return f"<Response {self.status} {self.url}>"


def as_request(url_or_request: Union[str, Request, "os.PathLike[str]"], **options) -> Request:
    """A Request for a URL string, or *url_or_request* itself (options must then be unset)."""
    if isinstance(url_or_request, Request):
        if any(v is not None for v in options.values()):
            raise TypeError("pass either a Request or a URL with options, not both")
        return url_or_request
    if not isinstance(url_or_request, str):
        raise TypeError(f"expected a URL str or a Request, not {type(url_or_request).__name__}")
    return Request(url_or_request, **{k: v for k, v in options.items() if v is not None})
