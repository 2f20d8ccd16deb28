"""Shared helpers: the repository, the `gridpilot` command, and running it."""

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def gridpilot_bin() -> str:
    """The command-line program: `cargo test` names it in GRIDPILOT_BIN; run by hand, the
    newest build in target/ is used."""
    named = os.environ.get("GRIDPILOT_BIN")
    if named:
        return named
    builds = [ROOT / "target" / p / "gridpilot" for p in ("release", "debug")]
    found = [b for b in builds if b.exists()]
    if not found:
        pytest.fail("no gridpilot program: run `cargo build` or set GRIDPILOT_BIN")
    return str(max(found, key=lambda b: b.stat().st_mtime))


def run_cli(*args: str) -> subprocess.CompletedProcess:
    out = subprocess.run([gridpilot_bin(), *args], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out


def run_json(*args: str) -> list:
    """`gridpilot run --json …`: one object per step."""
    out = run_cli("run", "--json", *args)
    return [json.loads(line) for line in out.stdout.splitlines()]
