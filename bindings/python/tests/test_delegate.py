"""Delegates: callback order, dispositions, and exceptions raised inside callbacks."""
import pytest

import urlsession


class Recorder:
    def __init__(self):
        self.events = []
        self.data = bytearray()

    def did_receive_response(self, task, response):
        self.events.append(("response", response.status))

    def did_receive_data(self, task, data):
        if not self.events or self.events[-1][0] != "data":
            self.events.append(("data", None))
        self.data += data

    def did_finish_collecting_metrics(self, task, metrics):
        self.events.append(("metrics", None))

    def did_complete(self, task, error):
        self.events.append(("complete", error))

    def did_become_invalid(self, session, error):
        self.events.append(("invalid", error))


def test_callback_order(server):
    recorder = Recorder()
    with urlsession.Session(delegate=recorder) as s:
        task = s.data_task(server.http + "/files/1m.bin")
        task.resume()
        assert task.wait(30)
    assert recorder.events == [("response", 200), ("data", None), ("metrics", None),
                               ("complete", None), ("invalid", None)]
    assert len(recorder.data) == 1048576
    assert task.data == b""  # the delegate consumed the body


def test_disposition_cancel(server):
    class Refuse:
        def did_receive_response(self, task, response):
            return urlsession.Disposition.CANCEL

    with urlsession.Session(delegate=Refuse()) as s:
        task = s.data_task(server.http + "/files/1m.bin")
        task.resume()
        task.wait(30)
    assert isinstance(task.error, urlsession.Cancelled)
    assert task.error.exception is None


@pytest.mark.parametrize("where", ["did_receive_response", "did_receive_data",
                                   "will_perform_redirection"])
def test_exception_in_callback_fails_the_task(server, capfd, where):
    class Boom:
        pass

    def boom(*args):
        raise ValueError(f"boom in {where}")

    setattr(Boom, where, boom)
    with urlsession.Session(delegate=Boom()) as s:
        task = s.data_task(server.http + "/redirect/302?to=/files/1m.bin")
        task.resume()
        assert task.wait(30)
    error = task.error
    assert isinstance(error, urlsession.URLError)
    assert isinstance(error.exception, ValueError)
    assert error.__cause__ is error.exception
    assert f"boom in {where}" in str(error)
    assert task.delegate_exception is error.exception
    out = capfd.readouterr()
    assert out.out == "" and out.err == ""


def test_exception_in_did_complete_is_kept(server, capfd):
    class Boom:
        def did_complete(self, task, error):
            raise RuntimeError("late")

    with urlsession.Session(delegate=Boom()) as s:
        task = s.data_task(server.http + "/files/small.txt")
        task.resume()
        task.wait(30)
    assert isinstance(task.error.exception, RuntimeError)
    assert capfd.readouterr().err == ""


def test_exception_in_convenience_helpers_raises(server):
    def boom(task, response, new_request):
        raise KeyError("redirect refused by a bug")

    with urlsession.Session(delegate={"will_perform_redirection": boom}) as s:
        with pytest.raises(urlsession.URLError) as info:
            s.data(server.http + "/redirect/301?to=/files/small.txt")
    assert isinstance(info.value.__cause__, KeyError)


def test_bad_return_value_is_a_delegate_error(server):
    with urlsession.Session(delegate={"will_perform_redirection": lambda *a: "nonsense"}) as s:
        with pytest.raises(urlsession.URLError) as info:
            s.data(server.http + "/redirect/301?to=/files/small.txt")
    assert isinstance(info.value.exception, TypeError)


def test_wait_inside_callback_raises(server):
    seen = []
    with urlsession.Session() as s:
        other = s.data_task(server.http + "/files/small.txt")

        def on_response(task, response):
            try:
                other.wait(1)
            except RuntimeError as exc:
                seen.append(exc)

        s.delegate = {"did_receive_response": on_response}
        task = s.data_task(server.http + "/files/small.txt")
        task.resume()
        task.wait(30)
        other.cancel()
    assert seen and "wait for itself" in str(seen[0])


def test_download_delegate(server, tmp_path):
    moved = tmp_path / "moved.bin"
    writes = []

    class Downloader:
        def did_write_data(self, task, written, total_written, total_expected):
            writes.append(total_written)

        def did_finish_downloading_to(self, task, path):
            import os
            os.replace(path, moved)

    with urlsession.Session(delegate=Downloader()) as s:
        task = s.download_task(server.http + "/files/1m.bin")
        task.resume()
        task.wait(30)
    assert task.error is None
    assert moved.stat().st_size == 1048576
    assert writes[-1] == 1048576
