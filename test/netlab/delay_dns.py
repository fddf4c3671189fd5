#!/usr/bin/python3
"""delay_dns.py — a tiny DNS responder over UDP that answers A at once and AAAA after a
delay of its name's choosing, for testing the RFC 8305 resolution delay.

    delay_dns.py ADDRESS PORT LIFETIME NAME=A,AAAA,DELAY_MS...

Each NAME (for example slow.lab=203.0.113.10,2001:db8:2::10,800) gets one A and one AAAA
record, TTL 0 so that no cache keeps them; its AAAA answer leaves DELAY_MS after the
query arrived. Other names get NXDOMAIN. It exits after LIFETIME seconds whatever happens.
Each answer sent is logged on stdout as "SECONDS NAME TYPE" (monotonic clock)."""
import heapq
import ipaddress
import select
import socket
import struct
import sys
import time

TYPE_A, TYPE_AAAA, CLASS_IN = 1, 28, 1


def parse_question(query):
    """The question's name (lower case, no final dot), type, and where it ends."""
    labels, at = [], 12
    while at < len(query):
        length = query[at]
        if length == 0 or length & 0xC0:
            break
        labels.append(query[at + 1:at + 1 + length].decode("ascii", "replace").lower())
        at += 1 + length
    at += 1
    qtype, _ = struct.unpack("!HH", query[at:at + 4])
    return ".".join(labels), qtype, at + 4


def answer(query, records):
    name, qtype, end = parse_question(query)
    record = records.get(name)
    flags = 0x8180 if record else 0x8183  # response, RD, RA; NOERROR or NXDOMAIN
    data = b""
    if record and qtype in (TYPE_A, TYPE_AAAA):
        data = (ipaddress.IPv4Address if qtype == TYPE_A else ipaddress.IPv6Address)(
            record[0 if qtype == TYPE_A else 1]).packed
    count = 1 if data else 0
    reply = query[:2] + struct.pack("!HHHHH", flags, 1, count, 0, 0) + query[12:end]
    if data:
        # The owner name points at the question's (offset 12).
        reply += struct.pack("!HHHIH", 0xC00C, qtype, CLASS_IN, 0, len(data)) + data
    return name, qtype, reply


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    address, port, lifetime = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    records = {}
    for item in sys.argv[4:]:
        name, values = item.split("=", 1)
        a, aaaa, delay = values.split(",")
        records[name.lower()] = (a, aaaa, int(delay) / 1000.0)
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.bind((address, port))
    end = time.monotonic() + lifetime
    pending = []  # (due, sequence, reply, peer, name, type)
    sequence = 0
    print("ready", flush=True)
    while time.monotonic() < end:
        now = time.monotonic()
        while pending and pending[0][0] <= now:
            _, _, reply, peer, name, qtype = heapq.heappop(pending)
            s.sendto(reply, peer)
            kind = {TYPE_A: "A", TYPE_AAAA: "AAAA"}.get(qtype, str(qtype))
            print("%.6f %s %s" % (time.monotonic(), name, kind), flush=True)
        timeout = min(end, pending[0][0] if pending else end) - now
        readable, _, _ = select.select([s], [], [], max(timeout, 0))
        if not readable:
            continue
        query, peer = s.recvfrom(4096)
        if len(query) < 17:
            continue
        name, qtype, reply = answer(query, records)
        delay = records[name][2] if name in records and qtype == TYPE_AAAA else 0
        sequence += 1
        heapq.heappush(pending, (time.monotonic() + delay, sequence, reply, peer, name, qtype))


if __name__ == "__main__":
    main()
