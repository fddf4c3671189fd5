"""StreamingResponse: iterate over a body without holding it in memory."""
from __future__ import annotations

import collections
from typing import Iterator, Optional

from .headers import Headers
from .request import Response
from .tasks import DataTask

__all__ = ["StreamingResponse"]


class StreamingResponse:
    """What ``Session.stream(url)`` returns; use it as a context manager.

    Entering starts the request and returns once the response headers arrived (raising
    :class:`URLError` when the request failed before that). :meth:`iter_bytes` then yields
    the body in the chunks the network delivered. Memory stays bounded: when Python does
    not consume, at most about the configuration's ``max_buffered_bytes`` wait here and
    in the library, and the transfer pauses until :meth:`iter_bytes` catches up. Leaving
    the block cancels a transfer that has not finished.
    """

    def __init__(self, task: DataTask, limit: int) -> None:
        self.task = task
        task._stream = collections.deque()
        task._limit = limit
        self._entered = False

    def __enter__(self) -> "StreamingResponse":
        task = self.task
        self._entered = True
        task.resume()
        try:
            while True:
                since = task._events
                if task._response is not None or task.completed:
                    break
                task._wait_event(since)
        except BaseException:
            task.cancel()
            raise
        if task._response is None:
            error = task.error
            if error is not None:
                raise error
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Cancels the transfer unless it completed, and drops buffered chunks."""
        if not self.task.completed:
            self.task.cancel()
        if self.task._stream is not None:
            self.task._stream.clear()
            self.task._buffered = 0

    @property
    def response(self) -> Response:
        """The response (status and headers)."""
        if self.task._response is None:
            raise RuntimeError("the response has not arrived: use the StreamingResponse as a "
                               "context manager")
        return self.task._response

    @property
    def status(self) -> int:
        """The HTTP status code."""
        return self.response.status

    @property
    def headers(self) -> Headers:
        """The response's headers."""
        return self.response.headers

    @property
    def url(self) -> str:
        """The URL that answered, after redirects."""
        return self.response.url

    def iter_bytes(self, timeout: Optional[float] = None) -> Iterator[bytes]:
        """Yields the body's chunks in order; raises :class:`URLError` if the transfer
        fails. *timeout* bounds each wait for the next chunk (TimeoutError past it)."""
        if not self._entered:
            raise RuntimeError("use the StreamingResponse as a context manager first")
        task = self.task
        while True:
            since = task._events
            chunk = task._take_chunk()
            if chunk is not None:
                yield chunk
                continue
            if task.completed:
                error = task.error
                if error is not None:
                    raise error
                return
            if not task._wait_event(since, timeout):
                raise TimeoutError(f"no data for {timeout} s")

    def read(self) -> bytes:
        """The rest of the body, all at once."""
        return b"".join(self.iter_bytes())
