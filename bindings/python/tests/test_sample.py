"""samples/python/urlget.py downloads with progress and reports failures."""
import os
import subprocess
import sys

from conftest import HERE, file_sha256, free_port

URLGET = os.path.normpath(os.path.join(HERE, "..", "..", "..", "samples", "python", "urlget.py"))


def run(*args, cwd):
    return subprocess.run([sys.executable, URLGET, *args], capture_output=True, text=True,
                          cwd=cwd, timeout=60, env=dict(os.environ))


def test_urlget_downloads(server, tmp_path):
    result = run(server.https + "/files/1m.bin", "--cacert", server.ca, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "100% of 1048576 bytes" in result.stderr
    assert file_sha256(tmp_path / "1m.bin") == file_sha256(os.path.join(server.www, "1m.bin"))


def test_urlget_reports_errors(tmp_path):
    result = run(f"http://127.0.0.1:{free_port()}/x", str(tmp_path / "x"), cwd=tmp_path)
    assert result.returncode == 1
    assert "CannotConnectToHost" in result.stderr
    assert not (tmp_path / "x").exists()
