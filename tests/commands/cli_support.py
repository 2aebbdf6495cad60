"""What the CLI's tests share: running `readiness ...` in this process and capturing it."""

from __future__ import annotations

import contextlib
import io
from typing import NamedTuple

from readiness.commands.cli import main


class Out(NamedTuple):
    code: int
    out: str
    err: str


def cli(*args: str) -> Out:
    """Run `readiness ...` in this process (as the console script would) and capture it."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as stop:  # argparse's own errors
            code = int(stop.code or 0)
    return Out(code, out.getvalue(), err.getvalue())


def ok(*args: str) -> Out:
    """A command that succeeds: exit 0 (else the test fails showing stderr)."""
    result = cli(*args)
    assert result.code == 0, result.err
    return result
