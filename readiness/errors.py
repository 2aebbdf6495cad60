"""Errors the core raises for users: each message says what is wrong and what to do."""

from __future__ import annotations


class ReadinessError(Exception):
    """A problem the user can fix; the CLI prints it as one line and exits with code 2."""


class SnapshotError(ReadinessError):
    """The committed snapshot under data/ is missing or fails validation."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(
            f"the data snapshot has {len(self.problems)} problem(s); "
            f"rebuild it with `python -m readiness build-data`:\n{lines}"
        )
