"""`python -m readiness editor hash` run as an administrator would: by a script, at a terminal."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time

import pytest

from readiness.paths import REPO_ROOT
from readiness.store.accounts import EditorAccounts, verify_password

PASSWORD = "correct horse battery"


def test_hash_from_stdin_verifies_and_is_ready_to_paste(cli):
    out = cli("editor", "hash", "--password-stdin", "--name", "ana", stdin=PASSWORD + "\n")
    assert out.code == 0, out.err
    (hashed,) = out.out.splitlines()
    assert hashed.startswith("$argon2id$") and verify_password(hashed, PASSWORD)
    assert not verify_password(hashed, PASSWORD + "\n")  # the line ending is not part of it
    assert PASSWORD not in out.out + out.err
    assert f'[editors]\nana = "{hashed}"' in out.err
    env_line = next(line for line in out.err.splitlines() if line.startswith("READINESS_EDITORS="))
    assert env_line == f"READINESS_EDITORS='ana:{hashed}'"
    pasted = env_line.split("=", 1)[1].strip("'")
    assert EditorAccounts.from_env(pasted).check("ana", PASSWORD) == "ana"


def test_names_that_toml_must_quote_are_quoted(cli):
    out = cli("editor", "hash", "--password-stdin", "--name", "ana@itu.int", stdin=PASSWORD)
    assert out.code == 0, out.err
    assert f'"ana@itu.int" = "{out.out.strip()}"' in out.err


@pytest.mark.parametrize(
    ("stdin", "args", "message"),
    [
        ("\n", (), "the password is empty"),
        ("", (), "the password is empty"),
        ("eleven char\n", (), "too short: use at least 12 characters"),
        (PASSWORD, ("--name", "a b"), "an editor's name has 1 to 64"),
    ],
)
def test_bad_input_exits_2_with_one_line(cli, stdin, args, message):
    out = cli("editor", "hash", "--password-stdin", *args, stdin=stdin)
    assert out.code == 2
    assert out.out == "" and message in out.err and "Traceback" not in out.err
    assert len(out.err.strip().splitlines()) == 1


def _command() -> list[str]:
    return [sys.executable, "-m", "readiness", "editor", "hash", "--name", "ana"]


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(REPO_ROOT))


def test_without_a_terminal_it_refuses_rather_than_echo():
    proc = subprocess.run(
        _command(),
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=_env(),
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # no controlling terminal: getpass would fall back to echoing
        timeout=60,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert "no terminal to ask for the password without showing it" in proc.stderr
    assert "--password-stdin" in proc.stderr


def _at_terminal(first: str, second: str) -> tuple[int, str]:
    """Run the command on a pseudo-terminal, answer both prompts; exit code and all it showed."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the terminal is its controlling terminal
        os.chdir(REPO_ROOT)
        os.execve(sys.executable, _command(), _env())
    prompts = (b"New editor password: ", b"The same password again: ")
    shown, answers, answered = b"", (first, second), 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
        if answered < len(prompts) and prompts[answered] in shown:
            os.write(fd, answers[answered].encode() + b"\n")
            answered += 1
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), shown.decode(errors="replace")


def test_at_a_terminal_it_asks_twice_and_never_echoes():
    code, shown = _at_terminal(PASSWORD, PASSWORD)
    assert code == 0, shown
    assert "New editor password: " in shown and "The same password again: " in shown
    assert PASSWORD not in shown
    hashed = next(line for line in shown.splitlines() if line.startswith("$argon2id$"))
    assert verify_password(hashed.strip(), PASSWORD)


def test_at_a_terminal_two_different_passwords_exit_2():
    code, shown = _at_terminal(PASSWORD, PASSWORD + "!")
    assert code == 2
    assert "the two passwords differ: nothing was hashed" in shown
    assert "$argon2" not in shown and PASSWORD not in shown
