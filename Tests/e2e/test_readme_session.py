"""The README's curl session runs as written against a real server, with a DCMTK storescp as
the peer it adds and echoes, and leaves what it says it does."""
import os
import re
import subprocess
from pathlib import Path

from api_client import ADMIN_PASSWORD, Server
from dicom_peers import HOST, free_port

README = Path(__file__).resolve().parents[2] / "README.md"


def session_script() -> str:
    text = README.read_text()
    m = re.search(r"<!-- curl-session -->\n```sh\n(.*?)\n```", text, re.S)
    assert m, "README.md has no block after <!-- curl-session -->"
    return m.group(1)


def test_readme_curl_session(swiftpacs, servers, pydicom_data, tmp_path):
    peer = servers.storescp(tmp_path / "received", aet="WORKSTATION")
    s = Server(swiftpacs, tmp_path / "d").start()
    try:
        source = pydicom_data / "test_files" / "CT_small.dcm"
        env = dict(os.environ, PACS=f"http://{HOST}:{s.http_port}", PEER_HOST=HOST, PEER_PORT=str(peer.port),
                   FILE=str(source), SWIFTPACS_ADMIN_PASSWORD=ADMIN_PASSWORD)
        r = subprocess.run(["bash", "-euo", "pipefail", "-c", session_script()], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stdout + r.stderr
        out = r.stdout
        assert '"success":true' in out, out
        assert f"{HOST}:{s.dicom_port}" in out, out
        import pydicom
        ds = pydicom.dcmread(source)
        assert str(ds.StudyInstanceUID) in out and "CT" in out, out
        saved = tmp_path / f"{ds.SOPInstanceUID}.dcm"
        assert f"saved {saved.name}" in out and saved.exists()
        back = pydicom.dcmread(saved)
        assert back.SOPInstanceUID == ds.SOPInstanceUID and back.PixelData == ds.PixelData
        # The AE title really changed: an echo to the old one is refused, to the new one answered.
        old = subprocess.run(["/usr/bin/echoscu", "-aec", "SWIFTPACS", HOST, str(s.dicom_port)], capture_output=True,
                             env={"TCP_NODELAY": "1"})
        new = subprocess.run(["/usr/bin/echoscu", "-aec", "MAINPACS", HOST, str(s.dicom_port)], capture_output=True,
                             env={"TCP_NODELAY": "1"})
        assert old.returncode != 0 and new.returncode == 0
    finally:
        s.stop()
