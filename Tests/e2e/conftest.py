"""Shared fixtures of the end-to-end suites: the built binary and real test data."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def swiftpacs() -> str:
    """Path of the swiftpacs binary under test (SWIFTPACS_BIN, else the debug build)."""
    path = os.environ.get("SWIFTPACS_BIN") or str(ROOT / ".build" / "debug" / "swiftpacs")
    if not os.path.exists(path):
        subprocess.run(["swift", "build", "--product", "swiftpacs"], cwd=ROOT, check=True)
    return path


@pytest.fixture(scope="session")
def bench(swiftpacs) -> str:
    """Path of swiftpacs-bench (SWIFTPACS_BENCH_BIN, else beside the swiftpacs binary under
    test, else the debug build), whose `scp` command runs our acceptor with in-memory handlers."""
    path = os.environ.get("SWIFTPACS_BENCH_BIN") or str(Path(swiftpacs).parent / "swiftpacs-bench")
    if not os.path.exists(path):
        path = str(ROOT / ".build" / "debug" / "swiftpacs-bench")
        if not os.path.exists(path):
            subprocess.run(["swift", "build", "--product", "swiftpacs-bench"], cwd=ROOT, check=True)
    return path


@pytest.fixture
def servers(bench, tmp_path):
    """Starts DICOM peers for one test (see dicom_peers.Servers); all stopped at teardown."""
    from dicom_peers import Servers
    group = Servers(bench, tmp_path)
    yield group
    group.stop_all()


@pytest.fixture(scope="session")
def pydicom_data() -> Path:
    import pydicom
    return Path(pydicom.__file__).parent / "data"


@pytest.fixture(scope="session")
def dcmdump() -> str:
    path = "/usr/bin/dcmdump"
    if not os.path.exists(path):
        pytest.fail("DCMTK's dcmdump is missing: run `make test`, which installs the dcmtk package")
    return path


def run(cmd, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=120, **kw)


@pytest.fixture(scope="module")
def corpus(pydicom_data):
    """The readable files of pydicom's test set (dicom_peers.readable_corpus)."""
    from dicom_peers import readable_corpus
    files = readable_corpus(pydicom_data)
    assert len(files) >= 50, f"only {len(files)} readable files in pydicom's test_files"
    return files


@pytest.fixture(scope="module")
def module_servers(bench, tmp_path_factory):
    """Peers shared by one test module; all stopped at its end."""
    from dicom_peers import Servers
    group = Servers(bench, tmp_path_factory.mktemp("servers"))
    yield group
    group.stop_all()
