"""Helpers of the network suite: real DICOM peers (our test SCP, DCMTK's servers, a pynetdicom
AE) started on 127.0.0.1 and stopped for sure, the test corpus, data set comparison, and raw
upper-layer PDUs for hostile peers."""
from __future__ import annotations

import os
import re
import signal
import socket
import struct
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pydicom
from pydicom.multival import MultiValue

HOST = "127.0.0.1"
DCMTK = {name: f"/usr/bin/{name}" for name in
         ("echoscu", "storescu", "findscu", "movescu", "getscu", "storescp", "dcmqrscp")}
# Deliberately broken files of pydicom's corpus.
BROKEN = {"MR_truncated.dcm", "rtplan_truncated.dcm", "no_meta.dcm"}
UNCOMPRESSED = {"1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2"}


def dcmtk_env() -> dict:
    """DCMTK's tools wait for Nagle's algorithm on loopback unless told not to."""
    env = dict(os.environ)
    env["TCP_NODELAY"] = "1"
    return env


def run(cmd, timeout: float = 60, **kw) -> subprocess.CompletedProcess:
    """Runs a command with a timeout; DCMTK tools get TCP_NODELAY=1."""
    cmd = [str(c) for c in cmd]
    if cmd[0].startswith("/usr/bin/") and "env" not in kw:
        kw["env"] = dcmtk_env()
    return subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=timeout, **kw)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def is_listening(port: int) -> bool:
    """Whether some socket listens on `port` (IPv4 or IPv6), read from /proc without connecting,
    so that no probe shows up as a failed association in a server's log."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if len(parts) > 3 and parts[3] == "0A" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                return True
    return False


# MARK: servers


@dataclass
class Server:
    name: str
    proc: subprocess.Popen
    port: int
    log: Path
    aet: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def output(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


class Servers:
    """Starts servers and stops every one of them at `stop_all` (fixture teardown)."""

    def __init__(self, bench: str, workdir: Path):
        self.bench = bench
        self.workdir = Path(workdir)
        self.started: list[Server] = []
        self.pynet: list = []

    def _spawn(self, name: str, cmd, env=None) -> tuple[subprocess.Popen, Path]:
        log = self.workdir / f"{name}-{len(self.started)}.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen([str(c) for c in cmd], stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, env=env, cwd=self.workdir)
        return proc, log

    def scp(self, aet: str = "TESTSCP", peers: dict | None = None, args=(), timeout: float = 20) -> Server:
        """Our acceptor with in-memory handlers (swiftpacs-bench scp); ready when it says so."""
        cmd = [self.bench, "scp", "--port", "0", "--aet", aet]
        for ae, port in (peers or {}).items():
            cmd += ["--peer", f"{ae}={HOST}:{port}"]
        cmd += list(args)
        proc, log = self._spawn("scp", cmd)
        server = Server("swiftpacs-bench scp", proc, 0, log, aet)
        self.started.append(server)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = re.search(r"listening on 127\.0\.0\.1:(\d+) as (\S+)", server.output())
            if m:
                server.port = int(m.group(1))
                return server
            if proc.poll() is not None:
                raise RuntimeError(f"scp exited with {proc.returncode}: {server.output()}")
            time.sleep(0.02)
        raise RuntimeError(f"scp not ready after {timeout} s: {server.output()}")

    def _wait_port(self, server: Server, timeout: float = 20) -> Server:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if is_listening(server.port):
                return server
            if server.proc.poll() is not None:
                raise RuntimeError(f"{server.name} exited with {server.proc.returncode}: {server.output()}")
            time.sleep(0.02)
        raise RuntimeError(f"{server.name} not listening on {server.port} after {timeout} s: {server.output()}")

    def storescp(self, outdir: Path, aet: str = "STORESCP", port: int | None = None, args=("+xa", "+B")) -> Server:
        """DCMTK's storescp writing what it receives into `outdir`."""
        port = port or free_port()
        Path(outdir).mkdir(parents=True, exist_ok=True)
        cmd = [DCMTK["storescp"], "-v", "-aet", aet, "-od", outdir, *args, str(port)]
        proc, log = self._spawn("storescp", cmd, env=dcmtk_env())
        server = Server("storescp", proc, port, log, aet)
        self.started.append(server)
        return self._wait_port(server)

    def dcmqrscp(self, storage: Path, hosts: dict, aet: str = "QRSCP", args=(), max_studies: int = 200) -> Server:
        """DCMTK's dcmqrscp with a config file naming its storage area and the peers it knows;
        it keeps at most `max_studies` studies (it deletes the oldest beyond that)."""
        port = free_port()
        storage = Path(storage)
        storage.mkdir(parents=True, exist_ok=True)
        lines = [f"NetworkTCPPort = {port}", "MaxPDUSize = 16384", "MaxAssociations = 16", "",
                 "HostTable BEGIN"]
        for i, (ae, p) in enumerate(hosts.items()):
            lines.append(f"peer{i} = ({ae}, {HOST}, {p})")
        lines += ["HostTable END", "", "VendorTable BEGIN", "VendorTable END", "",
                  "AETable BEGIN", f"{aet} {storage} RW ({max_studies}, 1024mb) ANY", "AETable END", ""]
        config = self.workdir / f"dcmqrscp-{port}.cfg"
        config.write_text("\n".join(lines))
        cmd = [DCMTK["dcmqrscp"], "-v", "-c", config, *args]  # --single-process crashes after one association (DCMTK 3.6.7)
        proc, log = self._spawn("dcmqrscp", cmd, env=dcmtk_env())
        server = Server("dcmqrscp", proc, port, log, aet, {"config": config})
        self.started.append(server)
        return self._wait_port(server)

    def pacs(self, data: Path, aet: str = "SWIFTPACS", args=(), timeout: float = 30) -> Server:
        """The real server, `swiftpacs serve`, on `data`; ready when it prints where it listens."""
        port = free_port()
        swiftpacs = Path(self.bench).parent / "swiftpacs"
        cmd = [swiftpacs, "serve", "--data", data, "--aet", aet, "--dicom-port", str(port), "--http-port", "0", "--host", HOST, *args]
        proc, log = self._spawn("swiftpacs", cmd)
        server = Server("swiftpacs serve", proc, port, log, aet, {"data": Path(data)})
        self.started.append(server)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "listening on" in server.output():
                return server
            if proc.poll() is not None:
                raise RuntimeError(f"swiftpacs serve exited with {proc.returncode}: {server.output()}")
            time.sleep(0.02)
        raise RuntimeError(f"swiftpacs serve not ready after {timeout} s: {server.output()}")

    def stop_all(self):
        for s in reversed(self.started):
            s.stop()
        self.started.clear()
        for p in self.pynet:
            p.stop()
        self.pynet.clear()


# MARK: the corpus


@dataclass
class Instance:
    path: Path
    sop_class: str
    sop_instance: str
    transfer_syntax: str
    study: str
    series: str
    patient_id: str


def readable_corpus(data: Path) -> list[Instance]:
    """Every *.dcm of pydicom's test_files (recursively) that pydicom reads without force and
    that has a SOP Class and SOP Instance UID, leaving out the deliberately broken ones."""
    out = []
    for p in sorted((Path(data) / "test_files").rglob("*.dcm")):
        if p.name in BROKEN:
            continue
        try:
            ds = pydicom.dcmread(p, stop_before_pixels=True)
            cls, inst = str(ds.SOPClassUID), str(ds.SOPInstanceUID)
            ts = str(ds.file_meta.TransferSyntaxUID)
        except Exception:
            continue
        if not cls or not inst:
            continue
        out.append(Instance(p, cls, inst, ts, str(ds.get("StudyInstanceUID", "") or ""),
                            str(ds.get("SeriesInstanceUID", "") or ""), str(ds.get("PatientID", "") or "")))
    return out


def last_by_uid(instances) -> dict[str, Instance]:
    """What a store keeps when several files share a SOP Instance UID: the last one sent."""
    out = {}
    for inst in instances:
        out[inst.sop_instance] = inst
    return out


# MARK: data set comparison

WORD = {"OW": 2, "OF": 4, "OL": 4, "OD": 8, "OV": 8}


def _swap(b: bytes, n: int) -> bytes:
    out = bytearray(len(b))
    for i in range(n):
        out[i::n] = b[n - 1 - i::n]
    return bytes(out)


def canonical(ds, little: bool | None = None) -> dict:
    """{tag: (VR, value)} of a data set without group 0002, with values decoded by pydicom and
    words of OW/OF/... in little endian order, so that one data set in two transfer syntaxes
    compares equal."""
    if little is None:
        enc = getattr(ds, "original_encoding", None) or (False, True)
        little = enc[1] if enc[1] is not None else True
    out = {}
    for tag in list(ds.keys()):
        if tag.group == 0x0002:
            continue
        try:
            elem = ds[tag]
            vr, value = elem.VR, elem.value
        except Exception:  # an element pydicom cannot decode: compare its raw bytes
            raw = ds.get_item(tag)
            out[int(tag)] = ("raw", bytes(raw.value or b""))
            continue
        out[int(tag)] = (vr, _norm(vr, value, little))
    return out


def _norm(vr, value, little):
    if vr == "SQ":
        return tuple(tuple(sorted(canonical(item, little).items())) for item in (value or []))
    if isinstance(value, (bytes, bytearray)):
        b = bytes(value)
        if not little and vr in WORD and len(b) % WORD[vr] == 0:
            b = _swap(b, WORD[vr])
        return b
    if value is None:
        return ""
    if isinstance(value, (MultiValue, list, tuple)):
        return tuple(str(v) for v in value)
    return str(value)


# What DCMTK changes in a data set it sends (storescu, and dcmqrscp's C-STORE sub-operations),
# whoever receives it: it recomputes group lengths (gggg,0000) and drops the Data Set Trailing
# Padding (FFFC,FFFC). Our own sending keeps both, which the strict comparisons check.
def rewritten_by_dcmtk(tag: int) -> bool:
    return tag & 0xFFFF == 0 or tag == 0xFFFCFFFC


def dataset_differences(received, original, limit: int = 8, ignore=None) -> list[str]:
    """What differs between two data sets, element by element (group 0002 excluded), leaving
    out the tags for which `ignore(tag)` is true."""
    a, b = canonical(received), canonical(original)
    diffs = []
    for tag in sorted(set(a) | set(b)):
        if ignore and ignore(tag):
            continue
        name = f"({tag >> 16:04X},{tag & 0xFFFF:04X})"
        if tag not in a:
            diffs.append(f"{name} missing")
        elif tag not in b:
            diffs.append(f"{name} added")
        elif a[tag] != b[tag]:
            va, vb = a[tag], b[tag]
            if va[1] == vb[1] and {va[0], vb[0]} & {"UN", "raw"}:
                continue  # same bytes, the VR unknown on one side (private data in implicit VR)
            if tag == 0x7FE00010 and va[1] == vb[1] and {va[0], vb[0]} == {"OB", "OW"} and va[1][:4] == b"\xfe\xff\x00\xe0":
                continue  # encapsulated pixel data some files declare OW; it is OB (PS3.5 §A.4), as re-encoded
            diffs.append(f"{name} {va[0]} {str(va[1])[:60]!r} vs original {vb[0]} {str(vb[1])[:60]!r}")
        if len(diffs) >= limit:
            break
    return diffs


def compare_files(received: Path, original: Path, ignore=None) -> list[str]:
    return dataset_differences(pydicom.dcmread(received, force=True), pydicom.dcmread(original, force=True), ignore=ignore)


def received_by_uid(folder: Path) -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = {}
    for p in sorted(Path(folder).rglob("*")):
        if p.is_file() and not p.name.endswith((".log", ".cfg", ".dat")):
            try:
                ds = pydicom.dcmread(p, stop_before_pixels=True, force=True)
                out.setdefault(str(ds.SOPInstanceUID), []).append(p)
            except Exception:
                out.setdefault("?" + p.name, []).append(p)
    return out


def make_large_instance(path: Path, megabytes: float = 2.0) -> Path:
    """A secondary capture of `megabytes` of 8-bit pixels with a pattern that shows any lost or
    reordered fragment."""
    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, SecondaryCaptureImageStorage, generate_uid
    rows, cols = 1024, int(megabytes * 1024)
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(str(path), {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = SecondaryCaptureImageStorage
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.PatientID = "BIGPDU"
    ds.PatientName = "Large^Instance"
    ds.Modality = "OT"
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows, ds.Columns = rows, cols
    ds.BitsAllocated = ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0
    ds.PixelData = bytes((i * 7 + i // 251) & 0xFF for i in range(rows * cols))
    ds.save_as(path, enforce_file_format=True)
    return path


# MARK: process state


def proc_status(pid: int) -> dict:
    """Threads and VmRSS (kB) of a process, from /proc/PID/status."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("Threads", "VmRSS"):
            out[key] = int(value.split()[0])
    return out


# MARK: raw upper-layer PDUs (PS3.8 §9.3)


def _ae(title: str) -> bytes:
    return title.encode().ljust(16)[:16]


def _item(kind: int, body: bytes) -> bytes:
    return struct.pack(">BBH", kind, 0, len(body)) + body


def pdu(kind: int, body: bytes) -> bytes:
    return struct.pack(">BBI", kind, 0, len(body)) + body


def associate_rq(called="TESTSCP", calling="RAWSCU", contexts=None, max_pdu=16384, extra_items=b"") -> bytes:
    """A-ASSOCIATE-RQ; `contexts` is a list of (id, abstract syntax, [transfer syntaxes])."""
    contexts = contexts or [(1, "1.2.840.10008.1.1", ["1.2.840.10008.1.2"])]
    body = struct.pack(">HH", 1, 0) + _ae(called) + _ae(calling) + b"\0" * 32
    body += _item(0x10, b"1.2.840.10008.3.1.1.1")
    for pcid, abstract, syntaxes in contexts:
        sub = _item(0x30, abstract.encode()) + b"".join(_item(0x40, ts.encode()) for ts in syntaxes)
        body += _item(0x20, struct.pack(">BBBB", pcid, 0, 0, 0) + sub)
    body += extra_items
    user = _item(0x51, struct.pack(">I", max_pdu)) + _item(0x52, b"1.2.826.0.1.3680043.9.9999.1")
    body += _item(0x50, user)
    return pdu(0x01, body)


def echo_pdata(context_id=1, message_id=1) -> bytes:
    """P-DATA-TF carrying a C-ECHO-RQ command (implicit VR little endian)."""
    def el(group, elem, value: bytes) -> bytes:
        return struct.pack("<HHI", group, elem, len(value)) + value
    uid = b"1.2.840.10008.1.1\0"
    cmd = el(0, 2, uid) + el(0, 0x100, struct.pack("<H", 0x30)) + el(0, 0x110, struct.pack("<H", message_id))
    cmd += el(0, 0x800, struct.pack("<H", 0x0101))
    cmd = el(0, 0, struct.pack("<I", len(cmd))) + cmd
    pdv = struct.pack(">IBB", len(cmd) + 2, context_id, 0x03) + cmd
    return pdu(0x04, pdv)


def read_pdu(sock: socket.socket, timeout: float = 5) -> tuple[int, bytes] | None:
    """The next PDU (type, body), or None when the peer closed the connection."""
    sock.settimeout(timeout)
    head = _recv_exactly(sock, 6)
    if head is None:
        return None
    kind, _, length = struct.unpack(">BBI", head)
    body = _recv_exactly(sock, length)
    return (kind, body or b"")


def _recv_exactly(sock, n):
    buf = b""
    while len(buf) < n:
        try:
            chunk = sock.recv(n - len(buf))
        except (ConnectionResetError, BrokenPipeError):
            return None
        if not chunk:
            return None
        buf += chunk
    return buf


def connect(port: int, timeout: float = 5) -> socket.socket:
    s = socket.create_connection((HOST, port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def closed_by_peer(sock: socket.socket, timeout: float = 5) -> bool:
    """Reads until the peer closes; True if it did within `timeout`."""
    sock.settimeout(timeout)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if not sock.recv(65536):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False
    return False


# MARK: a pynetdicom AE


def wildcard(pattern: str, value: str) -> bool:
    """`*` and `?` matching of C-FIND (PS3.4 C.2.2.2.4)."""
    return re.fullmatch(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."), value, re.S) is not None


class PynetdicomSCP:
    """A pynetdicom acceptor in a thread: verification, storage into memory, C-FIND and C-GET
    (study and patient root) over what it holds."""

    def __init__(self, aet: str = "PYNETSCP", instances=(), storage_syntaxes=None, verification=True):
        from pynetdicom import AE, ALL_TRANSFER_SYNTAXES, AllStoragePresentationContexts, evt
        from pynetdicom.sop_class import (PatientRootQueryRetrieveInformationModelFind,
                                          PatientRootQueryRetrieveInformationModelGet,
                                          StudyRootQueryRetrieveInformationModelFind,
                                          StudyRootQueryRetrieveInformationModelGet, Verification)
        self.aet = aet
        self.stored: dict[str, pydicom.Dataset] = {}
        self.lock = threading.Lock()
        for ds in instances:
            self.stored[str(ds.SOPInstanceUID)] = ds
        ae = AE(ae_title=aet)
        ae.maximum_pdu_size = 0
        if verification:
            ae.add_supported_context(Verification)
        for cx in AllStoragePresentationContexts:
            ae.add_supported_context(cx.abstract_syntax, storage_syntaxes or ALL_TRANSFER_SYNTAXES,
                                     scu_role=True, scp_role=True)
        for cls in (PatientRootQueryRetrieveInformationModelFind, StudyRootQueryRetrieveInformationModelFind,
                    PatientRootQueryRetrieveInformationModelGet, StudyRootQueryRetrieveInformationModelGet):
            ae.add_supported_context(cls)
        handlers = [(evt.EVT_C_STORE, self._store), (evt.EVT_C_FIND, self._find), (evt.EVT_C_GET, self._get)]
        if verification:
            handlers.append((evt.EVT_C_ECHO, lambda event: 0x0000))
        self.ae = ae
        self.server = ae.start_server((HOST, 0), block=False, evt_handlers=handlers)
        self.port = self.server.server_address[1]

    def _store(self, event):
        ds = event.dataset
        ds.file_meta = event.file_meta
        with self.lock:
            self.stored[str(ds.SOPInstanceUID)] = ds
        return 0x0000

    def _matches(self, identifier):
        with self.lock:
            candidates = list(self.stored.values())
        keys = [e for e in identifier if e.keyword not in ("QueryRetrieveLevel", "SpecificCharacterSet") and e.VR != "SQ"]
        for ds in candidates:
            ok = True
            for k in keys:
                want = "\\".join(str(v) for v in k.value) if isinstance(k.value, MultiValue) else str(k.value or "")
                if not want or want == "*":
                    continue
                have = str(ds[k.tag].value if k.tag in ds else "")
                if not any(wildcard(w, have) for w in want.split("\\")):
                    ok = False
                    break
            if ok:
                yield ds

    LEVEL_KEY = {"PATIENT": "PatientID", "STUDY": "StudyInstanceUID", "SERIES": "SeriesInstanceUID", "IMAGE": "SOPInstanceUID"}

    def _find(self, event):
        identifier = event.identifier
        level = str(identifier.get("QueryRetrieveLevel", ""))
        key = self.LEVEL_KEY.get(level)
        if key is None:
            yield 0xA900, None
            return
        seen = set()
        for ds in self._matches(identifier):
            value = str(ds.get(key, ""))
            if value in seen:
                continue
            seen.add(value)
            answer = pydicom.Dataset()
            for e in identifier:
                if e.tag in ds:
                    answer.add(ds[e.tag])
                else:
                    answer.add_new(e.tag, e.VR, None)
            answer.QueryRetrieveLevel = level
            yield 0xFF00, answer

    def _get(self, event):
        found = list(self._matches(event.identifier))
        yield len(found)
        for ds in found:
            yield 0xFF00, ds

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
