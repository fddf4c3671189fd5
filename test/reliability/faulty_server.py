#!/usr/bin/python3
"""faulty_server.py — a misbehaving server for liburlsession's fault-injection tests.

Listens on 127.0.0.1 only, on ports the kernel picks, and prints one line of JSON with
them on stdout once it is ready: {"http": P, "tls_alert": P, "tls_other_name": P,
"h2_goaway": P, "h2_rst": P}. It runs until stdin closes (the test holds the other end,
so the server never outlives it) or for --lifetime seconds at most.

  faulty_server.py [--ca-cert CA.pem --ca-key CA.key] [--lifetime SECONDS]

The "http" listener speaks just enough HTTP/1.1 to misbehave on purpose, by path:

  /reset-headers        part of a status line and headers, then a TCP reset
  /reset-body           a head announcing 1 MiB, 64 KiB of body, then a TCP reset
  /stall                reads the request and never answers
  /stall-body           a head announcing 1 MiB, 1 KiB of body, then nothing
  /truncated-chunked    a chunked body whose connection closes before the last chunk
  /long-length          Content-Length 100000, 1000 bytes, then the connection closes
  /short-length         Content-Length 5, then "helloEXTRA-BYTES-NOT-IN-THE-BODY"
  /huge-headers?kib=N   N KiB of header lines of 1000 bytes each (default 1024)
  /huge-line?kib=N      one header line of N KiB (default 512)
  /bomb?mib=N           a gzip body of N MiB of zeros (default 64), ~N KiB on the wire
  /trickle?bytes=N&ms=M N body bytes, one every M milliseconds (defaults 20, 100)
  /echo-headers         the request head as the body
  /redirect?to=URL      302 to URL
  /disposition?name=N   a body with Content-Disposition: attachment; filename="N"
  /ok                   "ok\n"

The other listeners:
  tls_alert       answers a TLS ClientHello with a handshake_failure alert
  tls_other_name  real TLS with a certificate for "other.invalid" signed by the given CA
                  (only with --ca-cert/--ca-key), then a plain 200 "ok\n"
  h2_goaway       HTTP/2 (prior knowledge): answers stream 1 with 200 "ok\n" and at once
                  sends GOAWAY(last_stream_id=1, NO_ERROR) and closes
  h2_rst          HTTP/2 (prior knowledge): answers every stream with RST_STREAM
                  (INTERNAL_ERROR)
"""

import argparse
import json
import os
import select
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import zlib

STOP = threading.Event()


def reset(conn):
    """Close with a TCP RST instead of a FIN."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


def read_head(conn, limit=65536):
    data = b""
    conn.settimeout(10)
    while b"\r\n\r\n" not in data and len(data) < limit:
        chunk = conn.recv(4096)
        if not chunk:
            return None
        data += chunk
    return data


def stall(conn):
    """Hold the connection without sending anything until the client or the test goes."""
    conn.settimeout(0.5)
    while not STOP.is_set():
        try:
            if not conn.recv(4096):
                return
        except socket.timeout:
            continue
        except OSError:
            return


def gzip_zeros(mib):
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1024 * 1024)
    out = [comp.compress(block) for _ in range(mib)]
    out.append(comp.flush())
    return b"".join(out)


BOMBS = {}


def serve_http(conn):
    head = read_head(conn)
    if head is None:
        conn.close()
        return
    target = head.split(b" ", 2)[1].decode("latin-1")
    url = urllib.parse.urlsplit(target)
    query = dict(urllib.parse.parse_qsl(url.query))
    path = url.path
    if path == "/reset-headers":
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/pl")
        time.sleep(0.1)
        reset(conn)
    elif path == "/reset-body":
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n" + bytes(65536))
        time.sleep(0.1)
        reset(conn)
    elif path == "/stall":
        stall(conn)
        conn.close()
    elif path == "/stall-body":
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n" + bytes(1024))
        stall(conn)
        conn.close()
    elif path == "/truncated-chunked":
        conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                     b"5\r\nhello\r\n6\r\n world\r\n400\r\nonly part")
        time.sleep(0.1)
        conn.close()
    elif path == "/long-length":
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + b"x" * 1000)
        time.sleep(0.1)
        conn.close()
    elif path == "/short-length":
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\n"
                     b"helloEXTRA-BYTES-NOT-IN-THE-BODY")
        time.sleep(0.1)
        conn.close()
    elif path == "/huge-headers":
        kib = int(query.get("kib", "1024"))
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n")
        line = b"X-Pad-%06d: " + b"a" * 980 + b"\r\n"
        try:
            for i in range(kib):
                conn.sendall(line % i)
            conn.sendall(b"\r\nok\n")
        except OSError:
            pass
        time.sleep(0.1)
        conn.close()
    elif path == "/huge-line":
        kib = int(query.get("kib", "512"))
        try:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nX-Big: "
                         + b"b" * (kib * 1024) + b"\r\n\r\nok\n")
        except OSError:
            pass
        time.sleep(0.1)
        conn.close()
    elif path == "/bomb":
        mib = int(query.get("mib", "64"))
        if mib not in BOMBS:
            BOMBS[mib] = gzip_zeros(mib)
        body = BOMBS[mib]
        try:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
                         b"Content-Type: application/octet-stream\r\n"
                         b"Content-Length: %d\r\n\r\n" % len(body) + body)
        except OSError:
            pass
        time.sleep(0.1)
        conn.close()
    elif path == "/trickle":
        count = int(query.get("bytes", "20"))
        delay = int(query.get("ms", "100")) / 1000.0
        try:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % count)
            for _ in range(count):
                if STOP.is_set():
                    break
                conn.sendall(b"t")
                time.sleep(delay)
        except OSError:
            pass
        conn.close()
    elif path == "/echo-headers":
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
                     % len(head) + head)
        conn.close()
    elif path == "/redirect":
        location = query.get("to", "/ok").encode("latin-1")
        conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: " + location +
                     b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        conn.close()
    elif path == "/disposition":
        name = query.get("name", "").encode("utf-8")
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Disposition: attachment; filename=\"" + name +
                     b"\"\r\nContent-Length: 5\r\nConnection: close\r\n\r\nevil\n")
        conn.close()
    else:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n")
        conn.close()


def serve_tls_alert(conn):
    conn.settimeout(10)
    try:
        conn.recv(4096)
        # TLS record: alert, TLS 1.2, length 2, fatal(2) handshake_failure(40).
        conn.sendall(b"\x15\x03\x03\x00\x02\x02\x28")
        time.sleep(0.1)
    except OSError:
        pass
    conn.close()


def make_tls_context(ca_cert, ca_key, workdir):
    key = os.path.join(workdir, "other.key")
    csr = os.path.join(workdir, "other.csr")
    cert = os.path.join(workdir, "other.pem")
    ext = os.path.join(workdir, "other.ext")
    with open(ext, "w") as f:
        f.write("basicConstraints=critical,CA:FALSE\n"
                "extendedKeyUsage=serverAuth\n"
                "subjectAltName=DNS:other.invalid\n")
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": True}
    subprocess.run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", csr,
                    "-subj", "/CN=other.invalid"], **quiet)
    subprocess.run(["openssl", "x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key,
                    "-CAcreateserial", "-CAserial", os.path.join(workdir, "ca.srl"),
                    "-days", "2", "-extfile", ext, "-out", cert], **quiet)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.set_alpn_protocols(["http/1.1"])
    return context


def serve_tls_other_name(conn, context):
    try:
        tls = context.wrap_socket(conn, server_side=True)
        tls.settimeout(10)
        if read_head(tls) is not None:
            tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n")
        tls.close()
    except (OSError, ssl.SSLError):
        conn.close()


# ---- a few raw HTTP/2 frames (RFC 9113), enough to misbehave -----------------------------

H2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
DATA, HEADERS, RST_STREAM, SETTINGS, GOAWAY = 0x0, 0x1, 0x3, 0x4, 0x7
END_STREAM, END_HEADERS, ACK = 0x1, 0x4, 0x1


def frame(kind, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + \
        struct.pack(">I", stream) + payload


def read_frames(conn, buffer):
    """Yields (type, flags, stream) of each complete frame, reading more when needed."""
    while not STOP.is_set():
        while len(buffer) >= 9:
            length = int.from_bytes(buffer[0:3], "big")
            if len(buffer) < 9 + length:
                break
            kind, flags = buffer[3], buffer[4]
            stream = int.from_bytes(buffer[5:9], "big") & 0x7FFFFFFF
            del buffer[:9 + length]
            yield kind, flags, stream
        chunk = conn.recv(65536)
        if not chunk:
            return
        buffer += chunk


def serve_h2(conn, mode):
    conn.settimeout(10)
    try:
        buffer = bytearray()
        while len(buffer) < len(H2_PREFACE):
            chunk = conn.recv(65536)
            if not chunk:
                conn.close()
                return
            buffer += chunk
        if bytes(buffer[:len(H2_PREFACE)]) != H2_PREFACE:
            conn.close()
            return
        del buffer[:len(H2_PREFACE)]
        conn.sendall(frame(SETTINGS, 0, 0))
        for kind, flags, stream in read_frames(conn, buffer):
            if kind == SETTINGS and not flags & ACK:
                conn.sendall(frame(SETTINGS, ACK, 0))
            elif kind == HEADERS:
                if mode == "rst":
                    conn.sendall(frame(RST_STREAM, 0, stream, struct.pack(">I", 0x2)))
                    continue
                # 0x88: ":status: 200" from HPACK's static table.
                conn.sendall(frame(HEADERS, END_HEADERS, stream, b"\x88") +
                             frame(DATA, END_STREAM, stream, b"ok\n") +
                             frame(GOAWAY, 0, 0, struct.pack(">II", stream, 0)))
                time.sleep(0.1)
                break
    except OSError:
        pass
    conn.close()


def listen():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(256)
    return sock


def accept_loop(sock, handler):
    sock.settimeout(0.5)
    while not STOP.is_set():
        try:
            conn, _ = sock.accept()
        except socket.timeout:
            continue
        except OSError:
            return
        conn.settimeout(None)
        threading.Thread(target=handler, args=(conn,), daemon=True).start()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ca-cert")
    parser.add_argument("--ca-key")
    parser.add_argument("--lifetime", type=float, default=900)
    args = parser.parse_args()

    handlers = {
        "http": serve_http,
        "tls_alert": serve_tls_alert,
        "h2_goaway": lambda c: serve_h2(c, "goaway"),
        "h2_rst": lambda c: serve_h2(c, "rst"),
    }
    workdir = tempfile.mkdtemp(prefix="faulty-server-")
    if args.ca_cert and args.ca_key:
        context = make_tls_context(args.ca_cert, args.ca_key, workdir)
        handlers["tls_other_name"] = lambda c: serve_tls_other_name(c, context)
    ports = {}
    for name, handler in handlers.items():
        sock = listen()
        ports[name] = sock.getsockname()[1]
        threading.Thread(target=accept_loop, args=(sock, handler), daemon=True).start()
    print(json.dumps(ports), flush=True)

    deadline = time.monotonic() + args.lifetime
    while time.monotonic() < deadline:
        ready, _, _ = select.select([sys.stdin], [], [], 0.5)
        if ready and not sys.stdin.buffer.read1(4096):
            break
    STOP.set()
    subprocess.run(["rm", "-rf", workdir], check=False)


if __name__ == "__main__":
    main()
