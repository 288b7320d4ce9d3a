"""The archive's promise (SPEC §4): an instance acknowledged is never lost — not on kill -9 in
the middle of a transfer — an interrupted transfer leaves nothing behind, and no index row is
ever without its file."""
import os
import re
import signal
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

import pydicom
import pytest
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, SecondaryCaptureImageStorage, generate_uid

from dicom_peers import DCMTK, HOST, associate_rq, connect, dcmtk_env, pdu, read_pdu


def make_instances(folder: Path, count: int, kib: int = 64) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    study = generate_uid()
    out = []
    for i in range(count):
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
        meta.MediaStorageSOPInstanceUID = generate_uid()
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = Dataset()
        ds.file_meta = meta
        ds.SOPClassUID, ds.SOPInstanceUID = SecondaryCaptureImageStorage, meta.MediaStorageSOPInstanceUID
        ds.PatientName, ds.PatientID = "Durable^Dora", "DUR-1"
        ds.StudyInstanceUID, ds.SeriesInstanceUID = study, generate_uid() if i % 50 == 0 else getattr(make_instances, "series", study + ".1")
        make_instances.series = ds.SeriesInstanceUID
        ds.Modality, ds.InstanceNumber = "OT", i + 1
        ds.Rows, ds.Columns, ds.BitsAllocated, ds.BitsStored, ds.HighBit = 128, kib * 4, 16, 16, 15
        ds.SamplesPerPixel, ds.PhotometricInterpretation, ds.PixelRepresentation = 1, "MONOCHROME2", 0
        ds.PixelData = os.urandom(128 * kib * 4 * 2)
        p = folder / f"{i:04d}.dcm"
        ds.save_as(p, enforce_file_format=True)
        out.append(p)
    return out


def index_rows(data: Path) -> dict[str, str]:
    with sqlite3.connect(f"file:{data / 'index.sqlite'}?mode=ro", uri=True) as db:
        return dict(db.execute("SELECT sop_uid, file FROM instances"))


def stored_files(data: Path) -> set[str]:
    root = data / "files"
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def test_kill_9_during_storescu_loses_no_acknowledged_instance(servers, tmp_path):
    data = tmp_path / "data"
    files = make_instances(tmp_path / "in", 400)
    server = servers.pacs(data, args=["--accept-unknown-storers", "on"])
    log = tmp_path / "storescu.log"
    with open(log, "w") as out:
        scu = subprocess.Popen([DCMTK["storescu"], "-v", "-aec", "SWIFTPACS", HOST, str(server.port), *map(str, files)],
                               stdout=out, stderr=subprocess.STDOUT, env=dcmtk_env())
    # Let some instances through, then pull the plug.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and log.read_text().count("Received Store Response (Success)") < 60:
        time.sleep(0.01)
    os.kill(server.pid, signal.SIGKILL)
    server.proc.wait(10)
    scu.wait(60)
    text = log.read_text()
    acked = text.count("Received Store Response (Success)")
    assert 60 <= acked < len(files), f"the kill came too late or too early ({acked} acknowledged)"
    # storescu sends the files in order and stops at the first failure: the first `acked` are acknowledged.
    acknowledged = [pydicom.dcmread(p) for p in files[:acked]]

    # Restart on the same data: recovery sweeps what the kill left half done. A peer that may
    # query, added while the server is down, checks that C-FIND finds what the index holds.
    added = subprocess.run([str(Path(servers.bench).parent / "swiftpacs"), "peers", "add", "--data", str(data),
                            "--aet", "FINDER", "--host", HOST, "--port", "11999"], capture_output=True, text=True, timeout=30)
    assert added.returncode == 0, added.stderr
    again = servers.pacs(data)
    rows = index_rows(data)
    on_disk = stored_files(data)
    for ds in acknowledged:
        uid = ds.SOPInstanceUID
        assert uid in rows, f"acknowledged instance {uid} is missing after the crash"
        back = pydicom.dcmread(data / "files" / rows[uid])
        assert back.PixelData == ds.PixelData and back.SOPInstanceUID == uid
    assert set(rows.values()) <= on_disk, "an index row names a file that is not there"
    assert on_disk == set(rows.values()), "files without an index row survived the start-up sweep"
    assert not list((data / "tmp").iterdir()), "interrupted writes were left in tmp/"

    # Every acknowledged instance is findable by C-FIND at IMAGE level by its SOP Instance UID,
    # one query each on one association, and the universal query finds exactly the index.
    from pynetdicom import AE
    from pynetdicom.sop_class import StudyRootQueryRetrieveInformationModelFind as FIND
    ae = AE(ae_title="FINDER")
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 30
    ae.add_requested_context(FIND)
    assoc = ae.associate(HOST, again.port, ae_title="SWIFTPACS")
    assert assoc.is_established

    def image_query(uid: str) -> list[str]:
        q = pydicom.Dataset()
        q.QueryRetrieveLevel = "IMAGE"
        q.SOPInstanceUID = uid
        answers = list(assoc.send_c_find(q, FIND))
        assert answers[-1][0].Status == 0x0000, answers[-1][0]
        return [str(i.SOPInstanceUID) for s, i in answers[:-1]]
    try:
        unfound = [ds.SOPInstanceUID for ds in acknowledged if image_query(ds.SOPInstanceUID) != [ds.SOPInstanceUID]]
        assert not unfound, f"{len(unfound)} acknowledged instances not found by C-FIND: {unfound[:3]}"
        assert sorted(image_query("")) == sorted(rows)
    finally:
        assoc.release()


def test_an_aborted_association_leaves_nothing_behind(servers, tmp_path):
    data = tmp_path / "data"
    server = servers.pacs(data, args=["--accept-unknown-storers", "on"])
    ds = pydicom.dcmread(make_instances(tmp_path / "in", 1, kib=256)[0])
    sock = connect(server.port)
    sock.sendall(associate_rq(called="SWIFTPACS", calling="ABORTER",
                              contexts=[(1, SecondaryCaptureImageStorage, [ExplicitVRLittleEndian])]))
    kind, _ = read_pdu(sock)
    assert kind == 0x02, "association not accepted"
    # C-STORE-RQ command, then only the first half of the data set, then A-ABORT.
    from pydicom.filebase import DicomBytesIO
    buf = DicomBytesIO()
    buf.is_little_endian, buf.is_implicit_VR = True, False
    pydicom.filewriter.write_dataset(buf, ds)
    body = buf.getvalue()
    cmd = _store_command(ds)
    sock.sendall(pdu(0x04, _pdv(1, 0x03, cmd)))
    sock.sendall(pdu(0x04, _pdv(1, 0x00, body[: len(body) // 2])))
    sock.sendall(pdu(0x07, b"\x00\x00\x00\x00"))
    sock.close()
    time.sleep(0.5)
    assert servers.started[-1].alive
    assert index_rows(data) == {}
    assert stored_files(data) == set()
    assert not list((data / "tmp").iterdir())


def _pdv(context: int, header: int, data: bytes) -> bytes:
    return (len(data) + 2).to_bytes(4, "big") + bytes([context, header]) + data


def _store_command(ds) -> bytes:
    def el(group, elem, value: bytes) -> bytes:
        if len(value) % 2:
            value += b"\x00"
        return group.to_bytes(2, "little") + elem.to_bytes(2, "little") + len(value).to_bytes(4, "little") + value
    body = (el(0, 0x0002, ds.SOPClassUID.encode()) + el(0, 0x0100, (1).to_bytes(2, "little"))
            + el(0, 0x0110, (1).to_bytes(2, "little")) + el(0, 0x0700, (0).to_bytes(2, "little"))
            + el(0, 0x0800, (0).to_bytes(2, "little")) + el(0, 0x1000, ds.SOPInstanceUID.encode()))
    return el(0, 0, len(body).to_bytes(4, "little")) + body
