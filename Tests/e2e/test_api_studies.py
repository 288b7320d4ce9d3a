"""The study part of the REST API and /metrics, against a server filled by DCMTK's storescu with
synthetic studies made by pydicom (several patients, dates, modalities; hostile text among the
values): search by each criterion checked against what pydicom reads from the files sent, paging
and sorting, details, downloads byte for byte, uploads found again by C-FIND, deletes, roles,
hostile parameters, and the answers checked against openapi/openapi.yaml."""
import copy
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pydicom
import pytest
import yaml
from jsonschema import Draft7Validator
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian

from api_client import ADMIN_PASSWORD, Server
from dicom_peers import DCMTK, HOST, run
from test_archive import split_part10, study_uids_found

ROOT = Path(__file__).resolve().parents[2]
CALLER = "STUDYSCU"
UID_ROOT = "1.2.826.0.1.3680043.10.5544."
CLASSES = {"CT": "1.2.840.10008.5.1.4.1.1.2", "MR": "1.2.840.10008.5.1.4.1.1.4", "US": "1.2.840.10008.5.1.4.1.1.6.1",
           "CR": "1.2.840.10008.5.1.4.1.1.1", "SR": "1.2.840.10008.5.1.4.1.1.88.11"}

# name, ID, birth date, sex
PATIENTS = [("Smith^John", "PID001", "19700101", "M"), ("SMITH^Jane", "PID002", "19800202", "F"),
            ("Smithson^Anna", "PID003", "19900303", "F"), ("Müller^Jürgen", "PID004", "19600404", "M"),
            ("O'Brien^Seán", "X'; DROP TABLE studies; --", "", "O"), ("<script>alert(1)</script>^Eve", "PID006", "20000101", "F")]
# patient, date, time, accession, description, [(modality, instances) per series]
STUDIES = [(0, "20240115", "101500", "ACC100", "CT CHEST", [("CT", 3), ("SR", 1)]),
           (0, "20240115", "091000", "ACC101", "ct abdomen", [("CT", 2)]),
           (1, "20240301", "120000", "ACC200", "MR brain follow-up", [("MR", 2), ("MR", 1)]),
           (2, "20231231", "235959", "B300", "100% knee_left", [("CR", 1)]),
           (3, "", "", "", "x' OR '1'='1", [("US", 2)]),
           (4, "20220606", "060606", "ACC400", "Thorax ÉCHO", [("US", 1), ("SR", 1)]),
           (5, "20240229", "000000", "ACC500", "<b>bold</b>", [("MR", 1)]),
           (1, "20240302", "080000", "ACC201", "MR BRAIN", [("MR", 1)])]


def make_file(path: Path, uids: dict, patient, study, modality: str, series_number: int, instance_number: int,
              syntax=ExplicitVRLittleEndian) -> Path:
    """A small instance written by pydicom: 64x64 16-bit pixels for images, none for SR."""
    name, pid, birth, sex = patient
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.SOPClassUID = CLASSES[modality]
    ds.SOPInstanceUID = uids["instance"]
    ds.StudyDate, ds.StudyTime, ds.AccessionNumber, ds.StudyDescription = study[1], study[2], study[3], study[4]
    ds.Modality = modality
    ds.PatientName, ds.PatientID, ds.PatientBirthDate, ds.PatientSex = name, pid, birth, sex
    ds.StudyInstanceUID, ds.SeriesInstanceUID = uids["study"], uids["series"]
    ds.StudyID, ds.SeriesNumber, ds.InstanceNumber = "1", series_number, instance_number
    if modality != "SR":
        ds.Rows = ds.Columns = 64
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
        ds.PixelData = bytes(range(256)) * 32
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID, ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPClassUID, ds.SOPInstanceUID
    ds.file_meta.TransferSyntaxUID = syntax
    ds.save_as(path, enforce_file_format=True)
    return path


@dataclass
class Sent:
    path: Path
    ds: pydicom.Dataset
    arrival: int  # position of the study's first instance in what was sent


@dataclass
class Filled:
    server: Server
    data: Path
    files: list  # Sent, in the order sent
    studies: dict  # Study Instance UID -> [Sent]
    admin: object  # an admin's client (API token)


def generate(folder: Path, prefix: str = "") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for s, study in enumerate(STUDIES):
        study_uid = f"{UID_ROOT}{prefix}1.{s + 1}"
        for n, (modality, count) in enumerate(study[5]):
            series_uid = f"{study_uid}.{n + 1}"
            for i in range(count):
                uids = {"study": study_uid, "series": series_uid, "instance": f"{series_uid}.{i + 1}"}
                # Series and instance numbers against the order sent, to see the lists sorted by number.
                paths.append(make_file(folder / f"{s}-{n}-{i}.dcm", uids, PATIENTS[study[0]], study, modality,
                                       len(study[5]) - n, count - i))
    return paths


def start(swiftpacs, data: Path) -> Server:
    s = Server(swiftpacs, data).start()
    r = s.admin().post("/api/peers", {"aeTitle": CALLER, "host": HOST, "port": 104})
    assert r.status == 201, r
    return s


def fast(s: Server, client):
    """A client authenticated by an API token of the same user: Basic checks the password's slow
    hash on every request, which the many requests of these tests do not need."""
    r = client.post("/api/tokens", {"name": "tests"})
    assert r.status == 201, r
    return s.client(bearer=r.json["token"])


def storescu(server: Server, *files):
    r = run([DCMTK["storescu"], "-v", "-aet", CALLER, "-aec", "SWIFTPACS", HOST, server.dicom_port, *files])
    assert r.returncode == 0 and (r.stdout + r.stderr).count("Received Store Response (Success)") == len(files), r.stderr[-2000:]


@pytest.fixture(scope="module")
def filled(swiftpacs, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("studies")
    paths = generate(tmp / "sent")
    server = start(swiftpacs, tmp / "data")
    storescu(server, *paths)
    files, studies, first = [], {}, {}
    for p in paths:
        ds = pydicom.dcmread(p)
        first.setdefault(ds.StudyInstanceUID, len(first))
        sent = Sent(p, ds, first[ds.StudyInstanceUID])
        files.append(sent)
        studies.setdefault(ds.StudyInstanceUID, []).append(sent)
    yield Filled(server, tmp / "data", files, studies, fast(server, server.admin()))
    server.stop()


# MARK: the contract


SPEC = yaml.safe_load((ROOT / "openapi" / "openapi.yaml").read_text())


def json_schema(name: str) -> dict:
    """components/schemas/<name> as JSON Schema: references resolved, OpenAPI's `nullable` as a null type."""
    def convert(node):
        if isinstance(node, list):
            return [convert(n) for n in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            return convert(copy.deepcopy(SPEC["components"]["schemas"][node["$ref"].split("/")[-1]]))
        out = {k: convert(v) for k, v in node.items() if k not in ("nullable", "example", "readOnly", "format")}
        if node.get("nullable"):
            out["type"] = [node["type"], "null"]
        return out
    return convert({"$ref": f"#/components/schemas/{name}"})


def conforms(value, name: str):
    errors = [f"{list(e.path)}: {e.message}" for e in Draft7Validator(json_schema(name)).iter_errors(value)]
    assert not errors, f"{name}: {errors[:5]}"


# MARK: reference matching (the rules openapi.yaml documents for GET /api/studies)


def pattern(p: str, flags=0):
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in p) + r"\Z", flags | re.S)


def wild(p: str) -> bool:
    return "*" in p or "?" in p


def matches(sent: list[Sent], q: dict) -> bool:
    ds = sent[0].ds
    if "patientName" in q:
        name, p = str(ds.PatientName).upper(), q["patientName"].upper()
        if not (pattern(p).match(name) if wild(p) else name.startswith(p)):
            return False
    for param, kw in (("patientId", "PatientID"), ("accessionNumber", "AccessionNumber")):
        if param in q:
            v, p = str(ds.get(kw, "")), q[param]
            if not (pattern(p).match(v) if wild(p) else v == p):
                return False
    if "studyDescription" in q:
        v, p = ds.StudyDescription.upper(), q["studyDescription"].upper()
        if not (pattern(p).match(v) if wild(p) else p in v):
            return False
    date = ds.StudyDate
    if "dateFrom" in q and not (date and date >= q["dateFrom"].replace("-", "")):
        return False
    if "dateTo" in q and not (date and date <= q["dateTo"].replace("-", "")):
        return False
    if "modality" in q:
        wanted = {m.strip().upper() for m in re.split(r"[,\\]", q["modality"])}
        if not wanted & {s.ds.Modality for s in sent}:
            return False
    return True


SEARCHES = [{}, {"patientName": "smith"}, {"patientName": "SMITH^J"}, {"patientName": "*son*"}, {"patientName": "smith^jan?"},
            {"patientName": "müller"}, {"patientName": "john"}, {"patientName": "<script>"}, {"patientId": "PID001"},
            {"patientId": "pid001"}, {"patientId": "PID00?"}, {"patientId": "X'; DROP TABLE studies; --"},
            {"accessionNumber": "ACC10*"}, {"accessionNumber": "B300"}, {"studyDescription": "brain"},
            {"studyDescription": "CT*"}, {"studyDescription": "100%"}, {"studyDescription": "n_e"},
            {"studyDescription": "' OR '1'='1"}, {"studyDescription": "échO"}, {"studyDescription": "ÉCHO"}, {"dateFrom": "20240115"},
            {"dateTo": "2024-01-15"}, {"dateFrom": "2024-01-01", "dateTo": "20240301"}, {"dateFrom": "2030-01-01"},
            {"modality": "SR"}, {"modality": "mr,cr"}, {"modality": "CT", "patientName": "smith", "dateTo": "20240115"}]


def search(client, **q) -> dict:
    from urllib.parse import urlencode
    r = client.get("/api/studies" + ("?" + urlencode(q) if q else ""))
    assert r.status == 200, (q, r)
    conforms(r.json, "StudyPage")
    return r.json


# MARK: tests


def test_every_study_is_listed_as_pydicom_reads_its_files(filled):
    admin = filled.admin
    page = search(admin, limit=1000)
    assert page["total"] == len(STUDIES) == len(page["studies"]) and page["offset"] == 0 and page["limit"] == 1000
    for study in page["studies"]:
        sent = filled.studies[study["studyInstanceUID"]]
        ds = sent[0].ds
        assert study["patientName"] == str(ds.PatientName) and study["patientId"] == ds.PatientID
        assert study["patientBirthDate"] == ds.PatientBirthDate and study["patientSex"] == ds.PatientSex
        assert (study["studyDate"], study["studyTime"]) == (ds.StudyDate, ds.StudyTime)
        assert study["accessionNumber"] == ds.AccessionNumber and study["studyDescription"] == ds.StudyDescription
        assert study["studyId"] == "1" and study["referringPhysicianName"] == ""
        assert study["modalities"] == sorted({s.ds.Modality for s in sent})
        assert study["seriesCount"] == len({s.ds.SeriesInstanceUID for s in sent})
        assert study["instanceCount"] == len(sent)
        detail = admin.get(f"/api/studies/{study['studyInstanceUID']}").json
        assert study["bytes"] == sum(s["bytes"] for s in detail["series"]) > 0
    assert search(admin)["limit"] == 100


@pytest.mark.parametrize("q", SEARCHES, ids=[repr(q) for q in SEARCHES])
def test_search_by_each_criterion(filled, q):
    page = search(filled.admin, limit=1000, **q)
    expected = {uid for uid, sent in filled.studies.items() if matches(sent, q)}
    assert {s["studyInstanceUID"] for s in page["studies"]} == expected
    assert page["total"] == len(expected)


SORT_KEYS = {"studyDate": lambda ds, s: (ds.StudyDate, ds.StudyTime), "patientName": lambda ds, s: str(ds.PatientName).upper().replace("^", " "),
             "patientId": lambda ds, s: ds.PatientID, "patientBirthDate": lambda ds, s: ds.PatientBirthDate,
             "accessionNumber": lambda ds, s: ds.AccessionNumber, "studyDescription": lambda ds, s: ds.StudyDescription.upper(),
             "receivedAt": lambda ds, s: s["receivedAt"]}


@pytest.mark.parametrize("sort", sorted(SORT_KEYS))
def test_pages_follow_the_sort_order(filled, sort):
    admin = filled.admin
    default_desc = sort in ("studyDate", "receivedAt")
    for order in ("asc", "desc", None):
        q = {"sort": sort, **({"order": order} if order else {})}
        whole = search(admin, limit=1000, **q)["studies"]
        desc = order == "desc" or (order is None and default_desc)
        expected = sorted(whole, key=lambda s: (SORT_KEYS[sort](filled.studies[s["studyInstanceUID"]][0].ds, s),
                                                filled.studies[s["studyInstanceUID"]][0].arrival), reverse=desc)
        assert [s["studyInstanceUID"] for s in whole] == [s["studyInstanceUID"] for s in expected], (sort, order)
        paged, offset = [], 0
        while True:
            page = search(admin, limit=3, offset=offset, **q)
            assert page["total"] == len(STUDIES) and page["offset"] == offset and page["limit"] == 3
            if not page["studies"]:
                break
            paged += page["studies"]
            offset += 3
        assert paged == whole
    assert search(admin, offset=len(STUDIES) + 5)["studies"] == []


def test_study_series_and_instance_details(filled):
    admin = filled.admin
    for study_uid, sent in filled.studies.items():
        r = admin.get(f"/api/studies/{study_uid}")
        assert r.status == 200, r
        conforms(r.json, "StudyDetail")
        numbers = [s["seriesNumber"] for s in r.json["series"]]
        assert numbers == sorted(numbers), "series by Series Number"
        assert {s["seriesInstanceUID"] for s in r.json["series"]} == {s.ds.SeriesInstanceUID for s in sent}
        for series in r.json["series"]:
            members = [s for s in sent if s.ds.SeriesInstanceUID == series["seriesInstanceUID"]]
            assert series["modality"] == members[0].ds.Modality and series["seriesNumber"] == members[0].ds.SeriesNumber
            assert series["instanceCount"] == len(members) and series["studyInstanceUID"] == study_uid
            rs = admin.get(f"/api/series/{series['seriesInstanceUID']}")
            assert rs.status == 200, rs
            conforms(rs.json, "SeriesDetail")
            assert {k: v for k, v in rs.json.items() if k != "instances"} == series
            instances = rs.json["instances"]
            assert [i["instanceNumber"] for i in instances] == sorted(m.ds.InstanceNumber for m in members)
            assert series["bytes"] == sum(i["size"] for i in instances)
            for i in instances:
                ds = next(m.ds for m in members if m.ds.SOPInstanceUID == i["sopInstanceUID"])
                assert i["sopClassUID"] == ds.SOPClassUID and i["transferSyntaxUID"] == ExplicitVRLittleEndian
                assert i["sourceAETitle"] == CALLER and i["seriesInstanceUID"] == series["seriesInstanceUID"]
                assert (i["rows"], i["columns"]) == ((64, 64) if ds.Modality != "SR" else (None, None))
                check_instance_detail(admin, i, ds)


def check_instance_detail(admin, summary, ds):
    r = admin.get(f"/api/instances/{summary['sopInstanceUID']}")
    assert r.status == 200, r
    conforms(r.json, "InstanceDetail")
    assert {k: v for k, v in r.json.items() if k in summary} == summary
    assert r.json["sopClassName"] == pydicom.uid.UID(ds.SOPClassUID).name
    assert r.json["transferSyntaxName"] == "Explicit VR Little Endian"
    image = ds.Modality != "SR"
    assert r.json["omittedBulkData"] == ([{"path": "7FE00010", "vr": "OW", "length": 8192}] if image else [])
    expected = ds.to_json_dict(bulk_data_threshold=1024, bulk_data_element_handler=lambda e: "omitted")
    expected = {k: v for k, v in expected.items() if "BulkDataURI" not in v}
    assert r.raw.decode().count('"dataSet":') == 1
    assert r.json["dataSet"] == expected


def stored_files(data: Path) -> dict:
    with sqlite3.connect(f"file:{data / 'index.sqlite'}?mode=ro", uri=True) as db:
        return {uid: data / "files" / f for uid, f in db.execute("SELECT sop_uid, file FROM instances")}


def test_download_is_the_stored_file(filled):
    admin = filled.admin
    on_disk = stored_files(filled.data)
    for sent in filled.files:
        uid = sent.ds.SOPInstanceUID
        r = admin.get(f"/api/instances/{uid}/file")
        assert r.status == 200, r
        assert r.raw == on_disk[uid].read_bytes()
        assert r.headers["Content-Type"] == "application/dicom" and int(r.headers["Content-Length"]) == len(r.raw)
        assert r.headers["Content-Disposition"] == f'attachment; filename="{uid}.dcm"'
        got = pydicom.dcmread(pydicom.filebase.DicomBytesIO(r.raw))
        assert got == sent.ds and got.file_meta.TransferSyntaxUID == ExplicitVRLittleEndian
        assert got.file_meta.SourceApplicationEntityTitle.strip() == CALLER
    part = admin.get(f"/api/instances/{filled.files[0].ds.SOPInstanceUID}/file", headers={"Range": "bytes=128-131"})
    assert part.status == 206 and part.raw == b"DICM"
    assert admin.get("/api/instances/1.2.3.4.5/file").error_code() == "not_found"


def test_credentials_and_roles(filled, tmp_path):
    s = filled.server
    uid = filled.files[0].ds.SOPInstanceUID
    anonymous = s.client()
    routes = [("GET", "/api/studies"), ("GET", f"/api/studies/{filled.files[0].ds.StudyInstanceUID}"),
              ("GET", f"/api/series/{filled.files[0].ds.SeriesInstanceUID}"), ("GET", f"/api/instances/{uid}"),
              ("GET", f"/api/instances/{uid}/file"), ("POST", "/api/instances"), ("DELETE", f"/api/instances/{uid}"),
              ("DELETE", f"/api/series/{filled.files[0].ds.SeriesInstanceUID}"),
              ("DELETE", f"/api/studies/{filled.files[0].ds.StudyInstanceUID}"), ("GET", "/metrics")]
    for method, path in routes:
        r = anonymous.request(method, path, raw=filled.files[0].path.read_bytes() if method == "POST" else None,
                              headers={"Content-Type": "application/dicom"} if method == "POST" else None)
        assert r.status == 401 and r.error_code() == "unauthorized", (method, path, r)
    admin = s.admin()
    assert admin.post("/api/users", {"username": "viewer", "password": "Viewer-pass-123"}).status == 201
    viewer = s.client(basic=("viewer", "Viewer-pass-123"))
    assert viewer.get("/api/studies").status == 200 and viewer.get(f"/api/instances/{uid}/file").status == 200
    for method, path in routes:
        if method == "DELETE":
            r = viewer.delete(path)
            assert r.status == 403 and r.error_code() == "forbidden", (path, r)
    r = viewer.post("/api/instances", raw=filled.files[0].path.read_bytes(), headers={"Content-Type": "application/dicom"})
    assert r.status == 403 and r.error_code() == "forbidden" and "canUpload" in r.json["error"]["message"]
    # A cookie session needs the CSRF token for a delete, like any change.
    browser = s.client()
    assert browser.login("admin", ADMIN_PASSWORD).status == 200
    assert browser.delete("/api/studies/1.2.3", csrf=False).error_code() == "csrf_failed"
    assert search(admin)["total"] == len(STUDIES)


HOSTILE = ["' OR '1'='1", "1; DROP TABLE studies; --", "\") OR 1=1 --", "<script>alert(1)</script>", "a\x00b", "%", "_", "[",
           "\\", "*" * 300, "x" * 256, "x" * 257, "é" * 200, "\ufeff", "\u202e", "../../etc/passwd", "1e9999", "-1",
           "99999999999999999999999", "nan", "2024-02-30", "0000-00-00"]


@pytest.mark.parametrize("param", ["patientName", "patientId", "dateFrom", "dateTo", "modality", "accessionNumber",
                                   "studyDescription", "limit", "offset", "sort", "order"])
def test_hostile_parameters_are_refused_or_used_as_data(filled, param):
    from urllib.parse import quote
    admin = filled.admin
    for value in HOSTILE + ["y" * (1 << 20)]:
        try:
            r = admin.get(f"/api/studies?{param}={quote(value, safe='')}")
        except (ConnectionResetError, BrokenPipeError):
            # The server refused the 1 MB request line (414) and closed while it was still being sent.
            assert len(value) > 8192
            continue
        assert r.status in (200, 400, 414), (param, value[:40], r)
        if r.status == 200:
            conforms(r.json, "StudyPage")
            assert r.json["total"] <= len(STUDIES)
        else:
            assert r.error_code() in ("invalid_parameter", "invalid_date", "invalid_query", "uri_too_long"), (param, value[:40], r)
            assert value not in r.raw.decode(errors="replace") or value in ("%", "_", "-1", "nan"), "nothing reflected raw"
    raw = admin.get(f"/api/studies?{param}=%E0%80%ZZ")
    assert raw.status == 400 and raw.error_code() == "invalid_query"
    assert search(admin)["total"] == len(STUDIES)
    assert admin.get("/api/system").json["counts"]["instances"] == len(filled.files)


def test_hostile_uids_in_paths(filled):
    from urllib.parse import quote
    admin = filled.admin
    for uid in [quote("' OR '1'='1"), "1.2.3%00", f"{filled.files[0].ds.StudyInstanceUID}%00x", "..%2F..%2Fetc%2Fpasswd",
                "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "*", "%25", "x" * 300, quote("é\\x"), "%C3%28"]:
        for path in (f"/api/studies/{uid}", f"/api/series/{uid}", f"/api/instances/{uid}", f"/api/instances/{uid}/file"):
            r = admin.get(path)
            # Not UTF-8 once decoded: the router refuses the path itself.
            expected = (400, "invalid_path") if uid == "%C3%28" else (404, "not_found")
            assert (r.status, r.error_code()) == expected, (path, r)
            assert "<script>" not in r.raw.decode()
        assert admin.delete(f"/api/studies/{uid}").status == expected[0]
    assert search(admin)["total"] == len(STUDIES)


@pytest.mark.parametrize("q, code, field", [
    ("dateFrom=2024-02-30", "invalid_date", "dateFrom"), ("dateFrom=20241301", "invalid_date", "dateFrom"),
    ("dateTo=2024-1-5", "invalid_date", "dateTo"), ("dateTo=yesterday", "invalid_date", "dateTo"),
    ("dateFrom=2024.01.01", "invalid_date", "dateFrom"), ("dateFrom=20240301&dateTo=20240101", "invalid_date_range", "dateTo"),
    ("limit=0", "invalid_parameter", "limit"), ("limit=1001", "invalid_parameter", "limit"), ("offset=-1", "invalid_parameter", "offset"),
    ("sort=nonsense", "invalid_parameter", "sort"), ("order=up", "invalid_parameter", "order"),
    ("modality=C%27T", "invalid_parameter", "modality")])
def test_bad_values_name_the_parameter(filled, q, code, field):
    r = filled.admin.get(f"/api/studies?{q}")
    assert r.status == 400 and r.json["error"]["code"] == code and r.json["error"]["field"] == field, r
    conforms(r.json, "Error")


def test_upload_store_find_download_and_delete(swiftpacs, tmp_path):
    s = start(swiftpacs, tmp_path / "data")
    try:
        admin = fast(s, s.admin())
        files = generate(tmp_path / "up", prefix="9.")
        first = files[0]
        ds = pydicom.dcmread(first)
        dicom = {"Content-Type": "application/dicom"}
        r = admin.post("/api/instances", raw=first.read_bytes(), headers=dicom)
        assert r.status == 201 and r.json["outcome"] == "stored", r
        conforms(r.json, "Uploaded")
        assert r.json["sopInstanceUID"] == ds.SOPInstanceUID and r.json["studyInstanceUID"] == ds.StudyInstanceUID
        assert r.json["sourceAETitle"] == "" and r.headers["Location"] == f"/api/instances/{ds.SOPInstanceUID}"
        again = admin.post("/api/instances", raw=first.read_bytes(), headers=dicom)
        assert again.status == 200 and again.json["outcome"] == "duplicateKept", again
        # An implicit VR little endian file, by a user with the upload right.
        assert admin.post("/api/users", {"username": "uploader", "password": "Upload-pass-123", "canUpload": True}).status == 201
        uploader = s.client(basic=("uploader", "Upload-pass-123"))
        implicit = make_file(tmp_path / "implicit.dcm", {"study": ds.StudyInstanceUID, "series": ds.SeriesInstanceUID + ".9",
                                                         "instance": ds.SeriesInstanceUID + ".9.1"},
                             PATIENTS[0], STUDIES[0], "CT", 9, 1, syntax=ImplicitVRLittleEndian)
        r = uploader.post("/api/instances", raw=implicit.read_bytes(), headers={"Content-Type": "Application/DICOM; charset=x"})
        assert r.status == 201 and r.json["transferSyntaxUID"] == ImplicitVRLittleEndian, r
        # Found by C-FIND and by the search.
        f = run([DCMTK["findscu"], "-v", "-S", "-aet", CALLER, "-aec", "SWIFTPACS", "-k", "QueryRetrieveLevel=STUDY",
                 "-k", f"StudyInstanceUID={ds.StudyInstanceUID}", "-k", "NumberOfStudyRelatedInstances", HOST, s.dicom_port])
        assert f.returncode == 0 and study_uids_found(f) == [ds.StudyInstanceUID], f.stderr[-2000:]
        assert re.search(r"\(0020,1208\) IS \[2\s*\]", f.stdout + f.stderr), f.stderr[-2000:]
        page = search(admin, patientId=ds.PatientID)
        assert [x["studyInstanceUID"] for x in page["studies"]] == [ds.StudyInstanceUID] and page["studies"][0]["instanceCount"] == 2
        # The download carries the uploaded data set byte for byte, under a file meta information of ours.
        for path in (first, implicit):
            uid = pydicom.dcmread(path, stop_before_pixels=True).SOPInstanceUID
            got = tmp_path / "got.dcm"
            got.write_bytes(admin.get(f"/api/instances/{uid}/file").raw)
            assert split_part10(got)[1] == split_part10(path)[1]
            got = got.read_bytes()
            assert pydicom.dcmread(pydicom.filebase.DicomBytesIO(got)) == pydicom.dcmread(path)
        # What is not a DICOM file is refused, and nothing is stored.
        data_set_only = split_part10(first)[1]
        head = first.read_bytes()[:132]
        cases = [(b"hello", dicom, 422, "not_dicom"), (b"", dicom, 422, "not_dicom"), (data_set_only, dicom, 422, "not_dicom"),
                 (head + b"\x02\x00\x10\x00UI\xff\x7f", dicom, 422, "invalid_dicom"),
                 (first.read_bytes()[:-100], dicom, 422, "invalid_dicom"),
                 (first.read_bytes(), {"Content-Type": "application/octet-stream"}, 415, "unsupported_media_type"),
                 (first.read_bytes(), {"Content-Type": "multipart/form-data; boundary=x"}, 415, "unsupported_media_type"),
                 (b'{"a": 1}', {"Content-Type": "application/json"}, 415, "unsupported_media_type")]
        no_sop = pydicom.dcmread(files[1])
        del no_sop.SOPInstanceUID
        no_sop.save_as(tmp_path / "nosop.dcm", enforce_file_format=True)
        cases.append(((tmp_path / "nosop.dcm").read_bytes(), dicom, 422, "invalid_instance"))
        for body, headers, status, code in cases:
            r = admin.post("/api/instances", raw=body, headers=headers)
            assert r.status == status and r.error_code() == code, (body[:20], r)
            conforms(r.json, "Error")
        assert admin.get("/api/system").json["counts"]["instances"] == 2
        assert not list((tmp_path / "data" / "tmp").iterdir()), "spooled uploads are removed"
        # Deleting: an instance, then a series, then a study; each answer says how many went.
        storescu(s, *files[1:])
        on_disk = stored_files(tmp_path / "data")
        by_uid = {pydicom.dcmread(p, stop_before_pixels=True).SOPInstanceUID: pydicom.dcmread(p, stop_before_pixels=True) for p in files}
        victim = files[1]
        vds = by_uid[pydicom.dcmread(victim, stop_before_pixels=True).SOPInstanceUID]
        r = admin.delete(f"/api/instances/{vds.SOPInstanceUID}")
        assert r.status == 200 and r.json == {"level": "instance", "uid": vds.SOPInstanceUID, "deletedInstances": 1}, r
        conforms(r.json, "Deleted")
        assert admin.get(f"/api/instances/{vds.SOPInstanceUID}").status == 404
        assert admin.get(f"/api/instances/{vds.SOPInstanceUID}/file").status == 404
        assert not on_disk[vds.SOPInstanceUID].exists(), "the file went with the row"
        assert admin.delete(f"/api/instances/{vds.SOPInstanceUID}").error_code() == "not_found"
        series = [d for d in by_uid.values() if d.SeriesInstanceUID == vds.SeriesInstanceUID and d.SOPInstanceUID != vds.SOPInstanceUID]
        r = admin.delete(f"/api/series/{vds.SeriesInstanceUID}")
        assert r.status == 200 and r.json["deletedInstances"] == len(series), r
        assert all(not on_disk[d.SOPInstanceUID].exists() for d in series)
        assert admin.get(f"/api/series/{vds.SeriesInstanceUID}").status == 404
        study = [d for d in by_uid.values() if d.StudyInstanceUID == vds.StudyInstanceUID and d.SeriesInstanceUID != vds.SeriesInstanceUID]
        r = admin.delete(f"/api/studies/{vds.StudyInstanceUID}")
        # The study also holds the implicit VR upload.
        assert r.status == 200 and r.json["deletedInstances"] == len(study) + 1, r
        assert admin.get(f"/api/studies/{vds.StudyInstanceUID}").status == 404
        assert search(admin, patientId=ds.PatientID)["total"] == 1, "the patient's other study stays"
        remaining = stored_files(tmp_path / "data")
        assert all(p.exists() for p in remaining.values()) and len(remaining) == admin.get("/api/system").json["counts"]["instances"]
        f = run([DCMTK["findscu"], "-v", "-S", "-aet", CALLER, "-aec", "SWIFTPACS", "-k", "QueryRetrieveLevel=STUDY",
                 "-k", f"StudyInstanceUID={vds.StudyInstanceUID}", HOST, s.dicom_port])
        assert f.returncode == 0 and study_uids_found(f) == [], f.stderr[-2000:]
    finally:
        s.stop()
    with sqlite3.connect(tmp_path / "data" / "logs.sqlite") as db:
        audit = db.execute("SELECT user, action, target, detail FROM audit ORDER BY id").fetchall()
    actions = [(a[1], a[2]) for a in audit]
    assert ("instance.upload", ds.SOPInstanceUID) in actions and ("instance.delete", vds.SOPInstanceUID) in actions
    assert ("series.delete", vds.SeriesInstanceUID) in actions and ("study.delete", vds.StudyInstanceUID) in actions
    assert ("instance.download", ds.SOPInstanceUID) in actions
    assert any(a[0] == "uploader" and a[1] == "instance.upload" for a in audit)
    assert [a[3] for a in audit if a[1] == "instance.upload"][:2] == ["stored", "duplicateKept"]


def parse_strictly(text: str) -> dict:
    """The exposition format 0.0.4 read strictly: every family has one HELP and one TYPE line
    before its samples, the samples of a family are together, names and label names are valid,
    label values are escaped, every line ends with a line feed. Returns {(name, labels): value}."""
    assert text.endswith("\n")
    name_re = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
    label_re = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
    sample_re = re.compile(rf"^({name_re})(?:\{{({label_re}(?:,{label_re})*)\}})? (\S+)$")
    families, current, samples = {}, None, {}
    for line in text[:-1].split("\n"):
        if line.startswith("# HELP "):
            name = line.split(" ")[2]
            assert re.fullmatch(name_re, name) and name not in families, line
            families[name] = {"help": True}
            current = name
        elif line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert name == current and "type" not in families[name] and kind in ("counter", "gauge"), line
            families[name]["type"] = kind
        else:
            m = sample_re.match(line)
            assert m and m.group(1) == current and "type" in families[current], line
            labels = tuple(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
            assert (m.group(1), labels) not in samples, line
            samples[(m.group(1), labels)] = float(m.group(3))
            if families[current]["type"] == "counter":
                assert current.endswith("_total") and samples[(m.group(1), labels)] >= 0, line
    return samples


def test_metrics(filled):
    from prometheus_client.parser import text_string_to_metric_families
    admin = filled.admin
    admin.get("/api/studies?limit=0")  # a 4xx to count
    r = admin.get("/metrics")
    assert r.status == 200 and r.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    text = r.raw.decode()
    samples = parse_strictly(text)
    families = {f.name: f for f in text_string_to_metric_families(text)}
    for name in ("swiftpacs_build_info", "swiftpacs_uptime_seconds", "swiftpacs_archive_instances", "swiftpacs_disk_free_bytes",
                 "swiftpacs_dicom_associations_active", "swiftpacs_http_requests"):
        assert name in families, name
    assert families["swiftpacs_http_requests"].type == "counter"
    system = admin.get("/api/system").json
    version = admin.get("/api/health").json["version"]
    assert samples[("swiftpacs_build_info", (("version", version),))] == 1
    for level in ("patients", "studies", "series", "instances"):
        assert samples[(f"swiftpacs_archive_{level}", ())] == system["counts"][level]
    assert samples[("swiftpacs_archive_instances", ())] == len(filled.files)
    assert samples[("swiftpacs_archive_stored_bytes", ())] == system["disk"]["bytesStored"]
    assert 0 < samples[("swiftpacs_disk_free_bytes", ())] <= samples[("swiftpacs_disk_total_bytes", ())]
    assert samples[("swiftpacs_uptime_seconds", ())] > 0
    assert samples[("swiftpacs_dicom_stores_total", (("outcome", "stored"),))] == len(filled.files)
    assert samples[("swiftpacs_dicom_requests_total", (("command", "C-STORE"),))] == len(filled.files)
    assert samples[("swiftpacs_dicom_associations_total", (("outcome", "accepted"),))] >= 1
    assert samples[("swiftpacs_dicom_stored_bytes_total", ())] > 0
    assert samples[("swiftpacs_http_requests_total", (("code", "2xx"),))] >= 1
    assert samples[("swiftpacs_http_requests_total", (("code", "4xx"),))] >= 1
    later = parse_strictly(admin.get("/metrics").raw.decode())
    assert later[("swiftpacs_http_requests_total", (("code", "2xx"),))] > samples[("swiftpacs_http_requests_total", (("code", "2xx"),))]
