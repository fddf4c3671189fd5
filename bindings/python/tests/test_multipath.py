"""Multipath from Python in the lab of test/netlab/multipath.sh: a client namespace with
wifi0 and cell0 to an MPTCP server. With multipath_service_type="handover", Wi-Fi going
down mid-download does not fail it: it completes over cellular, byte-identical; with
"none" the same outage fails the task with NetworkConnectionLost.

Needs root and kernel MPTCP; skipped without them, except under CI=true, where that is a
failure. The download runs in a Python process of its own inside the client namespace
(multipath_client.py), with PYTHONPATH at the binding under test."""
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile

import pytest

import urlsession
from conftest import HERE, IN_CI, file_sha256

LAB = os.path.normpath(os.path.join(HERE, "..", "..", "..", "test", "netlab", "multipath.sh"))
CLIENT = os.path.join(HERE, "multipath_client.py")
BLOB_MB = 8
BINDING_DIR = os.path.dirname(os.path.dirname(os.path.abspath(urlsession.__file__)))


def lab(*args, **kwargs):
    return subprocess.run([LAB, *args], capture_output=True, text=True, timeout=120, **kwargs)


@pytest.fixture(scope="module")
def mplab():
    check = lab("check")
    if check.returncode != 0:
        reason = f"the multipath lab cannot run here: {check.stderr.strip()}"
        if IN_CI:
            pytest.fail(f"{reason} (CI=true forbids skipping)")
        pytest.skip(reason)
    directory = tempfile.mkdtemp(prefix="urlsession-py-mplab-")
    state = os.path.join(directory, "lab")
    try:
        up = lab("up", state, "600", env=dict(os.environ, BLOB_MB=str(BLOB_MB)))
        assert up.returncode == 0, f"multipath.sh up failed: {up.stderr}"
        for path in ("wifi", "cell"):
            shaped = lab("shape", state, path, "20mbit")
            assert shaped.returncode == 0, shaped.stderr
        assert lab("pm", state, "userspace").returncode == 0
        assert lab("endpoints", state, "none").returncode == 0
        yield state
    finally:
        lab("down", state)
        shutil.rmtree(directory, ignore_errors=True)


def cell_bytes(state):
    out = lab("bytes", state, "cell")
    assert out.returncode == 0, out.stderr
    return int(out.stdout)


def download_losing_wifi(state, service_type, out):
    """Runs multipath_client.py in the client namespace and takes wifi0 down once it has
    received its first MiB. Returns (its JSON result, bytes cell0 carried meanwhile)."""
    before = cell_bytes(state)
    env = dict(os.environ, PYTHONPATH=BINDING_DIR, PYTHONDONTWRITEBYTECODE="1")
    url = "http://10.9.0.1/blob.bin"
    client = subprocess.Popen([LAB, "client", state, sys.executable, CLIENT, url, out, service_type],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        ready, _, _ = select.select([client.stdout], [], [], 90)
        first = client.stdout.readline().strip() if ready else "(nothing in 90 s)"
        assert first == "receiving", (
            f"the client did not start receiving: {first!r} {client.stderr.read()}")
        down = lab("link", state, "wifi", "down")
        assert down.returncode == 0, down.stderr
        rest, errors = client.communicate(timeout=150)
    finally:
        if client.poll() is None:
            client.kill()
            client.wait()
        lab("link", state, "wifi", "up")
    assert client.returncode == 0, errors
    return json.loads(rest.strip().splitlines()[-1]), cell_bytes(state) - before


def test_handover_survives_wifi_loss(mplab, tmp_path):
    out = str(tmp_path / "blob.bin")
    result, carried = download_losing_wifi(mplab, "handover", out)
    assert result["finished"] is True
    assert result["error"] is None, result
    assert result["sha256"] == file_sha256(os.path.join(mplab, "www", "blob.bin"))
    # Over half of the body came after Wi-Fi went (the first MiB came before): by cell0.
    assert carried > (BLOB_MB // 2) << 20, f"cell0 carried only {carried} bytes"
    # The same seen from Python: the task's metrics name the subflows and their bytes.
    transaction = result["metrics"]["transactions"][-1]
    assert transaction["multipath"] is True
    assert transaction["path_manager"] == "userspace"
    on_cell = sum(s["bytes_received"] for s in transaction["subflows"]
                  if s["interface"] == "cell0")
    assert on_cell > (BLOB_MB // 2) << 20, transaction["subflows"]
    print(f"handover: {BLOB_MB} MiB in {result['seconds']} s, cell0 carried {carried} bytes "
          f"(kernel), {on_cell} (subflow metrics)")


def test_none_fails_with_connection_lost(mplab, tmp_path):
    out = str(tmp_path / "blob.bin")
    result, carried = download_losing_wifi(mplab, "none", out)
    assert result["finished"] is True
    assert result["error"] == "NetworkConnectionLost", result
    assert result["is_connection_lost"] is True
    assert result["code"] == -1005
    assert carried < 100 << 10, f"cell0 carried {carried} bytes without multipath"
    assert not os.path.exists(out)
    print(f"none: failed with NetworkConnectionLost after {result['seconds']} s")
