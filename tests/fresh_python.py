"""A snippet run in a fresh interpreter: what a process imports from its start (the forkserver's
preload, a library imported another way) can only be seen in one that has imported nothing yet."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_python(code: str, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    """What ``python -c CODE ARGS`` prints (stripped); fails the test, with its stderr, if it fails."""
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300,
                         env={**os.environ, **env} if env else None, cwd=cwd)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.strip()
