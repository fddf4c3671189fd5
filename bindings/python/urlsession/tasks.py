"""Tasks: one request's life, and the Python side of every delegate callback.

The C extension calls the ``_on_*`` methods below on the thread that runs the session's
callbacks (always with the GIL held). They keep the task's own state (response, body,
error, the asyncio future) and forward to the session's delegate. Whatever a delegate
method raises is kept on the task and cancels it; the task then fails with a
:class:`URLError` whose ``exception`` and ``__cause__`` are what was raised.
"""
from __future__ import annotations

import asyncio
import collections
import enum
import json
import os
import shutil
import tempfile
from typing import Any, Callable, Deque, Dict, Optional, Tuple

from . import _urlsession
from .body_stream import BodyFeeder
from .request import Request, Response

__all__ = ["TaskState", "Disposition", "Task", "DataTask", "DownloadTask", "UploadTask"]


class TaskState(enum.IntEnum):
    """URLSessionTask.State."""

    RUNNING = _urlsession.TASK_STATE_RUNNING
    SUSPENDED = _urlsession.TASK_STATE_SUSPENDED
    CANCELING = _urlsession.TASK_STATE_CANCELING
    COMPLETED = _urlsession.TASK_STATE_COMPLETED


class Disposition(enum.IntEnum):
    """What ``did_receive_response`` may return (None means ALLOW)."""

    CANCEL = _urlsession.RESPONSE_CANCEL
    ALLOW = _urlsession.RESPONSE_ALLOW


def _running_loop() -> Optional[asyncio.AbstractEventLoop]:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class Task(_urlsession.Task):
    """A task made by a :class:`Session`. Tasks start suspended: call :meth:`resume`.

    ``resume()``, ``suspend()`` and ``cancel()`` may be called from any thread, delegate
    callbacks included. :meth:`wait` runs the session's callbacks on the calling thread
    until the task has completed.
    """

    def __init__(self) -> None:
        self._response: Optional[Response] = None
        self._error: Optional[_urlsession.URLError] = None
        self._wrapped_error: Optional[_urlsession.URLError] = None
        self._metrics: Optional[Dict[str, Any]] = None
        self._future: Optional[Tuple[asyncio.AbstractEventLoop, asyncio.Future, Callable]] = None

    # ---- public surface ----

    @property
    def state(self) -> TaskState:
        """RUNNING, SUSPENDED, CANCELING or COMPLETED."""
        return TaskState(self._state)

    @property
    def response(self) -> Optional[Response]:
        """The final response once its headers arrived, else None."""
        if self._response is None:
            c = self._c_response
            if c is not None:
                self._response = Response(c)
        return self._response

    @property
    def error(self) -> Optional[_urlsession.URLError]:
        """None while running or after success; else the :class:`URLError` it failed with.

        When a delegate callback raised, this is a URLError whose ``exception`` (and
        ``__cause__``) is what the callback raised.
        """
        raised = self.delegate_exception
        if raised is None:
            raised = self._source_error()
        if raised is None:
            return self._error if self._error is not None else (
                self._c_error if self.completed else None)
        if isinstance(raised, _urlsession.URLError):
            return raised
        if self._wrapped_error is None:
            base = self._error
            cls = type(base) if base is not None else _urlsession.URLError
            error = cls(f"a delegate callback raised {type(raised).__name__}: {raised}",
                        code=base.code if base is not None else -1,
                        url=base.url if base is not None else None)
            error.exception = raised
            error.__cause__ = raised
            self._wrapped_error = error
        return self._wrapped_error

    @property
    def metrics(self) -> Optional[Dict[str, Any]]:
        """The task's metrics (url_task_metrics_to_json as a dict) once completed."""
        if self._metrics is None:
            text = self._metrics_json
            if text is not None:
                self._metrics = json.loads(text)
        return self._metrics

    @property
    def original_request(self) -> Request:
        """The request the task was made with."""
        return Request._from_c(self._original_request)

    @property
    def current_request(self) -> Request:
        """The request being sent now (after redirects)."""
        return Request._from_c(self._current_request)

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Runs the session's callbacks until this task completed; False on timeout.

        Safe from several threads at once. Raises RuntimeError from a delegate callback of
        the same session (it would wait for itself).
        """
        return self._wait(timeout)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.identifier} {self.state.name.lower()}>"

    # ---- helpers ----

    def _source_error(self) -> Optional[BaseException]:
        return None

    def _delegate_method(self, name: str) -> Optional[Callable]:
        session = self.session
        delegate = getattr(session, "delegate", None) if session is not None else None
        return getattr(delegate, name, None) if delegate is not None else None

    def _settle(self) -> None:
        if self._future is None:
            return
        loop, future, make_result = self._future
        self._future = None

        def settle() -> None:
            if future.done():
                return
            error = self.error
            if error is not None:
                future.set_exception(error)
            else:
                try:
                    future.set_result(make_result(self))
                except BaseException as exc:  # a result that cannot be made fails the await
                    future.set_exception(exc)

        if _running_loop() is loop:
            settle()
        elif not loop.is_closed():
            loop.call_soon_threadsafe(settle)

    # ---- callbacks from the C extension ----

    def _ask_for_request(self, name: str, meaning: str, *args: Any):
        """Calls the delegate method *name*, whose answer is None (go on), a Request (use
        it instead) or False (*meaning*); returns what the C extension expects."""
        method = self._delegate_method(name)
        if method is None:
            return None
        answer = method(self, *args)
        if answer is None or answer is False:
            return answer
        if isinstance(answer, Request):
            return answer._to_c()
        raise TypeError(f"{name} must return a Request, None or False ({meaning}), not "
                        f"{type(answer).__name__}")

    def _on_redirect(self, response: _urlsession._Response, request: _urlsession._Request):
        return self._ask_for_request("will_perform_redirection", "refuse", Response(response),
                                     Request._from_c(request))

    def _on_send_body(self, sent: int, total_sent: int, total_expected: int) -> None:
        method = self._delegate_method("did_send_body_data")
        if method is not None:
            method(self, sent, total_sent, total_expected)

    def _on_delayed_request(self, request: _urlsession._Request):
        return self._ask_for_request("will_begin_delayed_request", "cancel",
                                     Request._from_c(request))

    def _on_need_new_body_stream(self) -> Optional[_urlsession._InputStream]:
        return None  # only stream uploads have a body to send again

    def _on_metrics(self, text: str) -> None:
        self._metrics = json.loads(text)
        method = self._delegate_method("did_finish_collecting_metrics")
        if method is not None:
            method(self, self._metrics)

    def _on_response(self, response: _urlsession._Response) -> Optional[int]:
        self._response = Response(response)
        method = self._delegate_method("did_receive_response")
        if method is None:
            return None
        answer = method(self, self._response)
        return None if answer is None else int(answer)

    def _on_data(self, data: bytes) -> None:
        method = self._delegate_method("did_receive_data")
        if method is not None:
            method(self, data)

    def _on_write(self, written: int, total_written: int, total_expected: int) -> None:
        method = self._delegate_method("did_write_data")
        if method is not None:
            method(self, written, total_written, total_expected)

    def _on_downloaded(self, location: str) -> None:
        method = self._delegate_method("did_finish_downloading_to")
        if method is not None:
            method(self, location)

    def _on_will_cache(self, cached: _urlsession.CachedResponse
                       ) -> Optional[_urlsession.CachedResponse]:
        method = self._delegate_method("will_cache_response")
        if method is None:
            return cached
        return method(self, cached)

    def _on_complete(self, error: Optional[_urlsession.URLError]) -> None:
        self._error = error
        try:
            method = self._delegate_method("did_complete")
            if method is not None:
                method(self, self.error)
        finally:
            self._settle()

    def _on_finish(self, body: Optional[bytes], response: Optional[_urlsession._Response],
                   error: Optional[_urlsession.URLError]) -> None:
        """Completion handler of a task made with completion=True."""
        self._body = body
        if response is not None:
            self._response = Response(response)
        self._error = error
        self._settle()


class DataTask(Task):
    """A data task: the body goes to the delegate's ``did_receive_data``.

    Without that method (and for the convenience calls) the body is kept and read with
    :attr:`data` once the task completed.
    """

    def __init__(self) -> None:
        super().__init__()
        self._body: Optional[bytes] = None
        self._chunks: list = []
        # Streaming (Session.stream): chunks wait here for iter_bytes().
        self._stream: Optional[Deque[bytes]] = None
        self._buffered = 0
        self._limit = 0
        self._paused = False

    @property
    def data(self) -> bytes:
        """The body received so far, when no delegate consumed it."""
        if self._body is None:
            return b"".join(self._chunks)
        return self._body

    def _on_data(self, data: bytes) -> None:
        if self._stream is not None:
            self._stream.append(data)
            self._buffered += len(data)
            if self._buffered > self._limit and not self._paused:
                # Python is not consuming: stop the transfer until it catches up.
                self._paused = True
                self.suspend()
            return
        method = self._delegate_method("did_receive_data")
        if method is not None:
            method(self, data)
        else:
            self._chunks.append(data)

    def _take_chunk(self) -> Optional[bytes]:
        if not self._stream:
            return None
        chunk = self._stream.popleft()
        self._buffered -= len(chunk)
        if self._paused and self._buffered <= self._limit // 2:
            self._paused = False
            self.resume()
        return chunk


class UploadTask(DataTask):
    """An upload task: sends a body; the response body arrives as for a data task.

    With a stream body (``stream=``) a feeder thread reads the source while the body is
    sent; what the source raises fails the task (``error.exception`` is it)."""

    def __init__(self) -> None:
        super().__init__()
        self._feeder: Optional[BodyFeeder] = None

    def _source_error(self) -> Optional[BaseException]:
        return self._feeder.error if self._feeder is not None else None

    def _on_need_new_body_stream(self) -> Optional[_urlsession._InputStream]:
        return self._feeder.restart() if self._feeder is not None else None

    def _on_complete(self, error: Optional[_urlsession.URLError]) -> None:
        if self._feeder is not None:
            self._feeder.stop()
        super()._on_complete(error)


def _move_into_place(source: str, destination: str) -> None:
    """Moves *source* to *destination* so that *destination* appears complete or not at
    all: a rename, or across filesystems a copy to a temporary name beside it first."""
    try:
        os.replace(source, destination)
        return
    except OSError as exc:
        if exc.errno != 18:  # EXDEV: another filesystem
            raise
    directory = os.path.dirname(os.path.abspath(destination))
    fd, temporary = tempfile.mkstemp(prefix=".urlsession-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
            shutil.copyfileobj(src, out, 1 << 20)
        os.replace(temporary, destination)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


class DownloadTask(Task):
    """A download task: the body streams to a temporary file.

    With a destination (``Session.download(url, to=...)``) the file is moved there when
    complete, so it appears only whole. Otherwise the delegate's
    ``did_finish_downloading_to(task, path)`` must move or open the file during the call.
    """

    def __init__(self) -> None:
        super().__init__()
        self._destination: Optional[str] = None
        self._progress: Optional[Callable[[int, int], Any]] = None
        #: Where the downloaded file is now (the destination), once moved.
        self.location: Optional[str] = None

    def _on_write(self, written: int, total_written: int, total_expected: int) -> None:
        if self._progress is not None:
            self._progress(total_written, total_expected)
        super()._on_write(written, total_written, total_expected)

    def _on_downloaded(self, location: str) -> None:
        if self._destination is not None:
            try:
                _move_into_place(location, self._destination)
            except OSError as exc:
                error = _urlsession.CannotMoveFile(
                    f"cannot move the download to {self._destination}: {exc.strerror or exc}",
                    url=self._c_response.url if self._c_response is not None else None)
                error.exception = exc
                raise error from exc
            self.location = self._destination
            location = self._destination
        super()._on_downloaded(location)
