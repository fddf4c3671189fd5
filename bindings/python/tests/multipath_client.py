"""multipath_client.py — the Python side of test_multipath.py, run inside the lab's client
namespace (ip netns exec) with PYTHONPATH at the built binding.

    multipath_client.py URL OUT SERVICE_TYPE

Downloads URL to OUT with Configuration(multipath_service_type=SERVICE_TYPE) and wifi0 /
cell0 typed as Wi-Fi and cellular. Prints "receiving" once the first MiB is on disk (the
test takes Wi-Fi down then), and at the end one JSON line: the error (class name, code),
the seconds taken, the body's sha256 and the task's metrics."""
import hashlib
import json
import sys
import time

import urlsession


def main():
    url, out, service_type = sys.argv[1:4]
    configuration = urlsession.Configuration(
        multipath_service_type=service_type,
        interface_types={"wifi0": "wifi", "cell0": "cellular"},
        timeout_interval_for_request=30, timeout_interval_for_resource=120)
    announced = False

    def progress(written, expected):
        nonlocal announced
        if not announced and written >= 1 << 20:
            announced = True
            print("receiving", flush=True)

    start = time.monotonic()
    with urlsession.Session(configuration) as session:
        task = session.download_task(url, to=out, progress=progress)
        task.resume()
        finished = task.wait(timeout=120)
        error = task.error
        result = {
            "finished": finished,
            "seconds": round(time.monotonic() - start, 3),
            "error": type(error).__name__ if error is not None else None,
            "code": error.code if error is not None else None,
            "is_connection_lost": isinstance(error, urlsession.NetworkConnectionLost),
            "metrics": task.metrics,
        }
    if error is None:
        digest = hashlib.sha256()
        with open(out, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        result["sha256"] = digest.hexdigest()
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
