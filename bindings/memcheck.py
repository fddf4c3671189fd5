#!/usr/bin/env python3
"""memcheck.py — runs a bindings test suite under valgrind memcheck and fails when the
binding or liburlsession leaks memory or misuses it.

    memcheck.py --source SRC --log-dir DIR -- COMMAND...

COMMAND (python3 -m pytest ..., lua5.4 run.lua ...) runs under valgrind with
--leak-check=full, definite leaks only, the suppressions of memcheck.supp (what the
interpreters themselves allocate and never free) and one log per process in DIR. Then
every log is read: a definite leak or a memory error (invalid read / write / free,
uninitialised value, ...) counts when one frame of its stack is in SRC's bindings/ or
lib/ — the binding's or the library's own code — and is printed with its stack. Anything
else is the interpreter's or a dependency's business and is only counted in the summary.

Exit status: COMMAND's own when it failed; 1 when something counted; 77 (skipped) when
valgrind is missing, except under CI=true, where that is a failure; else 0. Python runs
with PYTHONMALLOC=malloc so that its objects are seen by valgrind one by one.
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# The first line of a record: "==123== 40 bytes in 1 blocks are definitely lost in loss
# record 5 of 9", or an error kind such as "==123== Invalid read of size 8".
RECORD = re.compile(r"^==(\d+)== (\d[\d,]* \(?[\d,]* ?(direct|bytes).*definitely lost.*|"
                    r"Invalid (read|write|free).*|Mismatched free.*|"
                    r"Conditional jump or move depends on uninitialised.*|"
                    r"Use of uninitialised value.*|Syscall param .* uninitialised.*|"
                    r"Source and destination overlap.*)$")
FRAME = re.compile(r"^==\d+==\s+(at|by) 0x[0-9A-F]+: (.*)$")


def records(path):
    """(headline, [frames]) of each leak or error record of a valgrind log."""
    current = None
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            match = RECORD.match(line)
            if match:
                current = (match.group(2), [])
                continue
            if current is None:
                continue
            frame = FRAME.match(line)
            if frame:
                current[1].append(frame.group(2))
            elif line.rstrip("= 0123456789") == "" or not line.startswith("=="):
                if current[1]:
                    yield current
                current = None
    if current and current[1]:
        yield current


def ours(frames, roots):
    return any(root in frame for frame in frames for root in roots)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", required=True, help="the project's source directory")
    parser.add_argument("--log-dir", required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command to run")

    valgrind = shutil.which("valgrind")
    if valgrind is None:
        if os.environ.get("CI") == "true":
            print("memcheck: valgrind is missing, and CI=true forbids skipping")
            return 1
        print("memcheck: skipped, valgrind is not installed")
        return 77

    source = os.path.realpath(args.source)
    roots = [os.path.join(source, "bindings") + "/", os.path.join(source, "lib") + "/"]
    shutil.rmtree(args.log_dir, ignore_errors=True)
    os.makedirs(args.log_dir)
    env = dict(os.environ, PYTHONMALLOC="malloc")
    started = time.monotonic()
    status = subprocess.call([
        valgrind, "--tool=memcheck", "--leak-check=full", "--show-leak-kinds=definite",
        "--errors-for-leak-kinds=definite", "--num-callers=40", "--fair-sched=yes",
        "--fullpath-after=", f"--suppressions={os.path.join(HERE, 'memcheck.supp')}",
        f"--log-file={os.path.join(args.log_dir, 'memcheck.%p.log')}", *command], env=env)
    elapsed = time.monotonic() - started

    counted, other = [], 0
    for path in sorted(glob.glob(os.path.join(args.log_dir, "memcheck.*.log"))):
        for headline, frames in records(path):
            if ours(frames, roots):
                counted.append((path, headline, frames))
            else:
                other += 1
    for path, headline, frames in counted:
        print(f"memcheck: {os.path.basename(path)}: {headline}")
        for frame in frames:
            print(f"    {frame}")
    print(f"memcheck: {len(counted)} leak(s) or error(s) in the binding or liburlsession, "
          f"{other} elsewhere (not counted); the suite took {elapsed:.0f} s under valgrind "
          f"and exited {status}")
    if status != 0:
        return status
    return 1 if counted else 0


if __name__ == "__main__":
    sys.exit(main())
