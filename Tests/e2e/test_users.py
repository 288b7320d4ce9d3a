"""Web users from the command line (`swiftpacs user ...`) and the first-run admin of
`swiftpacs serve`: what is stored is a PBKDF2 hash that Python's hashlib can check, never
the password; errors are one clear line with exit 2 (usage) or 1 (refused)."""
import base64
import hashlib
import hmac
import os
import pty
import re
import select
import signal
import socket
import sqlite3
import subprocess
import time

from dicom_peers import free_port, run
from test_serve import start


def user(swiftpacs, data, *args, password=None, env=None):
    """Runs `swiftpacs user ARGS --data DATA`, with `password` on standard input if given."""
    cmd = [swiftpacs, "user", *args, "--data", str(data)]
    if password is not None:
        cmd.append("--password-stdin")
    return subprocess.run(cmd, input=None if password is None else password + "\n", capture_output=True, text=True,
                          timeout=60, env=env, stdin=subprocess.DEVNULL if password is None else None)


def stored(data):
    """username -> (role, enabled, can_send, can_upload, password_hash), read straight from the index."""
    with sqlite3.connect(f"file:{data}/index.sqlite?mode=ro", uri=True) as db:
        rows = db.execute("SELECT username, role, enabled, can_send, can_upload, password_hash FROM users").fetchall()
    return {r[0]: r[1:] for r in rows}


def matches(password, encoded):
    """Checks a stored hash with hashlib, independently of the server's code."""
    scheme, iterations, salt, key = encoded.split("$")
    assert scheme == "pbkdf2-sha256" and int(iterations) >= 600_000, encoded
    salt, key = base64.b64decode(salt, validate=True), base64.b64decode(key, validate=True)
    assert len(salt) == 16 and len(key) == 32
    return hmac.compare_digest(hashlib.pbkdf2_hmac("sha256", password.encode(), salt, int(iterations)), key)


def database_bytes(data):
    return b"".join(p.read_bytes() for p in data.glob("index.sqlite*"))


def one_line(r):
    err = r.stderr.strip()
    assert len(err.splitlines()) == 1, err
    return err


def test_add_list_passwd_remove(swiftpacs, tmp_path):
    data = tmp_path / "d"
    r = user(swiftpacs, data, "list")
    assert r.returncode == 1 and "no data directory" in one_line(r) and "--data" in r.stderr

    r = user(swiftpacs, data, "add", "alice", password="alice-first-pw")
    assert r.returncode == 0 and r.stdout.strip() == "added user alice (role user)", r.stderr
    r = user(swiftpacs, data, "add", "bob.smith@example", "--role", "admin", password="bob-password-1")
    assert r.returncode == 0 and "role admin" in r.stdout, r.stderr
    r = user(swiftpacs, data, "add", "--can-send", "--can-upload", "carol", password="carol-password")
    assert r.returncode == 0, r.stderr

    rows = stored(data)
    assert rows["alice"][:4] == ("user", 1, 0, 0)
    assert rows["bob.smith@example"][0] == "admin"
    assert rows["carol"][:4] == ("user", 1, 1, 1)
    assert matches("alice-first-pw", rows["alice"][4]) and not matches("alice-first-px", rows["alice"][4])
    assert rows["alice"][4] != rows["carol"][4]

    r = user(swiftpacs, data, "list")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["USERNAME", "ROLE", "ENABLED", "RIGHTS"]
    assert [l.split() for l in lines[1:]] == [["alice", "user", "yes", "portal"],
                                              ["bob.smith@example", "admin", "yes", "all"],
                                              ["carol", "user", "yes", "portal,send,upload"]]
    assert "pbkdf2" not in r.stdout and "password" not in r.stdout.lower()

    r = user(swiftpacs, data, "passwd", "alice", password="alice-second-pw")
    assert r.returncode == 0 and "changed the password of alice" in r.stdout, r.stderr
    new_hash = stored(data)["alice"][4]
    assert matches("alice-second-pw", new_hash) and not matches("alice-first-pw", new_hash)

    blob = database_bytes(data)
    for secret in ["alice-first-pw", "alice-second-pw", "bob-password-1", "carol-password"]:
        assert secret.encode() not in blob, secret

    r = user(swiftpacs, data, "remove", "carol")
    assert r.returncode == 0 and r.stdout.strip() == "removed user carol", r.stderr
    assert set(stored(data)) == {"alice", "bob.smith@example"}

    # SWIFTPACS_DATA names the directory when --data is not given.
    r = subprocess.run([swiftpacs, "user", "list"], capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, SWIFTPACS_DATA=str(data)))
    assert r.returncode == 0 and "alice" in r.stdout and "carol" not in r.stdout


def test_errors_are_one_clear_line(swiftpacs, tmp_path):
    data = tmp_path / "d"
    assert user(swiftpacs, data, "add", "root", "--role", "admin", password="root-password").returncode == 0
    cases = [
        (["add", "root"], "root-password", 1, ["already exists"]),
        (["add", "dan"], "short", 2, ["at least 8 characters"]),
        (["add", "danny-boy"], "Danny-Boy", 2, ["may not be the username"]),
        (["add", "bad name"], "long-enough", 2, ["username takes only"]),
        (["add", "x" * 65], "long-enough", 2, ["at most 64"]),
        (["add", "dan"], "", 2, ["no password given"]),
        (["add", "dan"], None, 2, ["not a terminal", "--password-stdin"]),
        (["add", "dan", "--role", "boss"], "long-enough", 2, ["--role takes admin or user"]),
        (["add", "dan", "eve"], "long-enough", 2, ["one username only"]),
        (["add"], "long-enough", 2, ["give the username"]),
        (["passwd", "nobody"], "long-enough", 1, ["no user 'nobody'"]),
        (["passwd", "root", "--role", "user"], "long-enough", 2, ["--role does not apply to 'passwd'"]),
        (["remove", "nobody"], None, 1, ["no user 'nobody'"]),
        (["remove", "root"], None, 1, ["last enabled admin"]),
        (["list", "root"], None, 2, ["list takes no username"]),
        (["frobnicate"], None, 2, ["add, passwd, list or remove"]),
        (["add", "dan", "--bogus"], None, 2, ["unknown option '--bogus'", "--help"]),
    ]
    for args, password, code, words in cases:
        r = user(swiftpacs, data, *args, password=password)
        assert r.returncode == code, (args, r.stdout, r.stderr)
        err = one_line(r)
        assert err.startswith("swiftpacs user"), err
        for w in words:
            assert w in err, (args, err)
    assert set(stored(data)) == {"root"}, "nothing was added by the refusals"


def test_help(swiftpacs):
    r = run([swiftpacs, "user", "--help"])
    assert r.returncode == 0 and "swiftpacs user add" in r.stdout and "--password-stdin" in r.stdout
    r = run([swiftpacs, "--help"])
    assert r.returncode == 0 and re.search(r"^\s+user\s", r.stdout, re.M)


def with_terminal(cmd, answers, timeout=30):
    """Runs `cmd` with a pseudo-terminal as standard input and error, typing each answer
    after each password prompt. Returns (exit code, what the terminal showed, stdout)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(cmd, stdin=slave, stderr=slave, stdout=subprocess.PIPE, text=False)
    os.close(slave)
    shown, sent = b"", 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the other side is closed
                break
            if not chunk:
                break
            shown += chunk
            while sent < len(answers) and shown.count(b"Password for") > sent:
                os.write(master, answers[sent].encode() + b"\n")
                sent += 1
        elif proc.poll() is not None:
            break
    code = proc.wait(timeout=10)
    out = proc.stdout.read().decode()
    os.close(master)
    return code, shown.decode(errors="replace"), out


def test_password_typed_at_a_terminal_is_not_echoed(swiftpacs, tmp_path):
    data = tmp_path / "d"
    code, shown, out = with_terminal([swiftpacs, "user", "add", "--data", str(data), "tty-user"],
                                     ["typed-secret-1", "typed-secret-1"])
    assert code == 0, shown
    assert "Password for tty-user: " in shown and "(again)" in shown
    assert "typed-secret-1" not in shown, "the password was echoed"
    assert "added user tty-user" in out
    assert matches("typed-secret-1", stored(data)["tty-user"][4])

    code, shown, out = with_terminal([swiftpacs, "user", "passwd", "--data", str(data), "tty-user"],
                                     ["typed-secret-2", "typed-secret-3"])
    assert code == 1 and "the two passwords differ" in shown, shown
    assert matches("typed-secret-1", stored(data)["tty-user"][4]), "nothing changed"


def test_serve_creates_the_first_admin_once(swiftpacs, tmp_path):
    data = tmp_path / "d"
    args = ["--data", str(data), "--dicom-port", str(free_port()), "--http-port", "0", "--host", "127.0.0.1"]
    env = {k: v for k, v in os.environ.items() if k != "SWIFTPACS_ADMIN_PASSWORD"}
    proc, banner = start(swiftpacs, args, env=env)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(15) == 0
    found = re.findall(r"^created user admin with password (\S+) — change it after logging in$", banner, re.M)
    assert len(found) == 1, banner
    password = found[0]
    assert len(password) >= 16 and password.isalnum()
    role, enabled, *_, encoded = stored(data)["admin"]
    assert role == "admin" and enabled == 1 and matches(password, encoded)
    assert password.encode() not in database_bytes(data)

    # The next start finds a user and says nothing about passwords.
    proc, banner = start(swiftpacs, args, env=env)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(15) == 0
    assert "created user" not in banner and "password" not in banner, banner
    assert list(stored(data)) == ["admin"]


def test_serve_takes_the_admin_password_from_the_environment(swiftpacs, tmp_path):
    data = tmp_path / "d"
    args = ["--data", str(data), "--dicom-port", "0", "--http-port", "0"]
    r = run([swiftpacs, "serve", *args], env=dict(os.environ, SWIFTPACS_ADMIN_PASSWORD="short"), timeout=20)
    assert r.returncode == 1, r.stdout
    err = one_line(r)
    assert "SWIFTPACS_ADMIN_PASSWORD" in err and "at least 8 characters" in err and "short" not in err
    assert not (data / "index.sqlite").exists() or stored(data) == {}

    proc, banner = start(swiftpacs, args, env=dict(os.environ, SWIFTPACS_ADMIN_PASSWORD="From-The-Env-42"))
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(15) == 0
    assert "created user admin with the password from SWIFTPACS_ADMIN_PASSWORD" in banner, banner
    assert "From-The-Env-42" not in banner
    assert matches("From-The-Env-42", stored(data)["admin"][4])

    # Users made with the CLI before the first start: no admin is added.
    other = tmp_path / "o"
    assert user(swiftpacs, other, "add", "ops", "--role", "admin", password="ops-password").returncode == 0
    proc, banner = start(swiftpacs, ["--data", str(other), "--dicom-port", "0", "--http-port", "0"])
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(15) == 0
    assert "created user" not in banner and list(stored(other)) == ["ops"]


def test_the_password_is_shown_even_when_serve_then_fails(swiftpacs, tmp_path):
    data = tmp_path / "d"
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if k != "SWIFTPACS_ADMIN_PASSWORD"}
        r = run([swiftpacs, "serve", "--data", str(data), "--host", "127.0.0.1", "--dicom-port", str(port), "--http-port", "0"],
                env=env, timeout=20)
    assert r.returncode == 1 and "DICOM server cannot listen" in one_line(r)
    found = re.findall(r"^created user admin with password (\S+) — change it after logging in$", r.stdout, re.M)
    assert len(found) == 1 and matches(found[0], stored(data)["admin"][4]), r.stdout
