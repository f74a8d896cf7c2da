"""Train the Rasa model only when what it is trained from changed.

`rasa train` always packs a new model, even when every component comes from Rasa's cache: on
this machine that costs 1–2 minutes for nothing, after every `make test`, `make run` or
`make eval`. This script hashes what the model is made of (config.yml, domain/, data/, the
custom components in nlu_components/, the Rasa version) and writes the digest next to the
model it trained (models/<model>.inputs). The next call with the same inputs finds that
model and stops; any change trains (Rasa's cache still makes a small change fast).

  python scripts/train.py [rasa train arguments ...]     (Makefile: make train)
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Iterable, Optional

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
INPUTS = ("config.yml", "domain", "data", "nlu_components")
SUFFIX = ".inputs"


def files_of(paths: Iterable[str], root: Path = ROOT):
    for name in paths:
        path = root / name
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def inputs_digest(root: Path = ROOT) -> str:
    """sha256 over the names and bytes of every input file, and the Rasa version."""
    from rasa.version import __version__ as rasa_version

    digest = hashlib.sha256(f"rasa {rasa_version}\n".encode())
    for path in files_of(INPUTS, root):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def stamp_of(model: Path) -> Path:
    """models/<model>.inputs next to models/<model>.tar.gz."""
    return model.with_name(model.name[: -len(".tar.gz")] + SUFFIX)


def latest_model(models: Path = MODELS) -> Optional[Path]:
    found = sorted(models.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


def up_to_date(models: Path = MODELS, digest: Optional[str] = None) -> Optional[Path]:
    """The latest model when it was trained from exactly today's inputs, else None."""
    model = latest_model(models)
    if model is None:
        return None
    stamp = stamp_of(model)
    want = digest or inputs_digest()
    return model if stamp.is_file() and stamp.read_text().strip() == want else None


def main(argv) -> int:
    digest = inputs_digest()
    model = up_to_date(MODELS, digest)
    if model is not None:
        print(f"Model up to date: {model.relative_to(ROOT)} (config, domain, data and components unchanged)")
        return 0
    before = set(MODELS.glob("*.tar.gz"))
    result = subprocess.run([str(ROOT / ".venv/bin/rasa"), "train", *argv], cwd=ROOT)
    if result.returncode != 0:
        return result.returncode
    new = sorted(set(MODELS.glob("*.tar.gz")) - before, key=lambda p: p.stat().st_mtime)
    if new:
        stamp_of(new[-1]).write_text(digest + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
