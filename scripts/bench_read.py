#!/usr/bin/env python3
"""Benchmark: reading 1,000 CT-sized files (512x512x16 bit), header only and whole,
SwiftPACS beside pydicom on the same files. Prints files/s, MB/s and the ratio."""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".build" / "bench-data" / "ct1000"
COUNT = int(os.environ.get("BENCH_FILES", "1000"))


def make_files():
    """Writes COUNT synthetic CT slices of one study, once (kept under .build/bench-data)."""
    DATA.mkdir(parents=True, exist_ok=True)
    if len(list(DATA.glob("*.dcm"))) >= COUNT:
        return
    study, series = generate_uid(), generate_uid()
    pixels = bytes(range(256)) * (512 * 512 * 2 // 256)
    for i in range(COUNT):
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = CTImageStorage
        meta.MediaStorageSOPInstanceUID = generate_uid()
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = Dataset()
        ds.file_meta = meta
        ds.SOPClassUID = CTImageStorage
        ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
        ds.PatientName, ds.PatientID = "Bench^Reader", "BENCH1"
        ds.StudyInstanceUID, ds.SeriesInstanceUID = study, series
        ds.Modality, ds.InstanceNumber = "CT", i + 1
        ds.ImagePositionPatient = [0, 0, i * 1.25]
        ds.Rows = ds.Columns = 512
        ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 12, 11
        ds.SamplesPerPixel, ds.PhotometricInterpretation, ds.PixelRepresentation = 1, "MONOCHROME2", 0
        ds.PixelData = pixels
        ds.save_as(DATA / f"{i:05d}.dcm", enforce_file_format=True)


def drop_nothing():
    """Files stay in the page cache: both readers are measured warm, after one untimed pass."""


def swift(mode):
    exe = ROOT / ".build" / "release" / "swiftpacs-bench"
    subprocess.run([str(exe), "read", str(DATA), mode], check=True, capture_output=True)  # warm-up
    out = subprocess.run([str(exe), "read", str(DATA), mode], check=True, capture_output=True, text=True).stdout
    r = json.loads(out)
    return r["files"], r["seconds"], r["bytes"]


def py(mode):
    files = sorted(DATA.glob("*.dcm"))
    def once():
        t0 = time.perf_counter()
        n = 0
        for f in files:
            ds = pydicom.dcmread(f, stop_before_pixels=(mode == "header"))
            _ = ds.SOPInstanceUID, ds.PatientName
            if mode == "full":
                _ = sum(ds.PixelData[::4096])
            n += f.stat().st_size
        return time.perf_counter() - t0, n
    once()
    dt, n = once()
    return len(files), dt, n


def main():
    subprocess.run(["swift", "build", "-c", "release", "--product", "swiftpacs-bench"], cwd=ROOT, check=True)
    make_files()
    print(f"\nReading {COUNT} CT files (512x512x16 bit, explicit VR LE), warm page cache")
    print(f"{'mode':<8} {'reader':<10} {'files/s':>10} {'MB/s':>10} {'ratio':>8}")
    for mode in ("header", "full"):
        n, t, b = swift(mode)
        pn, pt, pb = py(mode)
        ours, theirs = n / t, pn / pt
        print(f"{mode:<8} {'swiftpacs':<10} {ours:>10.0f} {b / t / 1e6:>10.0f} {ours / theirs:>7.1f}x")
        print(f"{mode:<8} {'pydicom':<10} {theirs:>10.0f} {pb / pt / 1e6:>10.0f} {1.0:>7.1f}x")


if __name__ == "__main__":
    sys.exit(main())
