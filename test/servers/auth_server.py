#!/usr/bin/env python3
"""auth_server.py — a loopback HTTP server for test_auth: HTTP Digest (RFC 7616, MD5 and
qop=auth; nginx-light has no Digest module) and Basic in front of a redirect.

  auth_server.py PORT USER PASSWORD

  /digest/...            Digest realm "digest-realm": 200 "digest ok <path>\\n" with a
                         valid Authorization, else 401 with a fresh nonce
  /basic-redirect?to=U   Basic realm "redirect-realm": 302 to U with a valid
                         Authorization, else 401
  /whoami                200 with the Authorization header received ("none" without one)

Every request line and its Authorization header go to stdout, one line each, flushed.
"""
import base64
import hashlib
import http.server
import re
import secrets
import sys
import urllib.parse

PORT, USER, PASSWORD = int(sys.argv[1]), sys.argv[2], sys.argv[3]
DIGEST_REALM = "digest-realm"
BASIC_REALM = "redirect-realm"
NONCES = set()


def md5(text):
    return hashlib.md5(text.encode()).hexdigest()


def digest_params(header):
    return dict((k, v1 or v2) for k, v1, v2 in re.findall(r'(\w+)=(?:"([^"]*)"|([^\s,]*))', header))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=()):
        data = body.encode()
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def digest_ok(self, header):
        if not header.startswith("Digest "):
            return False
        p = digest_params(header[7:])
        if p.get("username") != USER or p.get("realm") != DIGEST_REALM:
            return False
        if p.get("nonce") not in NONCES or p.get("uri") != self.path:
            return False
        ha1 = md5("%s:%s:%s" % (USER, DIGEST_REALM, PASSWORD))
        ha2 = md5("%s:%s" % (self.command, self.path))
        want = md5(":".join([ha1, p["nonce"], p.get("nc", ""), p.get("cnonce", ""),
                             p.get("qop", ""), ha2]))
        return p.get("response") == want

    def do_GET(self):
        auth = self.headers.get("Authorization", "")
        print("%s %s auth=%s" % (self.command, self.path, auth or "none"), flush=True)
        url = urllib.parse.urlsplit(self.path)
        if url.path.startswith("/digest/"):
            if self.digest_ok(auth):
                self.reply(200, "digest ok %s\n" % url.path)
                return
            nonce = secrets.token_hex(16)
            NONCES.add(nonce)
            challenge = 'Digest realm="%s", qop="auth", algorithm=MD5, nonce="%s", opaque="o"' % (
                DIGEST_REALM, nonce)
            self.reply(401, "digest required\n", [("WWW-Authenticate", challenge)])
        elif url.path == "/basic-redirect":
            token = base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode()).decode()
            if auth == "Basic " + token:
                target = urllib.parse.parse_qs(url.query)["to"][0]
                self.reply(302, "", [("Location", target)])
            else:
                self.reply(401, "basic required\n",
                           [("WWW-Authenticate", 'Basic realm="%s"' % BASIC_REALM)])
        elif url.path == "/whoami":
            self.reply(200, "authorization: %s\n" % (auth or "none"))
        else:
            self.reply(404, "not found\n")


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
