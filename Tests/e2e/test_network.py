"""The network layer against real DICOM peers: DCMTK's tools and servers, pynetdicom, and hostile
raw-socket peers, with our acceptor (`swiftpacs-bench scp`, in-memory handlers) and our SCU
commands (`swiftpacs echo|store|find|move|get`). Everything runs on 127.0.0.1."""
from __future__ import annotations

import re
import socket
import struct
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pydicom
import pytest

from dicom_peers import (DCMTK, HOST, UNCOMPRESSED, PynetdicomSCP, Servers, associate_rq, closed_by_peer,
                         compare_files, connect, dataset_differences, echo_pdata, last_by_uid, make_large_instance,
                         pdu, proc_status, read_pdu, readable_corpus, received_by_uid, rewritten_by_dcmtk, run)

# pydicom warns about the oddities of its own test files (implicit VR where explicit is declared,
# invalid UIDs); they are what the corpus is for.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

# storescu's option that proposes a transfer syntax. With -R, storescu proposes only the SOP classes
# of the files it sends: each with the file's transfer syntax on one context (and, on other
# contexts, the uncompressed ones as DCMTK's fallback; its -xf profiles, which could leave those
# out, cannot be combined with -R). The tests check that each file went out in its own syntax.
PROPOSE = {"1.2.840.10008.1.2": "-xi", "1.2.840.10008.1.2.1": "-xe", "1.2.840.10008.1.2.2": "-xb",
           "1.2.840.10008.1.2.1.99": "-xd", "1.2.840.10008.1.2.5": "-xr", "1.2.840.10008.1.2.4.50": "-xy",
           "1.2.840.10008.1.2.4.51": "-xx", "1.2.840.10008.1.2.4.70": "-xs", "1.2.840.10008.1.2.4.80": "-xt",
           "1.2.840.10008.1.2.4.81": "-xu", "1.2.840.10008.1.2.4.90": "-xv", "1.2.840.10008.1.2.4.91": "-xw"}
ECHO_OK = "Received Echo Response (Success)"


def out(r) -> str:
    return r.stdout + r.stderr


def echoscu(port, aec="TESTSCP", *extra, timeout=20):
    return run([DCMTK["echoscu"], "-v", "-to", "10", "-aec", aec, *extra, HOST, port], timeout=timeout)


def assert_echo_ok(port, aec="TESTSCP"):
    r = echoscu(port, aec)
    assert r.returncode == 0 and ECHO_OK in out(r), out(r)


def ours(swiftpacs, command, port, *args, aec="TESTSCP", timeout=60):
    return run([swiftpacs, command, "--aec", aec, "--timeout", "20", HOST, port, *args], timeout=timeout)


def found_values(text: str, keyword_tag: str) -> list[str]:
    """Values of one tag ("gggg,eeee") in `swiftpacs find` output."""
    return re.findall(r"^\(" + keyword_tag + r"\) \w\w \[([^\]]*)\]", text, re.M | re.I)


def assert_same_files(received: dict, expected: dict, what: str, ignore=None):
    """Every expected instance arrived once and equals the original (group 0002 excluded)."""
    assert set(received) == set(expected), (f"{what}: missing {sorted(set(expected) - set(received))[:5]}, "
                                            f"unexpected {sorted(set(received) - set(expected))[:5]}")
    problems = []
    for uid, paths in received.items():
        if len(paths) != 1:
            problems.append(f"{uid}: received {len(paths)} times")
            continue
        diffs = compare_files(paths[0], expected[uid].path, ignore=ignore)
        if diffs:
            problems.append(f"{expected[uid].path.name}: " + "; ".join(diffs))
    assert not problems, f"{what}:\n" + "\n".join(problems)


def clear(folder: Path):
    for p in folder.iterdir():
        if p.is_file():
            p.unlink()


# MARK: fixtures


@dataclass
class Loaded:
    """Our SCP as DCMTK's storescu filled it. What it holds went through storescu, so comparisons
    leave out what storescu rewrites (`rewritten_by_dcmtk`); our own `swiftpacs store` keeps
    those elements, which the tests of section 2 and 3 compare strictly."""
    scp: object
    storescp: object
    moved: Path
    outcomes: dict  # path -> CompletedProcess of storescu
    sent: list  # instances DCMTK sent
    dcmtk_unreadable: list  # instances storescu refused to read (before any association)
    expected: dict  # SOP Instance UID -> instance the SCP holds (the last one sent)


@pytest.fixture(scope="module")
def loaded(module_servers, corpus, tmp_path_factory):
    """Our SCP filled by DCMTK's storescu -R, one file per run, each proposing only the file's SOP
    class in its own transfer syntax; a DCMTK storescp is its C-MOVE destination STORESCP."""
    moved = tmp_path_factory.mktemp("moved")
    storescp = module_servers.storescp(moved, aet="STORESCP")
    scp = module_servers.scp(peers={"STORESCP": storescp.port})
    outcomes, sent, unreadable = {}, [], []
    for inst in corpus:
        r = run([DCMTK["storescu"], "-v", "-R", PROPOSE[inst.transfer_syntax], "-aec", scp.aet, HOST, scp.port, inst.path])
        outcomes[inst.path] = r
        if "Requesting Association" not in out(r) and "missing SOP class" in out(r):
            unreadable.append(inst)
        elif r.returncode == 0 and "Received Store Response (Success)" in out(r):
            sent.append(inst)
    return Loaded(scp, storescp, moved, outcomes, sent, unreadable, last_by_uid(sent))


# MARK: 1. DCMTK clients against our acceptor


def test_echoscu_against_our_scp(servers):
    scp = servers.scp()
    r = echoscu(scp.port)
    assert r.returncode == 0, out(r)
    assert ECHO_OK in out(r) and "Association Accepted" in out(r)


def test_storescu_every_readable_file(loaded, corpus, swiftpacs):
    failures = []
    for inst in corpus:
        r = loaded.outcomes[inst.path]
        if inst in loaded.dcmtk_unreadable:
            continue
        text = out(r)
        if r.returncode != 0 or text.count("Received Store Response (Success)") != 1:
            failures.append(f"{inst.path.name}: exit {r.returncode}: {text[-400:]}")
            continue
        # DCMTK sent the data set in the file's own transfer syntax, on the context of exactly it.
        conversions = re.findall(r"Converting transfer syntax: (.*) -> (.*)", text)
        if any(a.strip() != b.strip() for a, b in conversions):
            failures.append(f"{inst.path.name}: sent converted: {conversions}")
    assert not failures, "\n".join(failures)
    # DCMTK refuses a few of pydicom's odd files itself, before any association; `swiftpacs store`
    # sends them in test_our_store_every_file_to_storescp.
    assert len(loaded.dcmtk_unreadable) <= 5, [i.path.name for i in loaded.dcmtk_unreadable]
    for inst in loaded.dcmtk_unreadable:
        assert "Requesting Association" not in out(loaded.outcomes[inst.path])

    # Every instance is there, found by its SOP Instance UID alone and in the universal query.
    every = ours(swiftpacs, "find", loaded.scp.port, "--level", "IMAGE", "-k", "SOPInstanceUID=")
    assert every.returncode == 0, out(every)
    assert sorted(found_values(every.stdout, "0008,0018")) == sorted(loaded.expected), every.stdout[-2000:]
    missing = []
    for uid in sorted(loaded.expected):
        r = ours(swiftpacs, "find", loaded.scp.port, "--level", "IMAGE", "-k", f"SOPInstanceUID={uid}")
        if r.returncode != 0 or found_values(r.stdout, "0008,0018") != [uid]:
            missing.append(f"{uid}: {out(r)[-300:]}")
    assert not missing, "\n".join(missing)


def expected_matches(expected: dict, level_key: str, **filters) -> set[str]:
    from dicom_peers import wildcard
    keys = set()
    for inst in expected.values():
        ds = pydicom.dcmread(inst.path, stop_before_pixels=True)
        if all(any(wildcard(w, str(ds.get(k, "") or "")) for w in v.split("\\")) for k, v in filters.items()):
            keys.add(str(ds.get(level_key, "") or ""))
    return keys


FINDS = [
    # model, level, filters, returned key
    ("-S", "STUDY", {"PatientID": "4MR1"}, "StudyInstanceUID"),
    ("-S", "STUDY", {"PatientID": "id*"}, "StudyInstanceUID"),
    ("-S", "SERIES", {"PatientID": "ID1"}, "SeriesInstanceUID"),
    ("-S", "IMAGE", {"PatientID": "ID1"}, "SOPInstanceUID"),
    ("-S", "IMAGE", {"Modality": "RTDOSE"}, "SOPInstanceUID"),
    ("-P", "PATIENT", {"PatientID": "*"}, "PatientID"),
    ("-P", "PATIENT", {"PatientID": "1CT1\\4MR1\\NOBODY"}, "PatientID"),
    ("-P", "STUDY", {"PatientID": "13US1"}, "StudyInstanceUID"),
]


@pytest.mark.parametrize("model,level,filters,key", FINDS, ids=lambda v: str(v) if not isinstance(v, dict) else ",".join(f"{k}={x}" for k, x in v.items()))
def test_findscu_against_our_scp(loaded, tmp_path, model, level, filters, key):
    want = expected_matches(loaded.expected, key, **filters)
    assert want, "the query should match something"
    args = [DCMTK["findscu"], "-v", model, "-aec", loaded.scp.aet, "-X", "-od", tmp_path,
            "-k", f"QueryRetrieveLevel={level}", "-k", key]
    for k, v in filters.items():
        args += ["-k", f"{k}={v}"]
    if key != "PatientID" and "PatientID" not in filters:
        args += ["-k", "PatientID"]
    r = run(args + [HOST, loaded.scp.port])
    assert r.returncode == 0, out(r)
    got = []
    for p in sorted(tmp_path.glob("rsp*.dcm")):
        ds = pydicom.dcmread(p)
        assert ds.QueryRetrieveLevel == level
        got.append(str(ds.get(key, "")))
        if "PatientID" in filters and "*" not in filters["PatientID"] and "\\" not in filters["PatientID"]:
            assert ds.PatientID == filters["PatientID"]
    assert sorted(got) == sorted(want), out(r)[-1500:]


def test_movescu_study_to_storescp(loaded):
    clear(loaded.moved)
    study = next(i.study for i in loaded.expected.values() if i.patient_id == "ID1")
    want = {u: i for u, i in loaded.expected.items() if i.study == study}
    assert len(want) >= 3
    r = run([DCMTK["movescu"], "-v", "-S", "-aec", loaded.scp.aet, "-aem", "STORESCP",
             "-k", "QueryRetrieveLevel=STUDY", "-k", f"StudyInstanceUID={study}", HOST, loaded.scp.port])
    assert r.returncode == 0, out(r)
    assert "Received Final Move Response (Success)" in out(r), out(r)[-1500:]
    assert_same_files(received_by_uid(loaded.moved), want, "moved study", ignore=rewritten_by_dcmtk)


def test_movescu_every_instance_to_storescp(loaded):
    """Every instance (all the transfer syntaxes) by a list of SOP Instance UIDs at IMAGE level."""
    clear(loaded.moved)
    r = run([DCMTK["movescu"], "-v", "-S", "-aec", loaded.scp.aet, "-aem", "STORESCP",
             "-k", "QueryRetrieveLevel=IMAGE", "-k", "SOPInstanceUID=" + "\\".join(sorted(loaded.expected)),
             HOST, loaded.scp.port])
    assert r.returncode == 0, out(r)
    assert "Received Final Move Response (Success)" in out(r), out(r)[-1500:]
    assert_same_files(received_by_uid(loaded.moved), loaded.expected, "moved instances", ignore=rewritten_by_dcmtk)


def test_getscu_into_folder(loaded, tmp_path):
    """getscu accepts the uncompressed syntaxes: retrieve the studies held only uncompressed
    (big endian ones arrive converted to little endian, equal element by element)."""
    studies = {}
    for inst in loaded.expected.values():
        if inst.study:
            studies.setdefault(inst.study, []).append(inst)
    chosen = [s for s, insts in studies.items() if all(i.transfer_syntax in UNCOMPRESSED for i in insts)]
    assert len(chosen) >= 3
    want = {i.sop_instance: i for s in chosen for i in studies[s]}
    assert {i.transfer_syntax for i in want.values()} == UNCOMPRESSED
    r = run([DCMTK["getscu"], "-v", "-S", "-aec", loaded.scp.aet, "-od", tmp_path,
             "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + "\\".join(chosen), HOST, loaded.scp.port])
    assert r.returncode == 0, out(r)
    assert "Received C-GET Response (Success)" in out(r), out(r)[-1500:]
    assert re.search(rf"Number of Completed Suboperations : {len(want)}\n", out(r)), out(r)[-600:]
    assert re.search(r"Number of Failed Suboperations +: 0\n", out(r)), out(r)[-600:]
    assert_same_files(received_by_uid(tmp_path), want, "C-GET by getscu", ignore=rewritten_by_dcmtk)


# MARK: 2. our SCU commands against DCMTK's servers


def test_our_store_every_file_to_storescp(servers, swiftpacs, corpus, tmp_path):
    received = tmp_path / "in"
    scp = servers.storescp(received, args=("+xa", "+B", "+uf"))
    r = ours(swiftpacs, "store", scp.port, *[i.path for i in corpus], aec="STORESCP", timeout=120)
    assert r.returncode == 0, out(r)[-2000:]
    assert f"stored {len(corpus)} of {len(corpus)} files" in r.stdout, out(r)[-2000:]
    files = [p for p in received.iterdir() if p.is_file()]
    assert len(files) == len(corpus), f"storescp wrote {len(files)} files for {len(corpus)} sent"
    # Files sharing a SOP Instance UID: each received one equals one of the originals of that UID.
    originals: dict[str, list] = {}
    for inst in corpus:
        originals.setdefault(inst.sop_instance, []).append(inst.path)
    problems = []
    for uid, paths in received_by_uid(received).items():
        left = list(originals.get(uid, []))
        for p in paths:
            match = next((o for o in left if not compare_files(p, o)), None)
            if match is None:
                first = left[0] if left else None
                problems.append(f"{p.name}: equals no original of {uid}" + (f": {compare_files(p, first)}" if first else ""))
            else:
                left.remove(match)
    assert not problems, "\n".join(problems[:10])


QR_FILES = ["CT_small.dcm", "MR_small.dcm", "examples_overlay.dcm", "liver_1frame.dcm", "rtplan.dcm",
            "waveform_ecg.dcm", "rtdose_1frame.dcm", "reportsi.dcm"]


@pytest.fixture(scope="module")
def qr(module_servers, swiftpacs, pydicom_data, tmp_path_factory):
    """dcmqrscp (AE QRSCP) knowing our AE titles and a storescp (STORESCP), filled by `swiftpacs store`."""
    moved = tmp_path_factory.mktemp("qr-moved")
    storescp = module_servers.storescp(moved, aet="STORESCP")
    dcmqrscp = module_servers.dcmqrscp(tmp_path_factory.mktemp("qr-db"),
                                       {"SWIFTPACS": 11999, "STORESCP": storescp.port})
    files = [p for p in (pydicom_data / "test_files").rglob("*.dcm") if p.name in QR_FILES]
    assert len(files) == len(QR_FILES)
    r = ours(swiftpacs, "store", dcmqrscp.port, *files, aec="QRSCP")
    instances = {i.sop_instance: i for i in readable_corpus(pydicom_data) if i.path.name in QR_FILES}
    return dcmqrscp, storescp, moved, r, instances


def test_our_store_fills_dcmqrscp(qr):
    _, _, _, r, instances = qr
    assert r.returncode == 0, out(r)
    assert f"stored {len(QR_FILES)} of {len(QR_FILES)} files" in r.stdout


def test_our_echo_against_dcmqrscp(qr, swiftpacs):
    r = ours(swiftpacs, "echo", qr[0].port, aec="QRSCP")
    assert r.returncode == 0 and "success" in r.stdout, out(r)


def by_name(instances: dict, name: str):
    return next(i for i in instances.values() if i.path.name == name)


# model, level, keys (a value "{CT_small.dcm.study}" names an attribute of a stored file), returned key
QR_FINDS = [
    ("study", "STUDY", {"PatientID": "*"}, "StudyInstanceUID"),
    ("study", "SERIES", {"StudyInstanceUID": "{CT_small.dcm.study}"}, "SeriesInstanceUID"),
    ("patient", "PATIENT", {"PatientID": "id*"}, "PatientID"),
    ("patient", "STUDY", {"PatientID": "4MR1"}, "StudyInstanceUID"),
    ("patient", "IMAGE", {"PatientID": "id11111", "StudyInstanceUID": "{rtdose_1frame.dcm.study}",
                          "SeriesInstanceUID": "{rtdose_1frame.dcm.series}"}, "SOPInstanceUID"),
]


@pytest.mark.parametrize("model,level,filters,key", QR_FINDS, ids=[f"{m}-{l}" for m, l, _, _ in QR_FINDS])
def test_our_find_against_dcmqrscp(qr, swiftpacs, model, level, filters, key):
    dcmqrscp, _, _, _, instances = qr
    def resolve(v):
        m = re.fullmatch(r"\{(.+)\.(\w+)\}", v)
        return getattr(by_name(instances, m.group(1)), m.group(2)) if m else v
    filters = {k: resolve(v) for k, v in filters.items()}
    args = ["--model", model, "--level", level]
    if key not in filters:
        args += ["-k", f"{key}="]
    for k, v in filters.items():
        args += ["-k", f"{k}={v}"]
    r = ours(swiftpacs, "find", dcmqrscp.port, *args, aec="QRSCP")
    assert r.returncode == 0, out(r)
    want = expected_matches(instances, key, **filters)
    assert want
    tag = pydicom.datadict.tag_for_keyword(key)
    got = found_values(r.stdout, f"{tag >> 16:04x},{tag & 0xFFFF:04x}")
    assert sorted(got) == sorted(want), r.stdout[-2000:]
    assert re.search(rf"{len(want)} match(es)?; 0x0000 Success", r.stdout), r.stdout[-300:]


def test_our_move_from_dcmqrscp_to_storescp(qr, swiftpacs):
    dcmqrscp, storescp, moved, _, instances = qr
    clear(moved)
    mr = next(i for i in instances.values() if i.path.name == "MR_small.dcm")
    ct = next(i for i in instances.values() if i.path.name == "CT_small.dcm")
    r = ours(swiftpacs, "move", dcmqrscp.port, "--dest", "STORESCP", "--level", "STUDY",
             "-k", f"StudyInstanceUID={mr.study}\\{ct.study}", aec="QRSCP")
    assert r.returncode == 0, out(r)
    assert "moved to STORESCP: 2 completed, 0 failed, 0 warnings" in r.stdout, r.stdout
    assert_same_files(received_by_uid(moved), {mr.sop_instance: mr, ct.sop_instance: ct}, "C-MOVE from dcmqrscp", ignore=rewritten_by_dcmtk)
    # An unknown destination is refused by dcmqrscp, and we say so.
    bad = ours(swiftpacs, "move", dcmqrscp.port, "--dest", "NOWHERE", "--level", "STUDY",
               "-k", f"StudyInstanceUID={mr.study}", aec="QRSCP")
    assert bad.returncode == 1 and "move destination unknown" in bad.stderr, out(bad)
    assert len(bad.stderr.strip().splitlines()) == 1, bad.stderr


def test_our_get_from_dcmqrscp(qr, swiftpacs, tmp_path):
    dcmqrscp, _, _, _, instances = qr
    patient = {i.sop_instance: i for i in instances.values() if i.patient_id == "id11111"}
    assert patient
    r = ours(swiftpacs, "get", dcmqrscp.port, "--model", "patient", "--level", "PATIENT", "--out", tmp_path,
             "-k", "PatientID=id11111", aec="QRSCP")
    assert r.returncode == 0, out(r)
    assert f"{len(patient)} completed, 0 failed" in r.stdout, r.stdout
    assert_same_files(received_by_uid(tmp_path), patient, "C-GET from dcmqrscp", ignore=rewritten_by_dcmtk)


# MARK: 3. pynetdicom


@pytest.fixture
def pynet(servers, pydicom_data):
    """A pynetdicom AE holding CT_small, MR_small and rtplan in memory."""
    names = {"CT_small.dcm", "MR_small.dcm", "rtplan.dcm"}
    paths = [p for p in (pydicom_data / "test_files").glob("*.dcm") if p.name in names]
    scp = PynetdicomSCP(instances=[pydicom.dcmread(p) for p in paths])
    servers.pynet.append(scp)
    scp.paths = {str(pydicom.dcmread(p, stop_before_pixels=True).SOPInstanceUID): p for p in paths}
    return scp


def test_our_echo_against_pynetdicom(pynet, swiftpacs):
    r = ours(swiftpacs, "echo", pynet.port, aec=pynet.aet)
    assert r.returncode == 0 and "success" in r.stdout, out(r)


def test_our_store_against_pynetdicom(pynet, swiftpacs, corpus):
    r = ours(swiftpacs, "store", pynet.port, *[i.path for i in corpus], aec=pynet.aet, timeout=120)
    assert r.returncode == 0, out(r)[-2000:]
    latest = last_by_uid(corpus)
    assert set(latest) <= set(pynet.stored)
    problems = []
    for uid, inst in latest.items():
        diffs = dataset_differences(pynet.stored[uid], pydicom.dcmread(inst.path))
        if diffs:
            problems.append(f"{inst.path.name}: {diffs}")
    assert not problems, "\n".join(problems[:10])


def test_our_find_against_pynetdicom(pynet, swiftpacs):
    r = ours(swiftpacs, "find", pynet.port, "--level", "STUDY", "-k", "PatientID=*MR*", "-k", "StudyInstanceUID=",
             "-k", "PatientName=", aec=pynet.aet)
    assert r.returncode == 0, out(r)
    assert found_values(r.stdout, "0010,0020") == ["4MR1"], r.stdout
    mr = pydicom.dcmread(next(p for p in pynet.paths.values() if p.name == "MR_small.dcm"))
    assert found_values(r.stdout, "0020,000D") == [mr.StudyInstanceUID]
    assert found_values(r.stdout, "0010,0010") == [str(mr.PatientName)]
    every = ours(swiftpacs, "find", pynet.port, "--model", "patient", "--level", "PATIENT", "-k", "PatientID=", aec=pynet.aet)
    assert every.returncode == 0 and sorted(found_values(every.stdout, "0010,0020")) == ["1CT1", "4MR1", "id00001"], out(every)


def test_our_get_against_pynetdicom(pynet, swiftpacs, tmp_path):
    r = ours(swiftpacs, "get", pynet.port, "--level", "PATIENT", "--model", "patient", "--out", tmp_path,
             "-k", "PatientID=1CT1\\id00001", aec=pynet.aet)
    assert r.returncode == 0, out(r)
    assert "2 completed, 0 failed" in r.stdout, r.stdout
    from dicom_peers import Instance
    want = {u: Instance(p, "", u, "", "", "", "") for u, p in pynet.paths.items() if p.name != "MR_small.dcm"}
    assert_same_files(received_by_uid(tmp_path), want, "C-GET from pynetdicom")


def pynet_scu(port, contexts, ae_title="TESTSCP", roles=(), handlers=None, calling="PYNETSCU"):
    from pynetdicom import AE, build_role
    ae = AE(ae_title=calling)
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 20
    for c in contexts:
        if isinstance(c, tuple):
            ae.add_requested_context(*c)
        else:
            ae.add_requested_context(c)
    ext = [build_role(c, scp_role=True) for c in roles]
    return ae.associate(HOST, port, ae_title=ae_title, ext_neg=ext, evt_handlers=handlers or [])


def test_pynetdicom_scu_against_our_scp(servers, pydicom_data, tmp_path):
    from pynetdicom import evt
    from pynetdicom.sop_class import (CTImageStorage, MRImageStorage, RTPlanStorage,
                                      PatientRootQueryRetrieveInformationModelGet,
                                      StudyRootQueryRetrieveInformationModelFind, Verification)
    scp = servers.scp()
    files = {n: pydicom.dcmread(pydicom_data / "test_files" / n) for n in ("CT_small.dcm", "MR_small.dcm", "rtplan.dcm")}
    ts = [str(ds.file_meta.TransferSyntaxUID) for ds in files.values()]
    assoc = pynet_scu(scp.port, [Verification, (CTImageStorage, ts), (MRImageStorage, ts), (RTPlanStorage, ts),
                                 StudyRootQueryRetrieveInformationModelFind])
    assert assoc.is_established
    try:
        assert assoc.send_c_echo().Status == 0x0000
        for name, ds in files.items():
            status = assoc.send_c_store(ds)
            assert status and status.Status == 0x0000, (name, status)
        q = pydicom.Dataset()
        q.QueryRetrieveLevel = "STUDY"
        q.PatientID = "*"
        q.StudyInstanceUID = ""
        answers = [(s.Status, i) for s, i in assoc.send_c_find(q, StudyRootQueryRetrieveInformationModelFind)]
        assert answers[-1][0] == 0x0000
        assert sorted(str(i.PatientID) for s, i in answers[:-1]) == ["1CT1", "4MR1", "id00001"]
    finally:
        assoc.release()

    # C-GET with SCP/SCU role selection: our SCP sends the instances back on the same association.
    got = {}

    def on_store(event):
        ds = event.dataset
        got[str(ds.SOPInstanceUID)] = ds
        return 0x0000
    assoc = pynet_scu(scp.port, [PatientRootQueryRetrieveInformationModelGet, CTImageStorage, MRImageStorage, RTPlanStorage],
                      roles=[CTImageStorage, MRImageStorage, RTPlanStorage], handlers=[(evt.EVT_C_STORE, on_store)])
    assert assoc.is_established
    try:
        q = pydicom.Dataset()
        q.QueryRetrieveLevel = "PATIENT"
        q.PatientID = "1CT1\\4MR1"
        statuses = [s for s, _ in assoc.send_c_get(q, PatientRootQueryRetrieveInformationModelGet)]
        assert statuses[-1].Status == 0x0000
        assert statuses[-1].get("NumberOfFailedSuboperations", 0) == 0
        assert statuses[-1].NumberOfCompletedSuboperations == 2
    finally:
        assoc.release()
    want = {str(files[n].SOPInstanceUID): files[n] for n in ("CT_small.dcm", "MR_small.dcm")}
    assert set(got) == set(want)
    for uid, ds in got.items():
        assert not dataset_differences(ds, want[uid]), dataset_differences(ds, want[uid])


# MARK: 4. maximum PDU sizes


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    return make_large_instance(tmp_path_factory.mktemp("large") / "large.dcm", 2.0)


@pytest.mark.parametrize("their_pdu", [4096, 16384, 131072], ids=lambda n: f"storescp{n}")
@pytest.mark.parametrize("our_pdu", [4096, 1048576], ids=lambda n: f"ours{n}")
def test_our_store_pdu_sizes(servers, swiftpacs, pydicom_data, large, tmp_path, our_pdu, their_pdu):
    """storescp aborts on a P-DATA-TF larger than its maximum ("DUL Illegal PDU Length"), so a
    success shows that we split at the size it announced."""
    received = tmp_path / "in"
    scp = servers.storescp(received, args=("+xa", "+B", "--max-pdu", str(their_pdu)))
    ct = pydicom_data / "test_files" / "CT_small.dcm"
    r = ours(swiftpacs, "store", scp.port, "--max-pdu", str(our_pdu), large, ct, aec="STORESCP")
    assert r.returncode == 0, out(r)
    got = received_by_uid(received)
    want = {str(pydicom.dcmread(p, stop_before_pixels=True).SOPInstanceUID): p for p in (large, ct)}
    assert set(got) == set(want)
    for uid, paths in got.items():
        assert not compare_files(paths[0], want[uid])
    assert pydicom.dcmread(got[next(u for u, p in want.items() if p == large)][0]).PixelData == pydicom.dcmread(large).PixelData


@pytest.mark.parametrize("scp_pdu", [16384, 1048576], ids=lambda n: f"ours{n}")
@pytest.mark.parametrize("their_pdu", [4096, 16384, 131072], ids=lambda n: f"storescu{n}")
def test_storescu_pdu_sizes(servers, large, tmp_path, scp_pdu, their_pdu):
    scp = servers.scp(args=["--max-pdu", str(scp_pdu)])
    r = run([DCMTK["storescu"], "-v", "-R", "-xe", "--max-pdu", str(their_pdu), "-aec", scp.aet, HOST, scp.port, large])
    assert r.returncode == 0 and "Received Store Response (Success)" in out(r), out(r)
    # We announce our maximum (pynetdicom reports it as is); DCMTK sends P-DATA-TF no larger than
    # that, within its own cap of 128 KiB (its PDV: the PDU maximum less 12 header bytes).
    from pynetdicom.sop_class import Verification
    assoc = pynet_scu(scp.port, [Verification])
    try:
        assert assoc.is_established and assoc.acceptor.maximum_length == scp_pdu
    finally:
        assoc.release()
    m = re.search(r"Association Accepted \(Max Send PDV: (\d+)\)", out(r))
    assert m and int(m.group(1)) == min(scp_pdu, 131072) - 12, out(r)
    # Back with getscu at its PDU size: the 2 MB instance arrives intact.
    uid = str(pydicom.dcmread(large, stop_before_pixels=True).SOPInstanceUID)
    g = run([DCMTK["getscu"], "-v", "-S", "--max-pdu", str(their_pdu), "-aec", scp.aet, "-od", tmp_path,
             "-k", "QueryRetrieveLevel=IMAGE", "-k", f"SOPInstanceUID={uid}", HOST, scp.port])
    assert g.returncode == 0, out(g)
    got = received_by_uid(tmp_path)
    assert list(got) == [uid]
    assert not compare_files(got[uid][0], large)


# MARK: 5. rejections that real clients understand


def test_wrong_called_ae_title(servers, swiftpacs):
    scp = servers.scp()
    r = echoscu(scp.port, "WRONG")
    assert r.returncode != 0
    assert "Called AE Title Not Recognized" in out(r), out(r)
    assert "Rejected Permanent" in out(r)
    o = ours(swiftpacs, "echo", scp.port, aec="WRONG")
    assert o.returncode == 1 and not o.stdout.strip(), out(o)
    assert len(o.stderr.strip().splitlines()) == 1 and "called AE title not recognised" in o.stderr, o.stderr


def test_unknown_calling_ae_title(servers, swiftpacs):
    scp = servers.scp(peers={"FRIEND": 11999}, args=["--known-only"])
    r = echoscu(scp.port, "TESTSCP")
    assert r.returncode != 0
    assert "Calling AE Title Not Recognized" in out(r), out(r)
    o = ours(swiftpacs, "echo", scp.port)
    assert o.returncode == 1 and len(o.stderr.strip().splitlines()) == 1, out(o)
    assert "calling AE title not recognised" in o.stderr, o.stderr
    friend = run([swiftpacs, "echo", "--aet", "FRIEND", "--aec", "TESTSCP", HOST, scp.port], timeout=30)
    assert friend.returncode == 0, out(friend)


def test_no_acceptable_presentation_context(servers, swiftpacs):
    scp = servers.scp()
    r = run([DCMTK["findscu"], "-v", "-W", "-aec", scp.aet, "-k", "PatientName=", HOST, scp.port])
    assert r.returncode != 0
    assert "No Acceptable Presentation Contexts" in out(r), out(r)
    # Our echo against a peer that serves no verification: exit 1 and the reason in one line.
    peer = PynetdicomSCP(aet="NOECHO", verification=False)
    servers.pynet.append(peer)
    o = ours(swiftpacs, "echo", peer.port, aec="NOECHO")
    assert o.returncode == 1 and len(o.stderr.strip().splitlines()) == 1, out(o)
    assert "no accepted presentation context for verification" in o.stderr, o.stderr
    assert_echo_ok(scp.port)


def test_too_many_associations(servers, swiftpacs):
    from pynetdicom.sop_class import Verification
    scp = servers.scp(args=["--max-associations", "1"])
    held = pynet_scu(scp.port, [Verification])
    assert held.is_established
    try:
        r = echoscu(scp.port)
        assert r.returncode != 0
        assert "Rejected Transient" in out(r) and "Local Limit Exceeded" in out(r), out(r)
        assert "Source: Service Provider (Presentation Related)" in out(r), out(r)
        o = ours(swiftpacs, "echo", scp.port)
        assert o.returncode == 1 and len(o.stderr.strip().splitlines()) == 1, out(o)
        assert "transient" in o.stderr and "local limit exceeded" in o.stderr, o.stderr
    finally:
        held.release()
    # The slot is free again once the held association is released.
    deadline = time.monotonic() + 5
    while True:
        r = echoscu(scp.port)
        if r.returncode == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert r.returncode == 0, out(r)


# MARK: 6. hostile peers


def assert_aborted(s, or_rejected=False):
    """The server answers A-ABORT (or A-ASSOCIATE-RJ), never A-ASSOCIATE-AC. Then it closes, or
    waits (ARTIM, PS3.8 Sta13) for us to close as the standard has it; we close."""
    reply = read_pdu(s)
    assert reply is not None, "the server closed without A-ABORT"
    assert reply[0] == 0x07 or (or_rejected and reply[0] == 0x03), reply
    if reply[0] == 0x07:
        assert len(reply[1]) == 4, reply  # reserved, reserved, source, reason


def hostile_truncated_header(port):
    with connect(port) as s:
        s.sendall(b"\x01\x00\x00\x00")  # half a PDU header, then end of stream
        s.shutdown(socket.SHUT_WR)
        assert closed_by_peer(s)


def hostile_truncated_body(port):
    rq = associate_rq()
    with connect(port) as s:
        s.sendall(rq[: len(rq) // 2])
        s.shutdown(socket.SHUT_WR)
        reply = read_pdu(s)
        assert reply is None or reply[0] == 0x07, reply  # nothing, or A-ABORT; never an A-ASSOCIATE-AC
        assert closed_by_peer(s)


def hostile_unknown_pdu_type(port):
    with connect(port) as s:
        s.sendall(pdu(0x09, b"\0" * 10))
        assert_aborted(s)


def hostile_item_lengths_past_end(port):
    rq = bytearray(associate_rq())
    # The first item (application context, at 6 + 68) claims far more bytes than the PDU holds.
    assert rq[74] == 0x10
    rq[76:78] = struct.pack(">H", 0xFFF0)
    with connect(port) as s:
        s.sendall(bytes(rq))
        assert_aborted(s, or_rejected=True)


def hostile_pdata_before_association(port):
    with connect(port) as s:
        s.sendall(echo_pdata())
        assert_aborted(s)


def hostile_silent_peer(port):
    """A connection that sends nothing holds only itself: others are served meanwhile."""
    with connect(port) as s:
        assert_echo_ok(port)
        assert_echo_ok(port)
        s.settimeout(0.2)
        with pytest.raises(socket.timeout):
            s.recv(1)  # the server is still waiting (ARTIM 30 s), not closing


def hostile_stops_mid_message(port):
    """Associated, then half a P-DATA-TF, then silence: others are served meanwhile."""
    with connect(port) as s:
        s.sendall(associate_rq())
        reply = read_pdu(s)
        assert reply is not None and reply[0] == 0x02, reply
        data = echo_pdata()
        s.sendall(data[:20])
        assert_echo_ok(port)
    with connect(port) as s:  # and a message cut inside the PDV, the PDU header announcing more
        s.sendall(associate_rq())
        assert read_pdu(s)[0] == 0x02
        s.sendall(data[:-10])
        assert_echo_ok(port)


def hostile_huge_associate_rq(port):
    """A well-formed 2 MiB A-ASSOCIATE-RQ (32 contexts of 64 KiB abstract syntax names) is refused."""
    name = "1.2." + "9" * 65000
    contexts = [(2 * i + 1, name, ["1.2.840.10008.1.2"]) for i in range(33)]
    rq = associate_rq(contexts=contexts)
    assert len(rq) > 2 << 20
    with connect(port) as s:
        s.settimeout(5)
        try:
            s.sendall(rq)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            pass
        try:
            reply = read_pdu(s)
        except (socket.timeout, OSError):
            reply = None
        assert reply is None or reply[0] in (0x03, 0x07), reply[0]


def hostile_many_at_once(port, n=50):
    """n associations open at the same time (all established before any echo), all served."""
    from pynetdicom.sop_class import Verification
    barrier = threading.Barrier(n, timeout=30)
    results = [None] * n

    def one(i):
        try:
            assoc = pynet_scu(port, [Verification], calling=f"MANY{i}")
            if not assoc.is_established:
                results[i] = "not established"
                barrier.abort()
                return
            barrier.wait()
            status = assoc.send_c_echo()
            assoc.release()
            results[i] = "ok" if status and status.Status == 0 else f"status {status}"
        except Exception as e:
            results[i] = repr(e)
    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results == ["ok"] * n, [r for r in results if r != "ok"][:5]


HOSTILE = [hostile_truncated_header, hostile_truncated_body, hostile_unknown_pdu_type, hostile_item_lengths_past_end,
           hostile_pdata_before_association, hostile_silent_peer, hostile_stops_mid_message,
           hostile_huge_associate_rq, hostile_many_at_once]


@pytest.mark.parametrize("peer", HOSTILE, ids=lambda f: f.__name__.removeprefix("hostile_"))
def test_hostile_peer(servers, peer):
    scp = servers.scp()
    peer(scp.port)
    assert_echo_ok(scp.port)
    assert scp.alive()


def wait_threads(pid, at_most, timeout=10.0):
    deadline = time.monotonic() + timeout
    while True:
        status = proc_status(pid)
        if status["Threads"] <= at_most or time.monotonic() > deadline:
            return status
        time.sleep(0.05)


def test_hostile_sequence_leaves_no_threads_or_memory(servers):
    scp = servers.scp()
    assert_echo_ok(scp.port)  # warm up: the first association allocates what every one reuses
    before = wait_threads(scp.pid, 2)  # the main thread and the accepting thread
    for peer in HOSTILE:
        peer(scp.port)
        assert_echo_ok(scp.port)
    after = wait_threads(scp.pid, before["Threads"] + 2)
    assert after["Threads"] <= before["Threads"] + 2, (before, after)
    assert after["VmRSS"] - before["VmRSS"] < 20 * 1024, (before, after)
    assert scp.alive()
