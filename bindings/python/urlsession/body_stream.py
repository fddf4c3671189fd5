"""Stream bodies: an upload's body read from a file-like object or an iterable of bytes
while the task sends it, never held whole in memory.

A feeder thread reads the source and writes it into the library's bound pipe
(``url_input_stream_new_pipe``); the pipe holds at most 64 KiB, so a source faster than
the network waits. The feeder never runs Python callbacks of the session, so it cannot
deadlock with a blocking ``wait()``. When a 307 / 308 redirect needs the body again the
library asks for a new stream: a seekable source is rewound to where it started and fed
again; any other source cannot be replayed and the task fails with
:class:`RequestBodyStreamExhausted`.
"""
from __future__ import annotations

import io
import os
import threading
import weakref
from typing import Any, Iterable, Iterator, Optional, Union

from . import _urlsession

__all__ = ["BodySource", "BodyFeeder"]

BodySource = Union[io.IOBase, Iterable[bytes], Any]

CHUNK = 64 * 1024
# How long one write waits for room before the feeder checks whether it should stop.
WRITE_SLICE = 0.2


def _seekable(source: Any) -> bool:
    try:
        return bool(source.seekable())
    except (AttributeError, OSError, ValueError):
        return False


def source_length(source: Any) -> int:
    """The bytes left in a regular file from its current position, else -1 (unknown)."""
    try:
        if not _seekable(source):
            return -1
        size = os.fstat(source.fileno()).st_size
        return max(size - source.tell(), 0)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return -1


class BodyFeeder:
    """Feeds *source* into successive pipes, one per attempt to send the body."""

    def __init__(self, source: BodySource) -> None:
        if isinstance(source, (bytes, bytearray, memoryview, str)):
            raise TypeError("stream= takes a file-like object or an iterable of bytes; give "
                            "bytes as data=")
        if not hasattr(source, "read") and not hasattr(source, "__iter__"):
            raise TypeError("stream= takes a file-like object (with read()) or an iterable of "
                            f"bytes, not {type(source).__name__}")
        self._source = source
        self._start = source.tell() if _seekable(source) else None
        self._generation = 0
        self._thread: Optional[threading.Thread] = None
        self._stopped = False
        self.replayable = self._start is not None
        #: What reading the source raised, if it did (the task is then cancelled).
        self.error: Optional[BaseException] = None
        self._task: Any = lambda: None

    def bind(self, task: Any) -> None:
        """The task sending the body: the feeder stops when it completes or is gone, and
        cancels it when the source fails."""
        self._task = weakref.ref(task)

    def _should_stop(self, generation: int) -> bool:
        task = self._task()
        return (self._stopped or generation != self._generation
                or (task is not None and task.completed))

    def _chunks(self) -> Iterator[bytes]:
        source = self._source
        if hasattr(source, "read"):
            while True:
                chunk = source.read(CHUNK)
                if not chunk:
                    return
                yield chunk
        else:
            yield from source

    def _feed(self, pipe: _urlsession._InputStream, generation: int) -> None:
        try:
            for chunk in self._chunks():
                if isinstance(chunk, str) or not isinstance(chunk, (bytes, bytearray, memoryview)):
                    raise TypeError(f"a stream body yields bytes, not {type(chunk).__name__}")
                view = memoryview(chunk).cast("B")
                while len(view):
                    if self._should_stop(generation):
                        return
                    taken = pipe.write(view, WRITE_SLICE)
                    if taken < 0:  # the task ended, or asked for another stream
                        return
                    view = view[taken:]
            pipe.close_write()
        except BaseException as exc:  # reported as the task's error; the thread ends
            if self.error is None:
                self.error = exc
            task = self._task()
            if task is not None:
                task.cancel()

    def start(self, pipe: _urlsession._InputStream) -> None:
        """Feeds *pipe* from the source's current position by a new thread (after
        :meth:`bind`, so that a failing source can cancel the task)."""
        self._generation += 1
        self._thread = threading.Thread(target=self._feed, args=(pipe, self._generation),
                                        name="urlsession-body-stream", daemon=True)
        self._thread.start()

    def restart(self) -> Optional[_urlsession._InputStream]:
        """The body again from its start, or None when the source cannot be rewound."""
        if not self.replayable:
            return None
        self._generation += 1  # the previous feeder stops within WRITE_SLICE
        if self._thread is not None:
            self._thread.join()
        self._source.seek(self._start)
        pipe = _urlsession._InputStream()
        self.start(pipe)
        return pipe

    def stop(self) -> None:
        """Ends the feeder (the task completed); it exits within WRITE_SLICE."""
        self._stopped = True
