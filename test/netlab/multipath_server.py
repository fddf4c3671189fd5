#!/usr/bin/env python3
"""multipath_server.py — a small HTTP/1.1 file server for the multipath lab.

    multipath_server.py ROOT PORT [--tcp]

Serves the files under ROOT on 0.0.0.0:PORT over Multipath TCP (socket.IPPROTO_MPTCP,
262), or plain TCP with --tcp (the server a multipath client must fall back from).
Keep-alive, Content-Length, no directory listings; one thread per connection. Writes
"ready" on stdout once listening."""
import http.server
import socket
import sys

IPPROTO_MPTCP = getattr(socket, "IPPROTO_MPTCP", 262)


class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # Head and body go out as separate writes: without this, Nagle holds the body
        # for the client's delayed ACK and every small request takes 40 ms more.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):
        pass

    def list_directory(self, path):
        self.send_error(404)
        return None


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port, protocol, root):
        super().__init__(("0.0.0.0", port), lambda *a: Handler(*a, directory=root),
                         bind_and_activate=False)
        self.socket.close()
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, protocol)
        self.server_bind()
        self.server_activate()


def main():
    root, port = sys.argv[1], int(sys.argv[2])
    protocol = socket.IPPROTO_TCP if "--tcp" in sys.argv[3:] else IPPROTO_MPTCP
    server = Server(port, protocol, root)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
