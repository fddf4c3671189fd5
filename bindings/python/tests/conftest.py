"""Fixtures of the urlsession suite: a real nginx on loopback, started once per run.

The server comes from test/servers/nginx.sh (or $URL_TEST_NGINX). When nginx or its
modules are missing the server tests are skipped, except under CI=true, where a missing
prerequisite is a failure: nothing is skipped in CI.
"""
import hashlib
import os
import shlex
import socket
import shutil
import subprocess
import sys
import tempfile
import threading
import types

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
NGINX_SH = os.environ.get("URL_TEST_NGINX") or os.path.normpath(
    os.path.join(HERE, "..", "..", "..", "test", "servers", "nginx.sh"))
IN_CI = os.environ.get("CI") == "true"


def _read_env(path):
    values = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and "=" in line:
                name, value = line.split("=", 1)
                values[name] = shlex.split(value)[0] if value else ""
    return values


@pytest.fixture(scope="session")
def server():
    """The nginx of nginx.sh: .http, .https, .h2c (base URLs), .ca, .www, .uploads."""
    directory = tempfile.mkdtemp(prefix="urlsession-py-")
    run = subprocess.run([NGINX_SH, "start", directory], capture_output=True, text=True)
    if run.returncode == 77 and not IN_CI:
        pytest.skip(f"nginx prerequisites missing: {run.stderr.strip()}")
    if run.returncode != 0:
        pytest.fail(f"nginx.sh start failed ({run.returncode}): {run.stderr.strip()}")
    env = _read_env(os.path.join(directory, "server.env"))
    s = types.SimpleNamespace(
        http=f"http://127.0.0.1:{env['URL_TEST_HTTP_PORT']}",
        https=f"https://127.0.0.1:{env['URL_TEST_HTTPS_PORT']}",
        h2c=f"http://127.0.0.1:{env['URL_TEST_H2C_PORT']}",
        ca=env["URL_TEST_CA"],
        www=env["URL_TEST_WWW"],
        uploads=env["URL_TEST_UPLOADS"],
    )
    try:
        yield s
    finally:
        subprocess.run([NGINX_SH, "stop", directory], capture_output=True)
        shutil.rmtree(directory, ignore_errors=True)


def file_sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_file(path):
    with open(path, "rb") as f:
        return f.read()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class StallingServer:
    """A TCP server on 127.0.0.1 that accepts connections and never answers."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connections = []
        self.stopped = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while not self.stopped:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections.append(conn)

    def close(self):
        self.stopped = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        for conn in self.connections:
            conn.close()


@pytest.fixture
def stalling_server():
    s = StallingServer()
    yield s
    s.close()


def free_port():
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


sys.path.insert(0, HERE)
