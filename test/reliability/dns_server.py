#!/usr/bin/env python3
"""dns_server.py — a tiny DNS responder of the reliability tests, on loopback only.

    dns_server.py PORT

Answers on 127.0.0.1:PORT over UDP and TCP (RFC 1035 §4.2.2 framing):
  - A for any name under .test: 127.0.0.1, TTL 1 s;
  - AAAA for those: no data (NOERROR, empty answer);
  - anything else: NXDOMAIN.
SIGUSR1 makes it stop answering (queries are read and dropped: a server that went
silent); SIGUSR2 makes it answer again. SIGTERM ends it. Each query is logged on stderr.
"""
import selectors
import signal
import socket
import struct
import sys

TTL = 1
muted = False


def on_signal(signum, _frame):
    global muted
    muted = signum == signal.SIGUSR1
    print("muted" if muted else "answering", file=sys.stderr, flush=True)


def parse_question(query):
    """(id, flags, qname labels as bytes, qtype, qclass, end offset) or None."""
    if len(query) < 12:
        return None
    ident, flags, qdcount = struct.unpack("!HHH", query[:6])
    if qdcount != 1 or flags & 0x8000:
        return None
    labels = []
    pos = 12
    while True:
        if pos >= len(query):
            return None
        length = query[pos]
        pos += 1
        if length == 0:
            break
        if length > 63 or pos + length > len(query):
            return None
        labels.append(query[pos:pos + length])
        pos += length
    if pos + 4 > len(query):
        return None
    qtype, qclass = struct.unpack("!HH", query[pos:pos + 4])
    return ident, flags, labels, qtype, qclass, pos + 4


def answer(query):
    parsed = parse_question(query)
    if parsed is None:
        return None
    ident, flags, labels, qtype, qclass, end = parsed
    name = b".".join(labels).decode("ascii", "replace").lower()
    question = query[12:end]
    under_test = name.endswith(".test")
    rcode = 0 if under_test else 3  # NXDOMAIN
    answers = b""
    ancount = 0
    if under_test and qtype == 1 and qclass == 1:
        # A pointer to the question's name (offset 12), A, IN, TTL, 4 bytes.
        answers = struct.pack("!HHHIH", 0xC00C, 1, 1, TTL, 4) + socket.inet_aton("127.0.0.1")
        ancount = 1
    # QR, the query's opcode and RD, RA, rcode.
    reply_flags = 0x8000 | (flags & 0x7900) | 0x0080 | rcode
    header = struct.pack("!HHHHHH", ident, reply_flags, 1, ancount, 0, 0)
    print(f"query {name} type {qtype}: rcode {rcode}, {ancount} answers",
          file=sys.stderr, flush=True)
    return header + question + answers


def main():
    port = int(sys.argv[1])
    signal.signal(signal.SIGUSR1, on_signal)
    signal.signal(signal.SIGUSR2, on_signal)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    udp.bind(("127.0.0.1", port))
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind(("127.0.0.1", port))
    tcp.listen(16)
    selector = selectors.DefaultSelector()
    selector.register(udp, selectors.EVENT_READ)
    selector.register(tcp, selectors.EVENT_READ)
    print(f"listening on 127.0.0.1:{port}", file=sys.stderr, flush=True)
    while True:
        for key, _ in selector.select():
            if key.fileobj is udp:
                try:
                    query, peer = udp.recvfrom(4096)
                except InterruptedError:
                    continue
                reply = None if muted else answer(query)
                if reply is not None:
                    udp.sendto(reply, peer)
            else:
                conn, _ = tcp.accept()
                conn.settimeout(2)
                try:
                    head = conn.recv(2)
                    if len(head) == 2:
                        length = struct.unpack("!H", head)[0]
                        query = b""
                        while len(query) < length:
                            chunk = conn.recv(length - len(query))
                            if not chunk:
                                break
                            query += chunk
                        reply = None if muted else answer(query)
                        if reply is not None:
                            conn.sendall(struct.pack("!H", len(reply)) + reply)
                except OSError:
                    pass
                finally:
                    conn.close()


if __name__ == "__main__":
    main()
