"""The two archives of bench_archive.py, started and stopped by it, and the DCMTK clients.

Both servers listen for DICOM on a port chosen at each start; the clients are DCMTK's tools on
127.0.0.1 with TCP_NODELAY=1. `fast=True` starts a server with libeatmydata preloaded (fsync
and friends become no-ops): only for filling an archive, never for a measurement."""
import json
import os
import re
import socket
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench_common import ROOT, dcmtk_env, free_port

SWIFTPACS = ROOT / ".build" / "release" / "swiftpacs"
ORTHANC = "/usr/sbin/Orthanc"
EATMYDATA = "libeatmydata.so"
# The AE titles of the DCMTK clients, known to both servers.
STORESCU, FINDSCU, MOVESCU, STORESCP = "STORESCU", "FINDSCU", "MOVESCU", "BENCHSCP"


class ArchiveServer:
    """Common part: a process with a log file, a DICOM port, its peak RSS."""
    label = "?"
    aet = "?"

    def __init__(self, folder: Path, scp_port: int):
        self.folder, self.scp_port = folder, scp_port
        folder.mkdir(parents=True)
        self.log = folder / "server.log"
        self.proc = None
        self.port = 0

    def start(self, fast: bool = False):
        self.port = free_port()
        env = dcmtk_env()  # Orthanc's DICOM side is DCMTK too: without TCP_NODELAY=1 it waits ~40 ms per message
        if fast:
            env["LD_PRELOAD"] = EATMYDATA
        with open(self.log, "a") as log:
            log.write(f"--- start{' (fsync disabled: filling)' if fast else ''}\n")
            log.flush()
            self.proc = subprocess.Popen(self.argv(), stdout=log, stderr=subprocess.STDOUT, env=env, cwd=self.folder)
        t0 = time.time()
        end = t0 + 300
        while time.time() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.label} exited with {self.proc.returncode} at start: {self.log_tail()}")
            if self.ready():
                self.start_seconds = time.time() - t0
                return self
            time.sleep(0.1)
        raise RuntimeError(f"{self.label} did not listen on {self.port} within 300 s")

    def ready(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return True
        except OSError:
            return False

    def latest_log(self) -> str:
        """The log since the latest start."""
        return self.log.read_text(errors="replace").rsplit("--- start", 1)[-1]

    def stop(self):
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            print(f"  {self.label} did not stop within 60 s after SIGTERM: killed", flush=True)
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def log_tail(self, lines: int = 5) -> str:
        return " | ".join(self.log.read_text(errors="replace").strip().splitlines()[-lines:])

    def status_kb(self, field: str) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
        raise RuntimeError(f"no {field} in /proc/{self.proc.pid}/status")

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process so far."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def reset_peak_rss(self):
        """Resets VmHWM to the current RSS (Linux >= 4.0)."""
        Path(f"/proc/{self.proc.pid}/clear_refs").write_text("5")


class SwiftPACSServer(ArchiveServer):
    label = "SwiftPACS"
    aet = "SWIFTPACS"

    def __init__(self, folder: Path, scp_port: int):
        super().__init__(folder, scp_port)
        for aet, port in ((STORESCU, 104), (FINDSCU, 104), (MOVESCU, 104), (STORESCP, scp_port)):
            subprocess.run([str(SWIFTPACS), "peers", "add", "--data", str(folder / "data"), "--aet", aet,
                            "--host", "127.0.0.1", "--port", str(port)], check=True, capture_output=True)

    def argv(self):
        return [str(SWIFTPACS), "serve", "--data", str(self.folder / "data"), "--aet", self.aet, "--host", "127.0.0.1",
                "--dicom-port", str(self.port), "--http-port", "0", "--accept-unknown-storers", "on"]

    def ready(self) -> bool:
        # The line printed once listening: a probe connection would be logged as an error.
        return "DICOM: AE title" in self.latest_log()

    def instances(self) -> int:
        """From the start-up line 'data in DIR (N instances)'."""
        found = re.findall(r"\((\d+) instances\)", self.latest_log())
        return int(found[-1]) if found else -1


class OrthancServer(ArchiveServer):
    label = "Orthanc"
    aet = "ORTHANC"

    def argv(self):
        self.http_port = free_port()
        config = {
            "Name": "bench", "StorageDirectory": str(self.folder / "db"), "IndexDirectory": str(self.folder / "db"),
            "StorageCompression": False, "Plugins": [],
            "HttpPort": self.http_port, "RemoteAccessAllowed": False, "AuthenticationEnabled": False,
            "DicomAet": self.aet, "DicomPort": self.port, "DicomCheckCalledAet": False, "DicomAlwaysAllowStore": True,
            "DicomModalities": {name.lower(): [name, "127.0.0.1", port] for name, port in
                                ((STORESCU, 104), (FINDSCU, 104), (MOVESCU, 104), (STORESCP, self.scp_port))},
            # 16 parallel associations must really run in parallel (the default is 4 threads).
            "DicomThreadsCount": 16,
            # Defaults, written out: fsync of each stored file, like ours; no disk access on C-FIND answers
            # beyond what Orthanc decides ("Always" is 1.10's default).
            "SyncStorageArea": True, "StorageAccessOnFind": "Always", "StableAge": 60, "OverwriteInstances": False,
        }
        (self.folder / "config.json").write_text(json.dumps(config, indent=1))
        return [ORTHANC, str(self.folder / "config.json")]

    def instances(self) -> int:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.http_port}/statistics", timeout=30) as r:
            return json.load(r)["CountInstances"]


# --- DCMTK clients -----------------------------------------------------------------------------

def run_dcmtk(argv, cwd=None) -> tuple[float, str]:
    """Runs a DCMTK tool; returns (seconds, output). Fails on a non-zero exit or an E:/F: line."""
    t0 = time.perf_counter()
    r = subprocess.run(argv, env=dcmtk_env(), cwd=cwd, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    out = r.stdout + r.stderr
    bad = [l for l in out.splitlines() if l.startswith(("E:", "F:"))]
    if r.returncode != 0 or bad:
        telling = [l for l in out.splitlines() if l.startswith(("E:", "F:", "W:")) or "Final" in l]
        raise RuntimeError(f"{Path(argv[0]).name} exit {r.returncode}: " + " | ".join((telling or out.splitlines()[-3:])[:4]))
    return dt, out


def store(server: ArchiveServer, folder: Path, files: list[str]) -> float:
    """One storescu association sending FILES (names relative to FOLDER); seconds."""
    return run_dcmtk(["/usr/bin/storescu", "-aet", STORESCU, "-aec", server.aet, "127.0.0.1", str(server.port)] + files,
                     cwd=folder)[0]


def store_parallel(server: ArchiveServer, folder: Path, files: list[str], workers: int, chunk: int = 4000) -> float:
    """FILES sent by WORKERS storescu processes at a time, each taking up to CHUNK files; seconds."""
    parts = [files[i:i + chunk] for i in range(0, len(files), chunk)]
    t0 = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda part: store(server, folder, part), parts))
    return time.perf_counter() - t0


def find_study(server: ArchiveServer, keys: dict, repeat: int = 1) -> tuple[float, int]:
    """One findscu association sending a study-root C-FIND at STUDY level REPEAT times, with KEYS
    as matching keys plus the usual return keys; (seconds, number of matches of one query)."""
    argv = ["/usr/bin/findscu", "-v", "-S", "--repeat", str(repeat), "-aet", FINDSCU, "-aec", server.aet,
            "-k", "QueryRetrieveLevel=STUDY"]
    for k in ("StudyInstanceUID", "PatientName", "PatientID", "StudyDate", "AccessionNumber", "StudyDescription",
              "ModalitiesInStudy", "NumberOfStudyRelatedInstances"):
        argv += ["-k", f"{k}={keys.get(k, '')}"]
    dt, out = run_dcmtk(argv + ["127.0.0.1", str(server.port)])
    final = re.findall(r"Received Final Find Response \((.*)\)", out)
    if len(final) != repeat or any(f != "Success" for f in final):
        raise RuntimeError(f"findscu: final response {final[-1] if final else 'missing'}")
    return dt, len(re.findall(r"Find Response: \d+ \(Pending", out)) // repeat


def move_patient(server: ArchiveServer, patient_id: str) -> float:
    """Patient-root C-MOVE of PATIENT_ID to the storescp listening as STORESCP; seconds."""
    dt, out = run_dcmtk(["/usr/bin/movescu", "-v", "-P", "-aet", MOVESCU, "-aec", server.aet, "-aem", STORESCP,
                         "-k", "QueryRetrieveLevel=PATIENT", "-k", f"PatientID={patient_id}", "127.0.0.1", str(server.port)])
    final = re.findall(r"Received Final Move Response \((.*)\)", out)
    if final != ["Success"]:
        raise RuntimeError(f"movescu: final response {final[-1] if final else 'missing'}")
    return dt


def echo(server: ArchiveServer) -> float:
    return run_dcmtk(["/usr/bin/echoscu", "-aet", FINDSCU, "-aec", server.aet, "127.0.0.1", str(server.port)])[0]
