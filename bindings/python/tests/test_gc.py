"""Garbage collection: sessions and tasks are freed, cycles are collected, RSS stays flat."""
import gc
import weakref

import urlsession
from conftest import rss_bytes


def test_session_and_task_freed(server):
    s = urlsession.Session()
    task = s.data_task(server.http + "/files/small.txt")
    task.resume()
    task.wait(10)
    refs = weakref.ref(s), weakref.ref(task)
    s.finish_tasks_and_invalidate()
    s.wait_invalidated(10)
    del s, task
    gc.collect()
    assert all(r() is None for r in refs)


def test_delegate_cycle_collected(server):
    class Delegate:
        def __init__(self):
            self.session = None

        def did_receive_data(self, task, data):
            pass

    delegate = Delegate()
    s = urlsession.Session(delegate=delegate)
    delegate.session = s  # session -> delegate -> session
    task = s.data_task(server.http + "/files/1k.bin")
    task.owner = delegate  # and task -> delegate
    task.resume()
    task.wait(10)
    refs = weakref.ref(s), weakref.ref(delegate), weakref.ref(task)
    del s, delegate, task
    gc.collect()
    assert all(r() is None for r in refs)


def test_abandoned_running_session_collected(server):
    """A session dropped with a task still running is cancelled and freed."""
    s = urlsession.Session(delegate={})
    task = s.data_task(server.http + "/slow/1m.bin?rate=64k")
    task.resume()
    refs = weakref.ref(s), weakref.ref(task)
    del s, task
    gc.collect()
    assert all(r() is None for r in refs)


def test_many_sessions_rss_flat(server):
    def round_trip():
        with urlsession.Session(delegate={"did_complete": lambda t, e: None}) as s:
            s.data(server.http + "/files/1k.bin")
            t = s.data_task(server.http + "/files/1k.bin")
            t.resume()
            t.wait(10)

    for _ in range(50):  # warm up allocators and the library's threads
        round_trip()
    gc.collect()
    before = rss_bytes()
    for _ in range(400):
        round_trip()
    gc.collect()
    growth = rss_bytes() - before
    assert growth < 8 * 1024 * 1024, f"RSS grew by {growth >> 10} KiB over 400 sessions"
