"""Problems found in content: one line each, ``path:line: meddelande``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "fel"
    WARNING = "varning"


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one file. Sorted by path, then line, then text."""

    path: str
    line: int
    message: str
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format(self) -> str:
        prefix = "varning: " if self.severity is Severity.WARNING else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}"

    def github_annotation(self) -> str:
        kind = "error" if self.is_error else "warning"
        # GitHub's workflow commands need %, CR and LF escaped in the message.
        text = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::{kind} file={self.path},line={self.line}::{text}"


class ProblemList(list):
    """A list of problems with the helpers every check needs."""

    def error(self, path: str, line: int, message: str) -> None:
        self.append(Problem(path, max(1, line), message, Severity.ERROR))

    def warning(self, path: str, line: int, message: str) -> None:
        self.append(Problem(path, max(1, line), message, Severity.WARNING))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self if not p.is_error]

    def sorted(self) -> list[Problem]:
        return sorted(set(self))
