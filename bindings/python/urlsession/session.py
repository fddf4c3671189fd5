"""Session: a connection pool, a delegate, tasks, and the blocking and asyncio helpers."""
from __future__ import annotations

import asyncio
import os
import types
from typing import Any, Callable, List, Mapping, Optional, Tuple, Union

from . import _urlsession
from ._urlsession import Configuration
from .body_stream import BodySource, BodyFeeder, source_length
from .request import Request, Response, as_request
from .streaming import StreamingResponse
from .tasks import DataTask, DownloadTask, Task, TaskState, UploadTask

__all__ = ["Session"]

URLOrRequest = Union[str, Request]
Progress = Callable[[int, int], Any]


def _as_delegate(delegate: Any) -> Any:
    if isinstance(delegate, Mapping):
        return types.SimpleNamespace(**delegate)
    return delegate


class Session(_urlsession.Session):
    """``Session(configuration=None, delegate=None)``: like URLSession.

    Each session has its own connection pool. Its delegate callbacks run on a queue of its
    own that Python drives: a blocking call (``wait()``, ``data()``, ...) runs them on the
    calling thread while it waits, and an asyncio coroutine (``adata()``, ...) runs them
    from the event loop, through :meth:`fileno`. So callbacks always run with the GIL, one
    at a time, in order, on a thread that is waiting for the session anyway.

    *delegate* is any object with some of these optional methods (or a dict of them):

    - ``will_begin_delayed_request(task, request)`` -> None (continue), a :class:`Request`
      to send instead, or False (cancel): a task's ``earliest_begin_date`` came
    - ``did_receive_response(task, response)`` -> :class:`Disposition` or None (allow)
    - ``did_receive_data(task, data)``
    - ``will_perform_redirection(task, response, new_request)`` -> None (follow), a
      :class:`Request` to follow instead, or False (refuse: the task completes with the
      3xx response)
    - ``did_send_body_data(task, bytes_sent, total_sent, total_expected)``
    - ``did_write_data(task, bytes_written, total_written, total_expected)``
    - ``did_finish_downloading_to(task, path)`` (move or open the file during the call)
    - ``did_finish_collecting_metrics(task, metrics)``
    - ``did_complete(task, error)``
    - ``did_become_invalid(session, error)``

    Used as a context manager, leaving the block lets running tasks finish
    (``finish_tasks_and_invalidate``, cancelling tasks still suspended) and waits for
    them; leaving it with an exception cancels them (``invalidate_and_cancel``).
    """

    def __init__(self, configuration: Optional[Configuration] = None,
                 delegate: Any = None) -> None:
        if configuration is None:
            configuration = Configuration()
        super().__init__(configuration)
        self.delegate = delegate
        self._stream_limit = configuration.max_buffered_bytes
        self._download_directory = configuration.download_directory
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._loop_users = 0
        self._invalid_futures: list = []

    @property
    def delegate(self) -> Any:
        """The delegate object (a dict given here is turned into one); may be replaced."""
        return self._delegate

    @delegate.setter
    def delegate(self, delegate: Any) -> None:
        self._delegate = _as_delegate(delegate)

    # ---- context manager ----

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        self._invalidate(exc_type is None)
        self._wait_invalid()

    async def __aenter__(self) -> "Session":
        return self

    async def __aexit__(self, exc_type, exc, traceback) -> None:
        self._invalidate(exc_type is None)
        if self._is_invalid:
            return
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._invalid_futures.append((loop, future))
        self._attach(loop)
        try:
            await future
        finally:
            self._detach(loop)

    def _invalidate(self, finish: bool) -> None:
        if finish:
            for task in self.tasks:
                if task.state == TaskState.SUSPENDED:
                    task.cancel()  # a suspended task would hold invalidation back for ever
            self.finish_tasks_and_invalidate()
        else:
            self.invalidate_and_cancel()

    def wait_invalidated(self, timeout: Optional[float] = None) -> bool:
        """Runs callbacks until ``did_become_invalid`` has run; False on timeout."""
        return self._wait_invalid(-1 if timeout is None else timeout)

    def _on_invalid(self, error: Optional[_urlsession.URLError]) -> None:
        futures, self._invalid_futures = self._invalid_futures, []
        for loop, future in futures:
            loop.call_soon_threadsafe(lambda f=future: f.done() or f.set_result(None))
        method = getattr(self.delegate, "did_become_invalid", None)
        if method is not None:
            method(self, error)

    # ---- tasks ----

    @property
    def tasks(self) -> List[Task]:
        """The tasks that have not completed yet."""
        return self._pending_tasks

    def dispatch(self) -> int:
        """Runs the pending callbacks on this thread and returns how many ran; for event
        loops other than asyncio (poll :meth:`fileno` for readability first)."""
        return self._dispatch()

    def data_task(self, request: URLOrRequest) -> DataTask:
        """A suspended data task; its events go to the delegate."""
        return self._create_task(DataTask, "data", as_request(request)._to_c())

    def download_task(self, request: URLOrRequest, to: Optional[Union[str, os.PathLike]] = None,
                      progress: Optional[Progress] = None) -> DownloadTask:
        """A suspended download task. With *to*, the finished file is moved there;
        *progress(total_written, total_expected)* is called as bytes reach the disk."""
        task = self._create_task(DownloadTask, "download", as_request(request)._to_c())
        task._destination = os.fspath(to) if to is not None else None
        task._progress = progress
        return task

    def upload_task(self, request: URLOrRequest, data: Optional[bytes] = None,
                    file: Optional[Union[str, os.PathLike]] = None, *,
                    stream: Optional[BodySource] = None,
                    length: Optional[int] = None) -> UploadTask:
        """A suspended upload task sending *data*, the contents of *file*, or what *stream*
        yields (method POST unless the request says otherwise).

        *stream* is a binary file-like object (read from its current position) or an
        iterable of bytes, read by a thread of its own while the body is sent, so the body
        is never held in memory. *length* is sent as Content-Length (a regular file's is
        found by itself); without it HTTP/1.1 sends the body chunked. A 307 / 308 redirect
        rewinds a seekable stream; any other stream fails the task with
        :class:`RequestBodyStreamExhausted` then."""
        return self._upload(request, data, file, None, completion=False, stream=stream,
                            length=length)

    def _upload(self, request, data, file, method, completion, stream=None, length=None):
        if sum(x is not None for x in (data, file, stream)) != 1:
            raise TypeError("give exactly one of data=, file= and stream=")
        if length is not None and stream is None:
            raise TypeError("length= goes with stream= (data and files know their length)")
        if isinstance(request, str):
            request = Request(request, method=method or "POST")
        if stream is not None:
            feeder = BodyFeeder(stream)
            if length is None:
                length = source_length(stream)
            elif length < 0:
                raise ValueError(f"length must be >= 0, not {length}")
            pipe = _urlsession._InputStream()
            task = self._create_task(UploadTask, "upload", request._to_c(), stream=pipe,
                                     length=length)
            task._feeder = feeder
            feeder.bind(task)
            feeder.start(pipe)
            return task
        kwargs = {"completion": completion}
        if file is not None:
            kwargs["file"] = os.fspath(file)
        else:
            kwargs["body"] = data.encode("utf-8") if isinstance(data, str) else data
        return self._create_task(UploadTask, "upload", request._to_c(), **kwargs)

    # ---- blocking helpers ----

    def _run(self, task: Task) -> None:
        task.resume()
        try:
            task.wait()
        except BaseException:
            task.cancel()
            raise
        error = task.error
        if error is not None:
            raise error

    def data(self, url_or_request: URLOrRequest, *, headers=None,
             timeout: Optional[float] = None) -> Tuple[bytes, Response]:
        """Fetches a URL: returns ``(body, response)``, whatever the status; raises
        :class:`URLError` when no response came. *timeout* is the idle timeout."""
        request = as_request(url_or_request, headers=headers, timeout=timeout)
        task = self._create_task(DataTask, "data", request._to_c(), completion=True)
        self._run(task)
        return task.data, task.response

    def download(self, url_or_request: URLOrRequest, to: Union[str, os.PathLike], *,
                 progress: Optional[Progress] = None, headers=None,
                 timeout: Optional[float] = None) -> Response:
        """Downloads to the path *to* and returns the response. The file appears only
        once complete (a failed download leaves nothing). Error pages (404...) are
        downloaded too: check ``response.status``."""
        request = as_request(url_or_request, headers=headers, timeout=timeout)
        task = self.download_task(request, to=to, progress=progress)
        self._run(task)
        return task.response

    def upload(self, url_or_request: URLOrRequest, data: Optional[bytes] = None, *,
               file: Optional[Union[str, os.PathLike]] = None,
               stream: Optional[BodySource] = None, length: Optional[int] = None,
               method: str = "POST", timeout: Optional[float] = None) -> Tuple[bytes, Response]:
        """Sends *data* (bytes), *file* (a path) or *stream* (a file-like object or an
        iterable of bytes, see :meth:`upload_task`) and returns ``(body, response)``."""
        if isinstance(url_or_request, str):
            url_or_request = Request(url_or_request, method=method, timeout=timeout)
        task = self._upload(url_or_request, data, file, method, completion=True, stream=stream,
                            length=length)
        self._run(task)
        return task.data, task.response

    def stream(self, url_or_request: URLOrRequest, *, headers=None,
               timeout: Optional[float] = None) -> StreamingResponse:
        """``with session.stream(url) as r: for chunk in r.iter_bytes(): ...``"""
        request = as_request(url_or_request, headers=headers, timeout=timeout)
        task = self._create_task(DataTask, "data", request._to_c())
        return StreamingResponse(task, self._stream_limit)

    # ---- asyncio ----

    def _attach(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._loop is None:
            loop.add_reader(self.fileno(), self._dispatch)
            self._loop = loop
        elif self._loop is not loop:
            raise RuntimeError("a Session serves one asyncio event loop at a time")
        self._loop_users += 1

    def _detach(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop_users -= 1
        if self._loop_users == 0:
            self._loop = None
            if not loop.is_closed():
                loop.remove_reader(self.fileno())

    async def _await(self, task: Task, make_result: Callable[[Any], Any]) -> Any:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        task._future = (loop, future, make_result)
        self._attach(loop)
        try:
            task.resume()
            self._dispatch()  # anything already pending
            return await future
        except asyncio.CancelledError:
            task.cancel()
            raise
        finally:
            self._detach(loop)

    async def adata(self, url_or_request: URLOrRequest, *, headers=None,
                    timeout: Optional[float] = None) -> Tuple[bytes, Response]:
        """Like :meth:`data`, awaited on the running loop; cancelling the coroutine
        cancels the task."""
        request = as_request(url_or_request, headers=headers, timeout=timeout)
        task = self._create_task(DataTask, "data", request._to_c(), completion=True)
        return await self._await(task, lambda t: (t.data, t.response))

    async def adownload(self, url_or_request: URLOrRequest, to: Union[str, os.PathLike], *,
                        progress: Optional[Progress] = None, headers=None,
                        timeout: Optional[float] = None) -> Response:
        """Like :meth:`download`, awaited on the running loop."""
        request = as_request(url_or_request, headers=headers, timeout=timeout)
        task = self.download_task(request, to=to, progress=progress)
        return await self._await(task, lambda t: t.response)

    async def aupload(self, url_or_request: URLOrRequest, data: Optional[bytes] = None, *,
                      file: Optional[Union[str, os.PathLike]] = None,
                      stream: Optional[BodySource] = None, length: Optional[int] = None,
                      method: str = "POST",
                      timeout: Optional[float] = None) -> Tuple[bytes, Response]:
        """Like :meth:`upload`, awaited on the running loop (a stream is still read by a
        thread of its own: its reads may block)."""
        if isinstance(url_or_request, str):
            url_or_request = Request(url_or_request, method=method, timeout=timeout)
        task = self._upload(url_or_request, data, file, method, completion=True, stream=stream,
                            length=length)
        return await self._await(task, lambda t: (t.data, t.response))

    def __repr__(self) -> str:
        state = "invalidated" if self.is_invalidated else "valid"
        return f"<Session {state}, {len(self.tasks)} tasks>"
