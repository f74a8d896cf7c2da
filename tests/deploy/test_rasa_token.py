"""Rasa's HTTP API token: the image does not start Rasa without one, and no Rasa process that
`make run` or the image starts shows it on its command line (which `ps` shows every user of
the machine). The process test looks at the Rasa server of the test session's stack, started
as `make run` starts it."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import List

from scripts import stack

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "kijk-niet-mee-3f9a1c"


def image_command(target: str) -> List[str]:
    """ENTRYPOINT + CMD of a Dockerfile target, as `docker run` without arguments runs them."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    stages = re.split(r"^FROM ", text, flags=re.M)
    stage = next(s for s in stages if re.match(rf"\S+ AS {target}\b", s))
    parts = {
        kind: json.loads(value) for kind, value in re.findall(r"^(ENTRYPOINT|CMD) (\[.*\])\s*$", stage, flags=re.M)
    }
    return parts.get("ENTRYPOINT", []) + parts.get("CMD", [])


def group_command_lines(leader: int) -> List[str]:
    """The command lines of the process and everything in its process group."""
    lines = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            pgid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[2])
            if int(entry.name) == leader or pgid == leader:
                lines.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, IndexError, ValueError):
            continue
    return lines


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_rasa_image_refuses_to_start_without_a_token():
    command = image_command("rasa")
    assert "--enable-api" in command and "--auth-token" not in " ".join(command)
    assert command[:3] == ["python", "-m", "rasa_server"], command
    env = {k: v for k, v in os.environ.items() if k != "RASA_TOKEN"}
    started = subprocess.run(
        [sys.executable, *command[1:]], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert started.returncode != 0
    assert "RASA_TOKEN is not set" in started.stderr
    # An --auth-token on the command line is refused too (ps would show it).
    started = subprocess.run(
        [sys.executable, *command[1:], f"--auth-token={TOKEN}"],
        cwd=ROOT,
        env={**env, "RASA_TOKEN": TOKEN},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode != 0 and TOKEN not in started.stderr


def test_make_run_starts_rasa_with_its_token_but_not_on_the_command_line(rasa_stack):
    """The session's stack is started as `make run` starts it (scripts/stack.py)."""
    rasa = next(s for s in rasa_stack.services if s.name == "Rasa server")
    token = rasa_stack.env["RASA_TOKEN"]
    lines = group_command_lines(rasa.process.pid)
    assert lines and any("rasa_server" in line for line in lines), lines
    assert not any(token in line for line in lines), lines
    # The token is in force: the HTTP API refuses without it and answers with it.
    base = rasa_stack.rasa_url
    assert status(f"{base}/status") == 401
    assert status(f"{base}/status?token=wrong") == 401
    assert status(f"{base}/status?token={token}") == 200


def test_the_token_file_is_private_from_the_moment_it_is_created(tmp_path, monkeypatch):
    # No chmod afterwards: a file readable by others for a moment is readable.
    monkeypatch.setattr(os, "chmod", lambda *a, **k: None)
    monkeypatch.setattr(Path, "chmod", lambda *a, **k: None)
    path = tmp_path / "var" / "rasa_token"
    stack.write_secret(path, TOKEN)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().strip() == TOKEN
    with open(path) as left_from_before:  # made readable by all, say by hand
        os.fchmod(left_from_before.fileno(), 0o644)
    stack.write_secret(path, "nieuw-token")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().strip() == "nieuw-token"
