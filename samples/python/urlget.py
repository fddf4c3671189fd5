#!/usr/bin/python3
"""urlget.py — download a URL to a file with a progress line, using urlsession.

    urlget.py URL [OUTPUT] [--cacert FILE]

OUTPUT defaults to the last segment of the URL's path. The file appears only once the
download is complete. Exits 0 on a 2xx answer, 1 otherwise.
"""
import argparse
import os
import sys
import urllib.parse

import urlsession


def main() -> int:
    parser = argparse.ArgumentParser(description="Download a URL with urlsession.")
    parser.add_argument("url")
    parser.add_argument("output", nargs="?")
    parser.add_argument("--cacert", help="PEM bundle of CAs to trust instead of the system's")
    args = parser.parse_args()
    output = args.output or os.path.basename(urllib.parse.urlsplit(args.url).path) or "index.html"

    def progress(written: int, total: int) -> None:
        if total > 0:
            print(f"\r{output}: {written * 100 // total:3d}% of {total} bytes", end="",
                  file=sys.stderr, flush=True)
        else:
            print(f"\r{output}: {written} bytes", end="", file=sys.stderr, flush=True)

    configuration = urlsession.Configuration(ca_file=args.cacert)
    with urlsession.Session(configuration) as session:
        try:
            response = session.download(args.url, to=output, progress=progress)
        except urlsession.URLError as error:
            print(f"\nurlget: {error} ({type(error).__name__}, {error.code})", file=sys.stderr)
            return 1
    print(f"\n{output}: HTTP {response.status}, {os.path.getsize(output)} bytes", file=sys.stderr)
    return 0 if response.ok else 1


if __name__ == "__main__":
    sys.exit(main())
