"""Helpers shared by the benchmark drivers: synthetic studies, free ports, process control."""
import datetime
import os
import random
import struct
import socket
import subprocess
import time
from pathlib import Path

from pydicom import dcmread
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, SecondaryCaptureImageStorage, generate_uid

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".build" / "bench-data"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 10.0):
    end = time.time() + timeout
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


def make_series(name: str, count: int, rows: int, cols: int, bits: int, sop_class=CTImageStorage) -> Path:
    """COUNT instances of one series, written once and kept under .build/bench-data/NAME."""
    out = CACHE / name
    out.mkdir(parents=True, exist_ok=True)
    if len(list(out.glob("*.dcm"))) >= count:
        return out
    study, series = generate_uid(), generate_uid()
    pixels = bytes(range(256)) * (rows * cols * (bits // 8) // 256 + 1)
    pixels = pixels[: rows * cols * (bits // 8)]
    for i in range(count):
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = sop_class
        meta.MediaStorageSOPInstanceUID = generate_uid()
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = Dataset()
        ds.file_meta = meta
        ds.SOPClassUID, ds.SOPInstanceUID = sop_class, meta.MediaStorageSOPInstanceUID
        ds.PatientName, ds.PatientID = f"Bench^{name}", f"BENCH-{name}"
        ds.StudyInstanceUID, ds.SeriesInstanceUID = study, series
        ds.StudyDate, ds.Modality, ds.InstanceNumber = "20260101", "CT", i + 1
        ds.Rows, ds.Columns = rows, cols
        ds.BitsAllocated, ds.BitsStored, ds.HighBit = bits, bits, bits - 1
        ds.SamplesPerPixel, ds.PhotometricInterpretation, ds.PixelRepresentation = 1, "MONOCHROME2", 0
        ds.PixelData = pixels
        ds.save_as(out / f"{i:05d}.dcm", enforce_file_format=True)
    return out


def study_attributes(seed: int, studies: int):
    """Deterministic attributes of STUDIES synthetic studies (one patient each): for each, a
    dict with PatientID, PatientName, StudyDate and AccessionNumber. Patients are
    BENCH{seed}-{n:07d}, names Family^Pn with the family name from a fixed list of 50, dates
    uniformly over 2000-2029, accession numbers A{seed}{n:08d}."""
    rng = random.Random(seed)
    for n in range(studies):
        family = FAMILY_NAMES[rng.randrange(len(FAMILY_NAMES))]
        day = datetime.date(2000, 1, 1) + datetime.timedelta(days=rng.randrange(30 * 365))
        yield {"PatientID": f"BENCH{seed}-{n:07d}", "PatientName": f"{family}^P{n}",
               "StudyDate": day.strftime("%Y%m%d"), "AccessionNumber": f"A{seed}{n:08d}"}


def make_studies(name: str, count: int, seed: int, per_study: int = 1) -> tuple[Path, list[str]]:
    """COUNT tiny instances (8x8 secondary capture, ~800 bytes), PER_STUDY per study, one study
    per patient (attributes from study_attributes), kept under .build/bench-data/NAME. Returns
    the folder and the names of the first COUNT files. Deterministic for NAME and SEED, so a
    larger COUNT only adds files. Encoded directly (explicit VR little endian): pydicom takes
    milliseconds per file, too slow for hundreds of thousands; the first file is checked with
    pydicom."""
    out = CACHE / name
    out.mkdir(parents=True, exist_ok=True)
    names = [f"{i:07d}.dcm" for i in range(count)]
    have = {p.name for p in out.iterdir()}
    if all(n in have for n in names):
        return out, names
    root = f"1.2.826.0.1.3680043.8.498.99.{seed}"
    studies = list(study_attributes(seed, (count + per_study - 1) // per_study))
    for i, file_name in enumerate(names):
        if file_name in have:
            continue
        s, a = i // per_study, studies[i // per_study]
        sop = f"{root}.3.{i + 1}"
        meta = [(0x0002, 0x0001, "OB", b"\0\1"), (0x0002, 0x0002, "UI", SC.encode()), (0x0002, 0x0003, "UI", sop.encode()),
                (0x0002, 0x0010, "UI", ExplicitVRLittleEndian.encode()), (0x0002, 0x0012, "UI", b"1.2.826.0.1.3680043.8.498.1")]
        body = b"".join(_element(*e) for e in meta)
        data = [(0x0008, 0x0016, "UI", SC), (0x0008, 0x0018, "UI", sop), (0x0008, 0x0020, "DA", a["StudyDate"]),
                (0x0008, 0x0030, "TM", "120000"), (0x0008, 0x0050, "SH", a["AccessionNumber"]), (0x0008, 0x0060, "CS", "OT"),
                (0x0008, 0x1030, "LO", "Bench study"), (0x0010, 0x0010, "PN", a["PatientName"]),
                (0x0010, 0x0020, "LO", a["PatientID"]), (0x0010, 0x0030, "DA", "19600101"), (0x0010, 0x0040, "CS", "O"),
                (0x0020, 0x000D, "UI", f"{root}.1.{s + 1}"), (0x0020, 0x000E, "UI", f"{root}.2.{s + 1}"),
                (0x0020, 0x0010, "SH", str(s)), (0x0020, 0x0011, "IS", "1"), (0x0020, 0x0013, "IS", str(i % per_study + 1)),
                (0x0028, 0x0002, "US", 1), (0x0028, 0x0004, "CS", "MONOCHROME2"), (0x0028, 0x0010, "US", 8),
                (0x0028, 0x0011, "US", 8), (0x0028, 0x0100, "US", 8), (0x0028, 0x0101, "US", 8), (0x0028, 0x0102, "US", 7),
                (0x0028, 0x0103, "US", 0), (0x7FE0, 0x0010, "OB", bytes(64))]
        encoded = b"".join(_element(g, e, vr, struct.pack("<H", v) if vr == "US" else v if isinstance(v, bytes) else v.encode())
                           for g, e, vr, v in data)
        (out / file_name).write_bytes(bytes(128) + b"DICM" + _element(2, 0, "UL", struct.pack("<I", len(body))) + body + encoded)
    check = dcmread(out / names[0])
    assert check.PatientID == studies[0]["PatientID"] and check.SOPInstanceUID == f"{root}.3.1", "bad synthetic file"
    return out, names


def _element(group: int, element: int, vr: str, value: bytes) -> bytes:
    """One explicit VR little endian element, padded to even length."""
    if len(value) % 2:
        value += b"\0" if vr in ("UI", "OB") else b" "
    if vr in ("OB", "OW", "SQ", "UN", "UT"):
        return struct.pack("<HH2s2xI", group, element, vr.encode(), len(value)) + value
    return struct.pack("<HH2sH", group, element, vr.encode(), len(value)) + value


SC = SecondaryCaptureImageStorage
FAMILY_NAMES = ["Smith", "Jones", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Thomas", "Johnson",
                "Roberts", "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards",
                "Green", "Hall", "Wood", "Harris", "Lewis", "Martin", "Jackson", "Clarke", "Clark",
                "Turner", "Hill", "Scott", "Cooper", "Morris", "Ward", "Moore", "King", "Watson",
                "Baker", "Harrison", "Morgan", "Patel", "Young", "Allen", "Mitchell", "James",
                "Anderson", "Phillips", "Lee", "Bell", "Parker", "Davis", "Miller"]


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("*.dcm"))


class Server:
    """A server process started for one measurement and always stopped."""

    def __init__(self, argv, port, env=None):
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        wait_port(port)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def dcmtk_env():
    env = dict(os.environ)
    env["TCP_NODELAY"] = "1"
    return env


def timed(argv, env=None) -> float:
    t0 = time.perf_counter()
    r = subprocess.run(argv, env=env, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if r.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed: {r.stderr[-500:]}")
    return dt
