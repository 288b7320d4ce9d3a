"""`swiftpacs serve` as an operator meets it: settings from flags and environment, one clear
line and a non-zero exit for what is wrong, a clean stop on SIGTERM, the health route."""
import json
import os
import signal
import subprocess
import time
import urllib.request

from dicom_peers import DCMTK, HOST, free_port, run


def start(swiftpacs, args, env=None, tmp_path=None):
    proc = subprocess.Popen([swiftpacs, "serve", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lines = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("HTTP:"):
            return proc, "".join(lines)
    proc.kill()
    raise AssertionError(f"serve did not start: {''.join(lines)} {proc.stderr.read()}")


def test_flags_health_and_clean_stop(swiftpacs, tmp_path):
    dicom, http = free_port(), free_port()
    proc, banner = start(swiftpacs, ["--data", str(tmp_path / "d"), "--aet", "MYPACS", "--dicom-port", str(dicom),
                                     "--http-port", str(http), "--host", HOST])
    try:
        assert f"AE title MYPACS listening on {HOST}:{dicom}" in banner
        health = json.loads(urllib.request.urlopen(f"http://{HOST}:{http}/api/health", timeout=5).read())
        assert health["status"] == "ok" and health["index"] is True and str(dicom) in health["dicom"]
        echo = run([DCMTK["echoscu"], "-aec", "MYPACS", HOST, str(dicom)])
        assert echo.returncode == 0, echo.stderr
        wrong = run([DCMTK["echoscu"], "-aec", "SWIFTPACS", HOST, str(dicom)])
        assert wrong.returncode != 0 and "Called AE Title Not Recognized" in wrong.stdout + wrong.stderr
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
    assert not (tmp_path / "d" / ".running").exists(), "a clean stop is recorded"


def test_environment_variables_and_flag_precedence(swiftpacs, tmp_path):
    dicom = free_port()
    env = dict(os.environ, SWIFTPACS_DATA=str(tmp_path / "e"), SWIFTPACS_AET="ENVAET", SWIFTPACS_DICOM_PORT="1",
               SWIFTPACS_HTTP_PORT="0", SWIFTPACS_HOST=HOST)
    proc, banner = start(swiftpacs, ["--dicom-port", str(dicom)], env=env)
    try:
        assert f"AE title ENVAET listening on {HOST}:{dicom}" in banner, banner
        assert "HTTP: disabled" in banner
        assert (tmp_path / "e" / "index.sqlite").exists()
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(15) == 0


def test_one_clear_line_and_non_zero_exit(swiftpacs, tmp_path):
    busy = free_port()
    holder = subprocess.Popen([DCMTK["storescp"], str(busy)], env=dict(os.environ, TCP_NODELAY="1"))
    try:
        time.sleep(0.5)
        cases = [
            (["--dicom-port", str(busy), "--http-port", "0"], 1, ["DICOM server cannot listen", "already in use", "--dicom-port"]),
            (["--dicom-port", "0", "--http-port", str(busy)], 1, ["web server cannot listen", "already in use", "--http-port"]),
            (["--dicom-port", "70000"], 2, ["not a port number", "0-65535"]),
            (["--aet", "TOO LONG AND SPACED"], 2, ["AE title", "--aet"]),
            (["--aet", "A" * 17], 2, ["at most 16"]),
            (["--bogus"], 2, ["unknown option", "--help"]),
        ]
        for args, code, words in cases:
            r = run([swiftpacs, "serve", "--data", str(tmp_path / "x"), *args], timeout=20)
            assert r.returncode == code, (args, r.stdout, r.stderr)
            err = r.stderr.strip()
            assert len(err.splitlines()) == 1, err
            for w in words:
                assert w in err, (args, err)
    finally:
        holder.kill()
    # A data directory that cannot be made (a file stands in the way).
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = run([swiftpacs, "serve", "--data", str(blocker / "data"), "--dicom-port", "0", "--http-port", "0"], timeout=20)
    assert r.returncode == 1 and "--data" in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_help_texts(swiftpacs):
    for cmd in ["serve", "dump", "echo", "store", "find", "move", "get", "peers"]:
        r = run([swiftpacs, cmd, "--help"])
        assert r.returncode == 0 and f"swiftpacs {cmd}" in r.stdout, cmd
    r = run([swiftpacs, "--help"])
    assert r.returncode == 0 and "peers" in r.stdout
    assert run([swiftpacs, "nonsense"]).returncode == 2


def test_one_server_per_data_directory_and_tools_beside_it(swiftpacs, tmp_path):
    data = tmp_path / "shared"
    proc, _ = start(swiftpacs, ["--data", str(data), "--dicom-port", str(free_port()), "--http-port", "0", "--host", HOST])
    try:
        second = run([swiftpacs, "serve", "--data", str(data), "--dicom-port", str(free_port()), "--http-port", "0"], timeout=20)
        assert second.returncode == 1 and "already using the data directory" in second.stderr, second.stderr
        # A tool may run beside the server: it neither sweeps nor clears the server's marker.
        part = data / "tmp" / "in-progress.part"
        part.write_bytes(b"a write in progress")
        added = run([swiftpacs, "peers", "add", "--data", str(data), "--aet", "CT1", "--host", "127.0.0.1", "--port", "104"])
        assert added.returncode == 0, added.stderr
        assert part.exists(), "a tool swept the running server's write in progress"
        assert (data / ".running").exists()
        mode = (data / "index.sqlite").stat().st_mode & 0o777
        assert mode & 0o077 == 0, f"index.sqlite is readable by others ({oct(mode)})"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
