#!/usr/bin/env python3
"""Benchmark of the whole archive: `swiftpacs serve` against Orthanc (Debian's 1.10), both on
loopback, both driven by DCMTK's storescu/findscu/movescu with TCP_NODELAY=1, both durable
(our index and files are fsynced; Orthanc fsyncs its files, SyncStorageArea, and commits its
SQLite index). Prints one table: our figure, Orthanc's, and how many times better ours is.

Each server goes through the same phases, in its own temporary folder, one server at a time:
  1. empty archive: 2,000 small instances (64x64x16) on one association; 500 CT instances
     (512x512x16, ~260 MB) on one association; then, untimed, the 100 CT instances (~52 MB)
     of the patient that C-MOVE will retrieve.
  2. filling: 20,000 tiny instances, one study and patient each (distinct names, dates,
     accession numbers), by parallel storescu processes.
  3. durable again: study-level C-FIND (exact PatientID, PatientName prefix, one-month
     StudyDate range, AccessionNumber), each checked against the expected number of matches;
     patient-root C-MOVE of the 52 MB patient to a DCMTK storescp, median of BENCH_MOVE_RUNS (3),
     each checked by counting the files storescp received.
  4. filling: tiny instances (10 per study) up to BENCH_PREFILL instances in the archive.
  5. durable again: 2,000 other small instances on one association, against the rate of step 1;
     then the peak RSS (VmHWM, reset just before) while 16 storescu associations store 320 CT
     instances (20 each) in parallel.

How the archives are filled (steps 2 and 4). Through DICOM, with the real ingest path of each
server, but with fsync switched off: the server is started for the filling with libeatmydata
preloaded (Debian's `eatmydata`), which turns fsync/fdatasync/O_SYNC into no-ops, and restarted
normally afterwards. The index and files a filling leaves are exactly those a durable ingest
would leave (both servers are stopped cleanly, so nothing is lost), only the wait for the disk
is skipped: on this kind of VM an fsync takes milliseconds and a durable ingest of 200,000
instances would take far longer than the budget of the whole benchmark. Every measurement runs
with fsync on. Orthanc gets the same filling, so both answer from the same content.
BENCH_PREFILL (default 200,000) is the number of instances in the archive before step 5; the
count actually reached is read back from each server (our start-up line, Orthanc's
/statistics) and printed. The default run takes about 10-15 minutes on 2 cores, most of it
filling Orthanc; set BENCH_PREFILL lower for a quicker run.

Orthanc's configuration is written to its temporary folder: SQLite index and storage there, no
compression, no plugins, HTTP on a free port with remote access off (used only for
/statistics), DICOM modalities for the DCMTK clients, 16 DICOM threads so that 16 parallel
associations really run in parallel. Orthanc 1.10 has no listen-address option: for the
duration of the run its ports listen on all interfaces; every client here uses 127.0.0.1.
Orthanc's DICOM side is DCMTK, which waits for delayed ACKs unless TCP_NODELAY=1 is set in its
environment, so it is started with it, as are our server and the clients.

Starting a DCMTK process and opening an association cost tens of ms here (measured by C-ECHO
and printed), more than a good C-FIND. So the C-FIND figure is the time of the query alone: in
each of BENCH_FIND_RUNS (5) runs, findscu is run once with the query sent once and once with it
sent 1 + BENCH_FIND_REPEAT (10) times on its association (findscu --repeat); the difference
divided by BENCH_FIND_REPEAT is one query; the median is shown. The ingest and C-MOVE figures
are wall times of the DCMTK client, process start included (small next to them). The machine
may be shared: figures are noisy, and the load average is printed at the start and the end.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_common import ROOT, dcmtk_env, free_port, make_series, make_studies, size_of, study_attributes
from bench_archive_servers import (ORTHANC, STORESCP, OrthancServer, SwiftPACSServer, echo, move_patient, store,
                                   store_parallel, find_study)

PREFILL = int(os.environ.get("BENCH_PREFILL", "200000"))
FIND_RUNS = int(os.environ.get("BENCH_FIND_RUNS", "5"))
FIND_REPEAT = int(os.environ.get("BENCH_FIND_REPEAT", "10"))
MOVE_RUNS = int(os.environ.get("BENCH_MOVE_RUNS", "3"))
FILL_WORKERS = int(os.environ.get("BENCH_FILL_WORKERS", "4"))
STUDIES = 20000
MOVE_PATIENT = "BENCH-move50mb"  # make_series names the patient after the series

# (key, label, unit, higher is better, aim text, aim test on (ours, orthanc, ours on the empty archive))
ROWS = [
    ("small", "ingest 2,000 small, 1 association", "inst/s", True, ">= 2x Orthanc", lambda o, t, e: o >= 2 * t),
    ("ct", "ingest 500 CT 512x512x16, 1 assoc.", "MB/s", True, ">= 150 MB/s", lambda o, t, e: o >= 150),
    ("full", "ingest 2,000 small, {n} indexed", "inst/s", True, ">= 80% of empty", lambda o, t, e: o >= 0.8 * e),
    ("find_pid", "C-FIND study, exact PatientID", "ms", False, ">= 10x Orthanc", lambda o, t, e: t >= 10 * o),
    ("find_name", "C-FIND study, PatientName Smi*", "ms", False, ">= 10x Orthanc", lambda o, t, e: t >= 10 * o),
    ("find_date", "C-FIND study, one-month StudyDate", "ms", False, ">= 10x Orthanc", lambda o, t, e: t >= 10 * o),
    ("find_acc", "C-FIND study, AccessionNumber", "ms", False, ">= 10x Orthanc", lambda o, t, e: t >= 10 * o),
    ("move", "C-MOVE 52 MB patient to storescp", "s", False, ">= 1.5x Orthanc", lambda o, t, e: t >= 1.5 * o),
    ("rss", "peak RSS, 16 parallel stores", "MB", False, "< 200 MB", lambda o, t, e: o < 200),
]


def say(text: str):
    print(text, flush=True)


def prepare_data():
    say("preparing data under .build/bench-data (cached between runs)")
    small = make_series("small2000", 2000, 64, 64, 16)
    small_b = make_series("small2000b", 2000, 64, 64, 16)
    ct = make_series("ct500", 500, 512, 512, 16)
    move = make_series("move50mb", 100, 512, 512, 16)
    parallel = make_series("ct-parallel320", 320, 512, 512, 16)
    studies, study_files = make_studies("studies20000", STUDIES, seed=1)
    before_prefill = 2000 + 500 + 100 + STUDIES
    prefill, prefill_files = make_studies("prefill", max(0, PREFILL - before_prefill), seed=2, per_study=10)
    attrs = list(study_attributes(1, STUDIES))
    queries = {
        "find_pid": {"PatientID": attrs[12345]["PatientID"]},
        "find_name": {"PatientName": "Smi*"},
        "find_date": {"StudyDate": "20150101-20150131"},
        "find_acc": {"AccessionNumber": attrs[7777]["AccessionNumber"]},
    }
    expected = {
        "find_pid": 1, "find_acc": 1,
        "find_name": sum(a["PatientName"].startswith("Smi") for a in attrs),
        "find_date": sum("20150101" <= a["StudyDate"] <= "20150131" for a in attrs),
    }
    files = lambda folder: sorted(p.name for p in folder.glob("*.dcm"))
    return {
        "small": (small, files(small)), "small_b": (small_b, files(small_b)), "ct": (ct, files(ct)),
        "move": (move, files(move)), "parallel": (parallel, files(parallel)),
        "studies": (studies, study_files), "prefill": (prefill, prefill_files),
        "ct_mb": size_of(ct) / 1e6, "queries": queries, "expected": expected,
    }


def attempt(results: dict, key: str, fn):
    """Runs one measurement; a failure becomes 'n/a: reason' in the table instead of stopping."""
    try:
        results[key] = fn()
    except Exception as e:  # noqa: BLE001 - every failure is reported in the table
        results[key] = f"n/a: {e}"


def run_archive(server_class, tmp: Path, data: dict) -> dict:
    name = server_class.label
    received = tmp / f"{name}-received"
    received.mkdir()
    scp_port = free_port()
    storescp = subprocess.Popen(["/usr/bin/storescp", "-aet", STORESCP, "-od", str(received), str(scp_port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dcmtk_env())
    server = None
    r = {}
    try:
        server = server_class(tmp / name, scp_port)
        say(f"[{name}] 1/5 empty archive")
        with server.start():
            echo(server)  # warm-up: the first association of the process
            folder, files = data["small"]
            cpu = server.cpu_seconds()
            attempt(r, "small", lambda: len(files) / store(server, folder, files))
            say(f"  2,000 small instances: {show(r['small'], 'inst/s')}, server CPU {server.cpu_seconds() - cpu:.1f} s")
            folder, files = data["ct"]
            cpu = server.cpu_seconds()
            attempt(r, "ct", lambda: data["ct_mb"] / store(server, folder, files))
            say(f"  500 CT instances: {show(r['ct'], 'MB/s')}, server CPU {server.cpu_seconds() - cpu:.1f} s")
            folder, files = data["move"]
            attempt(r, "move_data", lambda: store(server, folder, files))
            if isinstance(r["move_data"], str):
                say(f"  storing the C-MOVE patient: {r['move_data']}")
            r["empty_count"] = server.instances()
        say(f"[{name}] 2/5 filling {STUDIES:,} studies (fsync off, {FILL_WORKERS} parallel storescu)")
        with server.start(fast=True):
            folder, files = data["studies"]
            dt = store_parallel(server, folder, files, FILL_WORKERS)
            say(f"  {len(files):,} instances in {dt:.0f} s ({len(files) / dt:.0f} inst/s)")
        say(f"[{name}] 3/5 C-FIND and C-MOVE, {STUDIES:,} studies indexed")
        with server.start():
            r["find_count"] = server.instances()
            r["echo_ms"] = statistics.median(echo(server) for _ in range(5)) * 1e3
            say(f"  {r['find_count']:,} instances indexed, ready {server.start_seconds:.1f} s after start; "
                f"C-ECHO (process start + association) {r['echo_ms']:.1f} ms")
            for key, keys in data["queries"].items():
                attempt(r, key, lambda: measure_find(server, keys, data["expected"][key]))
                say(f"  {key} {keys}: {show(r[key], 'ms per query')}")
            attempt(r, "move", lambda: measure_move(server, received, len(data["move"][1])))
            say(f"  C-MOVE: {show(r['move'], 's')}")
        folder, files = data["prefill"]
        say(f"[{name}] 4/5 filling {len(files):,} more instances (fsync off, {FILL_WORKERS} parallel storescu)")
        with server.start(fast=True):
            dt = store_parallel(server, folder, files, FILL_WORKERS) if files else 0.0
            if files:
                say(f"  {len(files):,} instances in {dt:.0f} s ({len(files) / dt:.0f} inst/s)")
        say(f"[{name}] 5/5 ingest into the full archive; peak RSS with 16 parallel associations")
        with server.start():
            r["full_count"] = server.instances()
            say(f"  {r['full_count']:,} instances indexed, ready {server.start_seconds:.1f} s after start")
            folder, files = data["small_b"]
            cpu = server.cpu_seconds()
            attempt(r, "full", lambda: len(files) / store(server, folder, files))
            say(f"  2,000 small instances: {show(r['full'], 'inst/s')}, server CPU {server.cpu_seconds() - cpu:.1f} s")
            folder, files = data["parallel"]
            server.reset_peak_rss()
            attempt(r, "rss", lambda: measure_rss(server, folder, files))
            say(f"  peak RSS: {show(r['rss'], 'MB')}")
    except Exception as e:  # noqa: BLE001 - a phase that cannot run leaves the rest of the rows empty
        say(f"  [{name}] stopped: {e}")
        r.setdefault("error", str(e))
    finally:
        if server:
            server.stop()
        storescp.terminate()
        storescp.wait()
    return r


def measure_find(server, keys: dict, expected: int) -> float:
    """Milliseconds per query, without the DCMTK process start and the association: per run, one
    findscu sends the query once and another sends it 1 + FIND_REPEAT times on one association;
    the difference over FIND_REPEAT is the query's time. Median over FIND_RUNS runs."""
    find_study(server, keys)  # warm-up
    per_query, single = [], []
    for _ in range(FIND_RUNS):
        t1, matches = find_study(server, keys)
        tn, _ = find_study(server, keys, repeat=1 + FIND_REPEAT)
        if matches != expected:
            raise RuntimeError(f"{matches} matches, {expected} expected")
        per_query.append((tn - t1) / FIND_REPEAT)
        single.append(t1)
    say(f"    {matches} matches; one findscu run with one query: {statistics.median(single) * 1e3:.1f} ms")
    return max(statistics.median(per_query), 0.0) * 1e3


def measure_move(server, received: Path, expected: int) -> float:
    times = []
    for _ in range(MOVE_RUNS):
        shutil.rmtree(received)
        received.mkdir()
        dt = move_patient(server, MOVE_PATIENT)
        got = len(list(received.iterdir()))
        if got != expected:
            raise RuntimeError(f"storescp received {got} of {expected} instances")
        times.append(dt)
    return statistics.median(times)


def measure_rss(server, folder: Path, files: list[str]) -> float:
    dt = store_parallel(server, folder, files, workers=16, chunk=len(files) // 16)
    say(f"  320 CT instances by 16 associations in {dt:.1f} s")
    return server.status_kb("VmHWM") / 1024


def fmt(value) -> str:
    if not isinstance(value, (int, float)):
        return "n/a"
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def show(value, unit: str) -> str:
    return f"{fmt(value)} {unit}" if isinstance(value, (int, float)) else str(value)


def print_table(ours: dict, theirs: dict, elapsed: float, loads):
    number = lambda v: isinstance(v, (int, float))
    say("")
    say(f"SwiftPACS vs Orthanc {orthanc_version()}: DCMTK clients on 127.0.0.1, TCP_NODELAY=1, durable ingest on both")
    say(f"{'workload':<38} {'unit':>6} {'SwiftPACS':>10} {'Orthanc':>10} {'ours better':>12}  {'aim':<16} met")
    for key, label, unit, higher, aim, test in ROWS:
        o, t = ours.get(key), theirs.get(key)
        ratio = (o / t if higher else t / o) if number(o) and number(t) and o and t else None
        met = "-"
        if number(o) and (number(t) or "Orthanc" not in aim) and number(ours.get("small")):
            met = "yes" if test(o, t, ours["small"]) else "no"
        if key == "full":
            label = label.format(n=f"{ours.get('full_count', PREFILL):,}")
            shares = [f"{who} {r[key] / r['small']:.0%}" for who, r in (("ours", ours), ("Orthanc", theirs))
                      if number(r.get(key)) and number(r.get("small"))]
            met += f"  (of the empty-archive rate: {', '.join(shares)})" if shares else ""
        say(f"{label:<38} {unit:>6} {fmt(o):>10} {fmt(t):>10} {(f'{ratio:.2f}x' if ratio else '-'):>12}  {aim:<16} {met}")
    say("")
    for who, r in (("SwiftPACS", ours), ("Orthanc", theirs)):
        say(f"{who}: {r.get('find_count', '?')} instances indexed at C-FIND, {r.get('full_count', '?')} before the "
            f"full-archive ingest; C-ECHO (DCMTK process start + association) {fmt(r.get('echo_ms'))} ms")
        for k, v in r.items():
            if isinstance(v, str):
                say(f"  {k}: {v}")
    say(f"BENCH_PREFILL={PREFILL}; C-FIND per query: (findscu with 1 + {FIND_REPEAT} queries - findscu with 1) / {FIND_REPEAT}, median of {FIND_RUNS} runs, C-MOVE median of {MOVE_RUNS}; total "
        f"{elapsed / 60:.1f} min; load average {loads[0]:.2f} at start, {loads[1]:.2f} at the end on {os.cpu_count()} CPUs: "
        f"other work on this machine makes the figures noisy")


def orthanc_version() -> str:
    out = subprocess.run([ORTHANC, "--version"], capture_output=True, text=True).stdout
    return out.split()[1] if len(out.split()) > 1 else "?"


def main():
    for path, how in ((ORTHANC, "scripts/ensure-apt.sh orthanc"), ("/usr/bin/eatmydata", "scripts/ensure-apt.sh eatmydata"),
                      ("/usr/bin/storescu", "scripts/ensure-apt.sh dcmtk")):
        if not Path(path).exists():
            sys.exit(f"bench_archive: {path} is missing: run {how} (make bench does)")
    t0, load0 = time.time(), os.getloadavg()[0]
    subprocess.run(["swift", "build", "-c", "release", "--product", "swiftpacs"], cwd=ROOT, check=True)
    data = prepare_data()
    tmp = Path(tempfile.mkdtemp(prefix="bench-archive-"))
    try:
        ours = run_archive(SwiftPACSServer, tmp, data)
        theirs = run_archive(OrthancServer, tmp, data)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print_table(ours, theirs, time.time() - t0, (load0, os.getloadavg()[0]))


if __name__ == "__main__":
    sys.exit(main())
