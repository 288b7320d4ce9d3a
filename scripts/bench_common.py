"""Helpers shared by the benchmark drivers: synthetic studies, free ports, process control."""
import os
import socket
import subprocess
import time
from pathlib import Path

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
