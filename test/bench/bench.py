#!/usr/bin/python3
"""bench.py — runs the benchmark scenarios against every contender, in interleaved rounds,
and prints a table of medians and ratios to liburlsession (C). run.sh starts the server
and builds the programs first; see doc/benchmarks.md.

    bench.py --build-dir DIR --server-env FILE --work DIR [--quick] [--tiny]
             [--rounds N] [--only SCENARIO[,SCENARIO...]]

Every contender runs as a child process. The runner measures its wall time and, with
wait4(), its CPU time (user + system); the contender prints one JSON line with what only
it can see (bytes, successes, VmRSS baseline and VmHWM, time-to-first-byte medians).
Results go to DIR/bench/results.json and DIR/bench/results.csv.
"""
import argparse
import csv
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"
GIB = 1 << 30
MIB = 1 << 20
REFERENCE = "liburlsession (C)"


# ---- sizes ------------------------------------------------------------------------------

def sizes(args):
    """The work of each scenario: full, --quick (smoke run) or --tiny (the ctest)."""
    if args.tiny:
        return dict(big=8 * MIB, many=300, tasks=200, stream=8 * MIB, rate=32 * MIB, ttfb=3,
                    rounds=1, slow=0.1, timeout=60)
    if args.quick:
        return dict(big=256 * MIB, many=4000, tasks=2000, stream=256 * MIB, rate=256 * MIB,
                    ttfb=5, rounds=1, slow=0.25, timeout=120)
    return dict(big=GIB, many=20000, tasks=10000, stream=GIB, rate=256 * MIB, ttfb=15,
                rounds=3, slow=0.5, timeout=300)


# ---- contenders -------------------------------------------------------------------------

class Contender:
    """One program doing one scenario: @argv(run_dir) gives the command line."""

    def __init__(self, name, argv, env=None, check_bytes=True, parse=None):
        self.name = name
        self.argv = argv
        self.env = env
        self.check_bytes = check_bytes
        self.parse = parse  # for commands without a JSON line: stdout -> dict


def python_available(module, env=None):
    probe = subprocess.run([PYTHON, "-c", f"import {module}"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return probe.returncode == 0


def lab_available(script):
    """Whether a network lab (test/netlab/SCRIPT) can be built here: root and its tools."""
    if os.geteuid() != 0:
        return False
    check = subprocess.run([os.path.join(HERE, "..", "netlab", script), "check"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return check.returncode == 0


class Setup:
    def __init__(self, args, server):
        self.args = args
        self.size = sizes(args)
        self.http = f"http://127.0.0.1:{server['BENCH_HTTP_PORT']}"
        self.https = f"https://127.0.0.1:{server['BENCH_HTTPS_PORT']}"
        self.ca = server["BENCH_CA"]
        build = args.build_dir
        self.programs = {
            "urlsession": os.path.join(build, "test/bench/bench_urlsession"),
            "curl-multi": os.path.join(build, "test/bench/bench_curl"),
            "soup": os.path.join(build, "test/bench/bench_soup"),
            "urlget": os.path.join(build, "samples/urlget"),
            "mp_client": os.path.join(build, "test/multipath/mp_client"),
        }
        self.py_env = dict(os.environ)
        self.py_env["PYTHONPATH"] = os.path.join(build, "bindings/python")
        self.have = {name: os.access(path, os.X_OK) for name, path in self.programs.items()}
        self.have["curl"] = shutil.which("curl") is not None
        self.have["wget"] = shutil.which("wget") is not None
        self.have["aria2c"] = shutil.which("aria2c") is not None
        for module in ("aiohttp", "httpx", "requests"):
            self.have[module] = python_available(module)
        self.have["h2"] = python_available("h2")
        self.have["netlab"] = lab_available("netlab.sh")
        self.have["multipath-lab"] = lab_available("multipath.sh")
        self.have["py-urlsession"] = python_available("urlsession", self.py_env)
        self.missing = sorted(name for name, ok in self.have.items() if not ok)

    def common(self, url, http2, extra):
        argv = [url, "--ca", self.ca, "--timeout", str(self.size["timeout"])] + extra
        return argv + (["--http2"] if http2 else [])

    def library_contenders(self, mode, url, http2, extra, to=False, skip=()):
        """The contenders that are programs of ours: C clients and Python libraries."""
        out = []

        def target(run_dir):
            return ["--to", os.path.join(run_dir, "out.bin")] if to else []

        def c(name, key):
            if self.have[key] and key not in skip:
                out.append(Contender(name, lambda d: [self.programs[key], mode] +
                                     self.common(url, http2, extra) + target(d)))

        def py(name, library, key):
            if self.have[key] and key not in skip and (library != "httpx" or not http2 or
                                                       self.have["h2"]):
                out.append(Contender(name, lambda d: [PYTHON, os.path.join(HERE, "bench_py.py"),
                                                      library, mode] +
                                     self.common(url, http2, extra) + target(d),
                                     env=self.py_env))

        c(REFERENCE, "urlsession")
        c("raw libcurl multi (C)", "curl-multi")
        c("libsoup 3 (C)", "soup")
        py("liburlsession (Python)", "urlsession", "py-urlsession")
        if not http2:
            py("aiohttp", "aiohttp", "aiohttp")
            py("requests", "requests", "requests")
        py("httpx", "httpx", "httpx")
        return out

    def downloaders(self, url, http2, to):
        """Command-line downloaders: curl, urlget, wget, aria2c."""
        out = []
        version = ["--http2"] if http2 else ["--http1.1"]

        def dest(d):
            return os.path.join(d, "out.bin") if to else "/dev/null"

        if self.have["curl"]:
            out.append(Contender("curl (command)", lambda d: [
                "curl", "-sS", "--fail", "--cacert", self.ca] + version + ["-o", dest(d), url]))
        if self.have["urlget"]:
            out.append(Contender("urlget (sample)", lambda d: [
                self.programs["urlget"], "-q", "--cacert", self.ca] + version +
                ["-o", dest(d), url]))
        if not http2 and self.have["wget"]:
            out.append(Contender("wget", lambda d: [
                "wget", "-q", "--ca-certificate", self.ca, "-O", dest(d), url]))
        if not http2 and to and self.have["aria2c"]:
            out.append(Contender("aria2c", lambda d: [
                "aria2c", "-q", "--ca-certificate", self.ca, "--file-allocation=none",
                "--allow-overwrite=true", "--auto-file-renaming=false", "-x1", "-s1",
                "-d", d, "-o", "out.bin", url]))
        return out


# ---- scenarios --------------------------------------------------------------------------

class Scenario:
    def __init__(self, key, title, contenders, metrics, expected_bytes=None, rounds=None,
                 check=None, note=""):
        self.key = key
        self.title = title
        self.contenders = contenders
        self.metrics = metrics  # [(column, function(sample) -> value, better)]
        self.expected_bytes = expected_bytes
        self.rounds = rounds
        self.check = check
        self.note = note


def throughput_metrics():
    return [("MiB/s", lambda s: s["bytes"] / MIB / s["wall"], "higher"),
            ("CPU s/GiB", lambda s: s["cpu"] / (s["bytes"] / GIB), "lower")]


def many_metrics(count):
    return [("req/s", lambda s: count / s["wall"], "higher"),
            ("CPU us/req", lambda s: s["cpu"] / count * 1e6, "lower")]


def tasks_metrics(count):
    return [("KiB/task", lambda s: (s["hwm_kib"] - s["baseline_kib"]) / count, "lower"),
            ("peak MiB", lambda s: s["hwm_kib"] / 1024, "lower"),
            ("wall s", lambda s: s["wall"], "lower")]


def stream_metrics():
    return [("peak RSS MiB", lambda s: s["hwm_kib"] / 1024, "lower"),
            ("above start MiB", lambda s: (s["hwm_kib"] - s["baseline_kib"]) / 1024, "lower"),
            ("MiB/s", lambda s: s["bytes"] / MIB / s["wall"], "higher")]


def ttfb_metrics():
    return [("fresh TLS ms", lambda s: s["ttfb_fresh_ms"], "lower"),
            ("reused ms", lambda s: s["ttfb_reused_ms"], "lower")]


def curl_ttfb(setup, count):
    """curl(1) times its own first byte (-w); two URLs in one process share a connection."""
    script = ("import subprocess,statistics,json,sys\n"
              "f,r=[],[]\n"
              f"for _ in range({count}):\n"
              f"    o=subprocess.run(['curl','-sS','--fail','--cacert',{setup.ca!r},"
              f"'-o','/dev/null','-o','/dev/null','-w','%{{time_starttransfer}} %{{http_version}}\\n',"
              f"{setup.https + '/files/1k.bin'!r},{setup.https + '/files/1k.bin'!r}],"
              "capture_output=True,text=True,check=True).stdout.split('\\n')\n"
              "    f.append(float(o[0].split()[0])*1e3); r.append(float(o[1].split()[0])*1e3)\n"
              "print(json.dumps(dict(bytes=0,ok=2*len(f),failed=0,baseline_kib=0,hwm_kib=0,"
              "ttfb_fresh_ms=statistics.median(f),ttfb_reused_ms=statistics.median(r),"
              "protocol='h2')))\n")
    return Contender("curl (command)", lambda d: [PYTHON, "-c", script])


def curl_many(setup, url, count, http2, conns):
    """curl(1) with --parallel over a config file naming the URL count times."""
    def argv(run_dir):
        config = os.path.join(run_dir, "urls.cfg")
        with open(config, "w") as out:
            for _ in range(count):
                out.write(f'url = "{url}"\noutput = "/dev/null"\n')
        version = ["--http2"] if http2 else ["--http1.1"]
        return ["curl", "-sS", "--fail", "--cacert", setup.ca, "--parallel",
                "--parallel-max", str(64 if http2 else conns)] + version + ["-K", config]
    return Contender("curl (command)", argv, check_bytes=False)


def scenarios(setup):
    size = setup.size
    big = "/files/big.bin"
    small = "/files/1k.bin"
    out = []
    for http2, base, label in ((False, setup.http, "HTTP/1.1 plain"),
                               (True, setup.https, "HTTP/2 TLS")):
        for to in (False, True):
            key = f"1-download-{'h2tls' if http2 else 'h1'}-{'file' if to else 'memory'}"
            contenders = setup.library_contenders("download", base + big, http2, [], to=to)
            contenders += setup.downloaders(base + big, http2, to)
            out.append(Scenario(key, f"1. Bulk download {size['big'] // MIB} MiB, {label}, "
                                f"to {'a file' if to else 'memory'}",
                                contenders, throughput_metrics(), expected_bytes=size["big"]))
    for http2, base, conns, label in ((False, setup.http, 6, "HTTP/1.1, 6 connections"),
                                      (True, setup.https, 1, "HTTP/2 TLS, one connection")):
        count = size["many"]
        extra = ["--count", str(count), "--conns", str(conns), "--window", "64"]
        contenders = setup.library_contenders("many", base + small, http2, extra)
        if setup.have["curl"]:
            contenders.append(curl_many(setup, base + small, count, http2, conns))
        out.append(Scenario(f"2-many-{'h2tls' if http2 else 'h1'}",
                            f"2. {count} GETs of 1 KiB, {label}, 64 in flight",
                            contenders, many_metrics(count), expected_bytes=count * 1024))
    count = size["tasks"]
    out.append(Scenario(
        "3-tasks", f"3. {count} tasks at once, server answers after {size['slow']} s "
        "(HTTP/2 TLS, up to 6 connections)",
        setup.library_contenders("tasks", setup.https + "/slow/x", True,
                                 ["--count", str(count), "--conns", "6"]),
        tasks_metrics(count), rounds=max(1, size["rounds"] - 1),
        note="KiB/task = (VmHWM - VmRSS after one warm-up request) / tasks."))
    out.append(Scenario(
        "4-stream", f"4. Streaming {size['stream'] // MIB} MiB consumed at "
        f"{size['rate'] // MIB} MiB/s (HTTP/1.1 plain)",
        setup.library_contenders("stream", setup.http + big, False,
                                 ["--rate", str(size["rate"])]),
        stream_metrics(), expected_bytes=size["stream"], rounds=max(1, size["rounds"] - 1),
        note="The consumer sleeps in its callback or loop to hold the rate."))
    ttfb = setup.library_contenders("ttfb", setup.https + small, True,
                                    ["--count", str(size["ttfb"])])
    # The HTTP/1.1-only Python libraries still belong here: over https, HTTP/1.1.
    ttfb += [c for c in setup.library_contenders("ttfb", setup.https + small, False,
                                                 ["--count", str(size["ttfb"])])
             if c.name in ("aiohttp", "requests")]
    if setup.have["curl"]:
        ttfb.append(curl_ttfb(setup, size["ttfb"]))
    out.append(Scenario("5-ttfb", f"5. Time to first byte, https, median of {size['ttfb']} "
                        "pairs per process (fresh connection, then reused)", ttfb,
                        ttfb_metrics()))
    return out + transport_scenarios(setup)


def transport_scenarios(setup):
    """Scenario 6, in the network labs of test/netlab (root): test/bench/transport.sh runs
    one lab per sample and prints one JSON line."""
    size = setup.size
    runs = 3 if size["rounds"] == 1 else 5
    repeat = 21
    script = os.path.join(HERE, "transport.sh")
    out = []

    def contender(name, *argv):
        return Contender(name, lambda d: [script] + [str(a) for a in argv], check_bytes=False)

    if setup.have["netlab"] and setup.have["urlget"]:
        contenders = [contender(REFERENCE, "fallback", "urlsession", setup.programs["urlget"],
                                runs)]
        if setup.have["curl"]:
            contenders.append(contender("curl (command)", "fallback", "curl", runs))
        out.append(Scenario(
            "6-transport-fallback", "6. Happy Eyeballs with IPv6 blackholed (dualstack lab): "
            f"start to the IPv4 connection, median of {runs} fetches", contenders,
            [("fallback ms", lambda s: s["fallback_ms"], "lower")],
            note="liburlsession: urlget, 250 ms attempt delay; curl(1): its own 200 ms."))
    if setup.have["multipath-lab"] and setup.have["mp_client"]:
        client = setup.programs["mp_client"]
        out.append(Scenario(
            "6-transport-aggregate", "6. MPTCP aggregate, 16 MiB over two 40 Mbit/s links "
            "(multipath lab)", [contender(REFERENCE, "aggregate", client)],
            [("ratio to one link", lambda s: s["ratio"], "higher"),
             ("one link s", lambda s: s["single_s"], "lower"),
             ("aggregate s", lambda s: s["aggregate_s"], "lower")]))
        out.append(Scenario(
            "6-transport-handover", "6. Handover, 16 MiB at 20 Mbit/s per link, Wi-Fi lost at "
            "1.5 s (multipath lab, user-space path manager)",
            [contender(REFERENCE, "handover", client)],
            [("stall s", lambda s: s["stall_s"], "lower"),
             ("healthy s", lambda s: s["healthy_s"], "lower"),
             ("Wi-Fi lost s", lambda s: s["lost_s"], "lower")]))
        out.append(Scenario(
            "6-transport-interactive", f"6. Interactive: {repeat} small GETs, Wi-Fi with 60 ms "
            "more RTT, cellular healthy (multipath lab)",
            [contender(REFERENCE, "interactive", client, "interactive", repeat),
             contender("liburlsession, multipath none", "interactive", client, "none", repeat)],
            [("p50 ms", lambda s: s["p50_ms"], "lower"),
             ("p95 ms", lambda s: s["p95_ms"], "lower")]))
    return out


# ---- running ----------------------------------------------------------------------------

def run_child(argv, env, timeout, run_dir):
    """Runs one contender; returns its sample (wall, cpu, maxrss, JSON fields) or raises."""
    out_path = os.path.join(run_dir, "stdout")
    err_path = os.path.join(run_dir, "stderr")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.monotonic()
        child = subprocess.Popen(argv, env=env, stdout=out, stderr=err, cwd=run_dir,
                                 start_new_session=True)
        timer = threading.Timer(timeout, lambda: os.killpg(child.pid, signal.SIGKILL))
        timer.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            timer.cancel()
        wall = time.monotonic() - start
        child.returncode = os.waitstatus_to_exitcode(status)
    with open(out_path) as out:
        text = out.read()
    with open(err_path, errors="replace") as err:
        errors = err.read()[-2000:]
    sample = dict(wall=wall, cpu=usage.ru_utime + usage.ru_stime, maxrss_kib=usage.ru_maxrss,
                  status=child.returncode, stderr=errors)
    lines = [line for line in text.splitlines() if line.startswith("{")]
    if lines:
        sample.update(json.loads(lines[-1]))
    return sample


def validate(scenario, contender, sample, run_dir):
    if sample["status"] == 3:
        return "unsupported"
    if sample["status"] != 0:
        return f"exit {sample['status']}: {sample['stderr'].strip()[-300:]}"
    if scenario.expected_bytes and contender.check_bytes:
        got = sample.get("bytes")
        target = os.path.join(run_dir, "out.bin")
        if got is None and os.path.exists(target):
            got = os.path.getsize(target)
        elif got is None:
            got = scenario.expected_bytes  # a command writing to /dev/null, exit 0 with --fail
        sample["bytes"] = got
        if got != scenario.expected_bytes:
            return f"{got} bytes, expected {scenario.expected_bytes}"
    elif "bytes" not in sample:
        sample["bytes"] = scenario.expected_bytes or 0
    return None


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def run(setup, selected, work):
    results = []
    for scenario in selected:
        rounds = scenario.rounds or setup.size["rounds"]
        print(f"\n== {scenario.title}: {len(scenario.contenders)} contenders x {rounds} rounds",
              flush=True)
        samples = {c.name: [] for c in scenario.contenders}
        failures = {c.name: [] for c in scenario.contenders}
        loads = []
        for round_index in range(rounds):
            # A B C ... then C B A ...: no contender always runs first or after another.
            order = scenario.contenders if round_index % 2 == 0 else scenario.contenders[::-1]
            for contender in order:
                run_dir = tempfile.mkdtemp(prefix="run-", dir=work)
                loads.append(loadavg())
                try:
                    # The contender's own --timeout comes first, so that it can report.
                    sample = run_child(contender.argv(run_dir), contender.env,
                                       setup.size["timeout"] + 30, run_dir)
                    problem = validate(scenario, contender, sample, run_dir)
                finally:
                    shutil.rmtree(run_dir, ignore_errors=True)
                if problem == "unsupported":
                    continue
                if problem:
                    failures[contender.name].append(problem)
                    print(f"   {contender.name}: FAILED ({problem})", flush=True)
                    continue
                samples[contender.name].append(sample)
                print(f"   {contender.name}: " + ", ".join(
                    f"{column} {fn(sample):.4g}" for column, fn, _ in scenario.metrics),
                    flush=True)
        results.append(summarize(scenario, samples, failures, loads))
    return results


def summarize(scenario, samples, failures, loads):
    rows = []
    for name, runs in samples.items():
        if not runs and not failures[name]:
            continue
        row = dict(contender=name, runs=len(runs), failures=failures[name],
                   protocol=runs[0].get("protocol", "") if runs else "", medians={},
                   samples=[{k: v for k, v in s.items() if k != "stderr"} for s in runs])
        for column, fn, _ in scenario.metrics:
            values = [fn(s) for s in runs]
            row["medians"][column] = statistics.median(values) if values else None
        rows.append(row)
    reference = next((r for r in rows if r["contender"] == REFERENCE), None)
    for row in rows:
        row["ratios"] = {}
        for column, _, _ in scenario.metrics:
            mine, ref = row["medians"][column], reference and reference["medians"][column]
            row["ratios"][column] = mine / ref if mine is not None and ref else None
    return dict(key=scenario.key, title=scenario.title, note=scenario.note,
                metrics=[(c, b) for c, _, b in scenario.metrics], rows=rows,
                load_median=statistics.median(loads) if loads else None)


# ---- output -----------------------------------------------------------------------------

def fmt(value):
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def table(results):
    """Markdown tables: median and ratio to liburlsession (C) for every column."""
    lines = []
    for result in results:
        lines.append(f"\n### {result['title']}\n")
        if result["note"]:
            lines.append(result["note"] + "\n")
        header = ["contender", "proto", "runs"]
        for column, better in result["metrics"]:
            header += [f"{column} ({better} is better)", "ratio"]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        for row in result["rows"]:
            cells = [row["contender"], row["protocol"] or "",
                     f"{row['runs']}" + (f" ({len(row['failures'])} failed)"
                                         if row["failures"] else "")]
            for column, _ in result["metrics"]:
                cells += [fmt(row["medians"][column]), fmt(row["ratios"][column])]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append(f"\nmedian load average during the runs: {fmt(result['load_median'])}")
    return "\n".join(lines)


def machine():
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return dict(nproc=os.cpu_count(), cpu=model, kernel=platform.release(),
                loadavg=open("/proc/loadavg").read().split()[:3])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--server-env", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--tiny", action="store_true")
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--only", help="comma-separated scenario key prefixes, e.g. 1,2-many")
    parser.add_argument("--contenders", help="comma-separated parts of contender names; "
                        "liburlsession (C) always runs, as the reference")
    args = parser.parse_args()
    server = {}
    with open(args.server_env) as f:
        for line in f:
            key, _, value = line.strip().partition("=")
            server[key] = value
    setup = Setup(args, server)
    if args.rounds:
        setup.size["rounds"] = args.rounds
    if not setup.have["urlsession"]:
        sys.exit(f"bench.py: {setup.programs['urlsession']} is missing; build first (run.sh)")
    if setup.missing:
        print("not available, left out: " + ", ".join(setup.missing))
    selected = scenarios(setup)
    prefixes = args.only.split(",") if args.only else []
    if args.tiny and not any(p.startswith("6") for p in prefixes):
        # The labs take minutes; the harness's smoke test does not build them.
        selected = [s for s in selected if not s.key.startswith("6")]
    if prefixes:
        selected = [s for s in selected if any(s.key.startswith(p) for p in prefixes)]
    if args.contenders:
        parts = args.contenders.split(",")
        for scenario in selected:
            scenario.contenders = [c for c in scenario.contenders if c.name == REFERENCE or
                                   any(p in c.name for p in parts)]
    started = time.time()
    results = run(setup, selected, args.work)
    report = dict(machine=machine(), sizes=setup.size, missing=setup.missing,
                  seconds=time.time() - started, scenarios=results)
    out_dir = os.path.join(args.build_dir, "bench")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump(report, f, indent=1)
    with open(os.path.join(out_dir, "results.csv"), "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["scenario", "contender", "protocol", "runs", "failures", "metric",
                         "median", "ratio_to_liburlsession_c"])
        for result in results:
            for row in result["rows"]:
                for column, _ in result["metrics"]:
                    writer.writerow([result["key"], row["contender"], row["protocol"],
                                     row["runs"], len(row["failures"]), column,
                                     row["medians"][column], row["ratios"][column]])
    m = report["machine"]
    print(f"\n## Results ({m['nproc']} CPUs, {m['cpu']}, Linux {m['kernel']}, "
          f"{report['seconds']:.0f} s)")
    print("ratio = contender / liburlsession (C); see each column for which way is better.")
    print(table(results))
    if not (setup.have["netlab"] and setup.have["multipath-lab"]):
        print("\n6. Transport scenarios need root and the network labs (test/netlab/netlab.sh "
              "check, multipath.sh check): some were left out.")
    print(f"\nmachine-readable: {out_dir}/results.json, {out_dir}/results.csv")
    failed = sum(len(r["failures"]) for s in results for r in s["rows"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
