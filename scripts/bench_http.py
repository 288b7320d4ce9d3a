#!/usr/bin/env python3
"""Benchmark of the HTTP server (swiftpacs-bench http) beside Orthanc's built-in web server
(Debian's orthanc, started here with a configuration in a temporary folder), on loopback:

- a small JSON route (ours /api/health, Orthanc /system) with wrk, 50 keep-alive
  connections: requests/s and p99 latency;
- 1,000 concurrent keep-alive connections held for a few seconds (wrk -c1000): errors;
- a 100 MB static file (ours HTTPStaticFiles, Orthanc's ServeFolders plugin) and a 100 MB
  download (ours streamed in chunks, Orthanc /instances/{id}/file of a 100 MB instance)
  with curl: MB/s.

Prints one table with both figures and the ratio (above 1: ours is better)."""
import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench_common import ROOT, free_port, wait_port

ORTHANC = "/usr/sbin/Orthanc"
SERVE_FOLDERS = "/usr/share/orthanc/plugins/libServeFolders.so"
DURATION = 4          # seconds per wrk measurement
ROUNDS = 2            # rounds of each wrk measurement per server
BIG = 100 * 1024 * 1024


def raise_open_file_limit():
    """Children (servers, wrk) inherit the limit: 1,000 connections need more than 1,024."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < 4096:
        print(f"warning: only {soft} open files allowed; 1,000 connections may fail", file=sys.stderr)


class Process:
    """A server started for the measurements, stopped at the end (SIGTERM, then SIGKILL)."""

    def __init__(self, argv, port, log_path, timeout=30.0):
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT)
        try:
            wait_port(port, timeout)
        except RuntimeError:
            self.stop()
            raise RuntimeError(f"{argv[0]} did not start; see {log_path}:\n" + Path(log_path).read_text()[-2000:])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def established(port: int) -> int:
    """Server-side TCP connections in state ESTABLISHED on PORT (from /proc/net/tcp{,6})."""
    n = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            if f[3] == "01" and int(f[1].rsplit(":", 1)[1], 16) == port:
                n += 1
    return n


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def wrk(url: str, connections: int, seconds: int, port: int) -> dict:
    """Runs wrk; returns requests/s, p99 latency (ms), errors, and the peak of established
    connections seen on the server's port while it ran."""
    peak = [0]
    done = threading.Event()

    def watch():
        while not done.wait(0.25):
            peak[0] = max(peak[0], established(port))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    r = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "--latency", url],
                       capture_output=True, text=True)
    done.set()
    watcher.join()
    out = r.stdout
    if r.returncode != 0 or "Requests/sec" not in out:
        raise RuntimeError(f"wrk failed on {url}: {r.stdout}{r.stderr}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    m = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
    p99 = float(m.group(1)) * UNITS[m.group(2)] if m else float("nan")
    errors = 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        errors += sum(int(x) for x in m.groups())
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        errors += int(m.group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": rps, "p99": p99, "errors": errors, "requests": requests, "peak": peak[0]}


def download_mbps(url: str, size: int = BIG, runs: int = 1) -> float:
    """Best of RUNS downloads with curl, in MB/s (10^6 bytes); checks the size."""
    best = 0.0
    for _ in range(runs):
        r = subprocess.run(["curl", "--noproxy", "*", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{size_download} %{speed_download}",
                            url], capture_output=True, text=True)
        code, got, speed = r.stdout.split()
        if r.returncode != 0 or code != "200" or int(got) != size:
            raise RuntimeError(f"download of {url} failed: {r.stdout} {r.stderr}")
        best = max(best, float(speed) / 1e6)
    return best


def make_instance(path: Path):
    """A DICOM instance of 100 MiB of pixel data (for Orthanc's /instances/{id}/file)."""
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, SecondaryCaptureImageStorage, generate_uid
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID, ds.SOPInstanceUID = SecondaryCaptureImageStorage, meta.MediaStorageSOPInstanceUID
    ds.PatientName, ds.PatientID = "Bench^HTTP", "BENCH-HTTP"
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.Modality = "OT"
    ds.Rows, ds.Columns = 5120, 10240
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 16, 15
    ds.SamplesPerPixel, ds.PhotometricInterpretation, ds.PixelRepresentation = 1, "MONOCHROME2", 0
    ds.PixelData = bytes(range(256)) * (5120 * 10240 * 2 // 256)
    ds.save_as(path, enforce_file_format=True)


def orthanc_config(tmp: Path, http_port: int, dicom_port: int, static: Path) -> Path:
    (tmp / "db").mkdir()
    config = {
        "Name": "bench",
        "HttpPort": http_port,
        "DicomPort": dicom_port,
        "RemoteAccessAllowed": False,
        "AuthenticationEnabled": False,
        "StorageDirectory": str(tmp / "db"),
        "IndexDirectory": str(tmp / "db"),
        "StorageCompression": False,
        "HttpCompressionEnabled": False,
        "KeepAlive": True,
        "Plugins": [SERVE_FOLDERS],
        # No per-request MD5 of the file for its ETag (ours derives it from size and time).
        "ServeFolders": {"AllowCache": False, "GenerateETag": False, "Folders": {"/static": str(static)},
                         "Extensions": {".bin": "application/octet-stream"}},
    }
    path = tmp / "orthanc.json"
    path.write_text(json.dumps(config, indent=1))
    return path


def best(runs):
    """The run with the most requests/s (the machine is shared: the least disturbed one)."""
    return max(runs, key=lambda r: r["rps"])


def main():
    if not os.path.exists(ORTHANC):
        sys.exit("Orthanc is not installed (make bench installs it: bash scripts/ensure-apt.sh wrk orthanc)")
    raise_open_file_limit()
    subprocess.run(["swift", "build", "-c", "release", "--product", "swiftpacs-bench"], cwd=ROOT, check=True)
    bench = str(ROOT / ".build" / "release" / "swiftpacs-bench")
    t_start = time.time()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-http-") as tmp:
        tmp = Path(tmp)
        static = tmp / "static"
        static.mkdir()
        with open(static / "big.bin", "wb") as f:
            block = bytes(range(256)) * 4096
            for _ in range(BIG // len(block)):
                f.write(block)
        instance = tmp / "big.dcm"
        make_instance(instance)

        # Both servers run throughout; measurements alternate between them (ours, Orthanc,
        # ours, Orthanc) so that both see the same background load, and the best round counts.
        port, http_port, dicom_port = free_port(), free_port(), free_port()
        servers = []
        try:
            servers.append(Process([bench, "http", "--port", str(port), "--static", str(static),
                                    "--max-connections", "4096"], port, tmp / "ours.log"))
            servers.append(Process([ORTHANC, str(orthanc_config(tmp, http_port, dicom_port, static))],
                                   http_port, tmp / "orthanc.log"))
            ours, theirs = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{http_port}"
            up = subprocess.run(["curl", "--noproxy", "*", "-sS", "--data-binary", f"@{instance}", theirs + "/instances"],
                                capture_output=True, text=True)
            instance_id = json.loads(up.stdout)["ID"]
            targets = {
                "ours": {"port": port, "json": ours + "/api/health", "static": ours + "/static/big.bin",
                         "download": ours + f"/stream/{BIG}", "size": BIG},
                "orthanc": {"port": http_port, "json": theirs + "/system", "static": theirs + "/static/big.bin",
                            "download": theirs + f"/instances/{instance_id}/file", "size": instance.stat().st_size},
            }
            runs = {(who, what): [] for who in targets for what in ("json", "1000", "static", "download")}
            for who, t in targets.items():
                wrk(t["json"], 50, 1, t["port"])  # warm-up
            for _ in range(ROUNDS):
                for who, t in targets.items():
                    runs[(who, "json")].append(wrk(t["json"], 50, DURATION, t["port"]))
            for _ in range(ROUNDS):
                for who, t in targets.items():
                    runs[(who, "1000")].append(wrk(t["json"], 1000, DURATION, t["port"]))
            for _ in range(3):
                for who, t in targets.items():
                    runs[(who, "static")].append(download_mbps(t["static"], runs=1))
                    runs[(who, "download")].append(download_mbps(t["download"], t["size"], runs=1))
            json_bytes = {who: len(subprocess.run(["curl", "-s", t["json"]], capture_output=True).stdout)
                          for who, t in targets.items()}
        finally:
            for p in servers:
                p.stop()

    elapsed = time.time() - t_start
    oj, tj = best(runs[("ours", "json")]), best(runs[("orthanc", "json")])
    o1, t1 = best(runs[("ours", "1000")]), best(runs[("orthanc", "1000")])
    # Errors count in every round, not only the best.
    o1_errors = sum(r["errors"] for r in runs[("ours", "1000")])
    t1_errors = sum(r["errors"] for r in runs[("orthanc", "1000")])
    oj_errors = sum(r["errors"] for r in runs[("ours", "json")])
    tj_errors = sum(r["errors"] for r in runs[("orthanc", "json")])
    os_, ts_ = max(runs[("ours", "static")]), max(runs[("orthanc", "static")])
    od, td = max(runs[("ours", "download")]), max(runs[("orthanc", "download")])

    def ratio(ours, theirs, higher_is_better=True):
        if not theirs or not ours:
            return "-"
        return f"{(ours / theirs if higher_is_better else theirs / ours):.2f}x"

    rows = [
        ("JSON route, 50 conns: requests/s", f"{oj['rps']:.0f}", f"{tj['rps']:.0f}", ratio(oj["rps"], tj["rps"])),
        ("JSON route, 50 conns: p99 latency (ms)", f"{oj['p99']:.2f}", f"{tj['p99']:.2f}", ratio(oj["p99"], tj["p99"], False)),
        ("JSON route, 50 conns: errors", f"{oj_errors}", f"{tj_errors}", "-"),
        ("1,000 conns: requests/s", f"{o1['rps']:.0f}", f"{t1['rps']:.0f}", ratio(o1["rps"], t1["rps"])),
        ("1,000 conns: p99 latency (ms)", f"{o1['p99']:.2f}", f"{t1['p99']:.2f}", ratio(o1["p99"], t1["p99"], False)),
        ("1,000 conns: errors", f"{o1_errors}", f"{t1_errors}", "-"),
        ("1,000 conns: peak established", f"{max(r['peak'] for r in runs[('ours', '1000')])}",
         f"{max(r['peak'] for r in runs[('orthanc', '1000')])}", "-"),
        ("static 100 MiB file: MB/s", f"{os_:.0f}", f"{ts_:.0f}", ratio(os_, ts_)),
        ("100 MiB download: MB/s", f"{od:.0f}", f"{td:.0f}", ratio(od, td)),
    ]
    print(f"\nHTTP on loopback: wrk -t2 --latency, {DURATION} s runs, best of {ROUNDS} alternating rounds; curl best of 3; "
          f"{os.cpu_count()} CPUs shared, load average {load:.1f} at start; took {elapsed:.0f} s")
    print(f"ours: swiftpacs-bench http: GET /api/health ({json_bytes['ours']} B JSON), /static/big.bin, "
          f"/stream/N (chunked, generated)")
    print(f"Orthanc {orthanc_version()}: GET /system ({json_bytes['orthanc']} B JSON), ServeFolders /static/big.bin, "
          f"/instances/{{id}}/file (a 100 MiB instance)")
    print(f"{'measure':<40} {'ours':>10} {'Orthanc':>10} {'ratio':>7}")
    for label, a, b, r in rows:
        print(f"{label:<40} {a:>10} {b:>10} {r:>7}")
    print("ratio: ours/Orthanc for rates, Orthanc/ours for latency (above 1: ours is better)")
    held = max(r["peak"] for r in runs[("orthanc", "1000")])
    if held < 1000:
        print(f"note: Orthanc had at most {held} of the 1,000 connections established at once (the others were "
              f"still waiting to connect), so its 1,000-connection figures are not like for like")
    if o1_errors != 0 or oj_errors != 0:
        print(f"FAILED: {oj_errors + o1_errors} errors on our server", file=sys.stderr)
        return 1
    return 0


def orthanc_version() -> str:
    r = subprocess.run([ORTHANC, "--version"], capture_output=True, text=True)
    m = re.search(r"\d+\.\d+\.\d+", r.stdout + r.stderr)
    return m.group(0) if m else ""


if __name__ == "__main__":
    sys.exit(main())
