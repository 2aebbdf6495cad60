"""Problems found in an upload, and the collector that lists the first MAX_PROBLEMS of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from readiness.uploads import limits

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One problem: where it is (sheet, row, column) and a message that says how to fix it."""

    code: str
    message: str
    sheet: str = "data"
    row: int | None = None
    column: str | None = None
    severity: Severity = "error"

    def line(self) -> str:
        where = [self.sheet]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{self.severity}: {', '.join(where)}: {self.message}"


class Collector:
    """Collects problems up to MAX_PROBLEMS and counts the rest."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.omitted = 0

    def add(self, problem: Problem) -> None:
        if len(self.items) < limits.MAX_PROBLEMS:
            self.items.append(problem)
        else:
            self.omitted += 1

    @property
    def errors(self) -> bool:
        return any(p.severity == "error" for p in self.items) or self.omitted > 0

    @property
    def room(self) -> bool:
        """Whether another problem would still be listed."""
        return len(self.items) < limits.MAX_PROBLEMS


__all__ = ["Collector", "Problem", "Severity"]
