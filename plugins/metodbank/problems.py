"""Problems found in content: one line each, ``path:line: meddelande``."""

from __future__ import annotations

import unicodedata
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
        return f"{self.path}:{self.line}: {prefix}{_one_line(self.message)}"

    def github_annotation(self) -> str:
        kind = "error" if self.is_error else "warning"
        # GitHub's workflow commands need %, CR and LF escaped in the message,
        # and also ':' and ',' in a property such as the file name.
        text = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        path = self.path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        path = path.replace(":", "%3A").replace(",", "%2C")
        return f"::{kind} file={path},line={self.line}::{text}"


def _one_line(text: str) -> str:
    """A message quotes the author's values; a line break or control character
    in one must not break the one-problem-per-line output."""
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch
        for ch in text
    )


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


def summary(files: int, errors: int, warnings: int) -> str:
    """``3 filer kontrollerade: 1 fel, 2 varningar`` in correct Swedish
    (``1 fil kontrollerad``, ``1 varning``; ``fel`` is both singular and plural)."""
    checked = "1 fil kontrollerad" if files == 1 else f"{files} filer kontrollerade"
    warned = "1 varning" if warnings == 1 else f"{warnings} varningar"
    return f"{checked}: {errors} fel, {warned}"
