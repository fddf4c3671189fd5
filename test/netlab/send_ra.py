#!/usr/bin/python3
"""send_ra.py — sends one IPv6 router advertisement carrying a PREF64 option (RFC 8781)
to all nodes (ff02::1) on an interface of the namespace it runs in.

    send_ra.py INTERFACE PREFIX/LENGTH LIFETIME

The router lifetime is 0 (the sender does not become a default router) and there are no
prefix options, so the only thing the advertisement gives is the NAT64 prefix.
LIFETIME is in seconds, rounded up to the option's 8-second units (at most 65528)."""
import ipaddress
import socket
import struct
import sys

ND_ROUTER_ADVERT = 134
ND_OPT_PREF64 = 38
PREFIX_LENGTH_CODES = {96: 0, 64: 1, 56: 2, 48: 3, 40: 4, 32: 5}


def pref64_option(prefix, lifetime):
    network = ipaddress.IPv6Network(prefix)
    code = PREFIX_LENGTH_CODES[network.prefixlen]
    scaled = min((lifetime + 7) // 8, 0x1FFF)
    return struct.pack("!BBH", ND_OPT_PREF64, 2, scaled << 3 | code) + \
        network.network_address.packed[:12]


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    interface, prefix, lifetime = sys.argv[1], sys.argv[2], int(sys.argv[3])
    # Type, code, checksum (the kernel fills it in), current hop limit, flags, router
    # lifetime, reachable time, retransmission timer.
    message = struct.pack("!BBHBBHII", ND_ROUTER_ADVERT, 0, 0, 64, 0, 0, 0, 0)
    message += pref64_option(prefix, lifetime)
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    # RFC 4861 §6.1.2: a host drops an advertisement whose hop limit is not 255.
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
    index = socket.if_nametoindex(interface)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, index)
    s.sendto(message, ("ff02::1", 0, 0, index))
    s.close()


if __name__ == "__main__":
    main()
