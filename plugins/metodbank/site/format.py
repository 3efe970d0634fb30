"""Swedish number and date formatting for the generated pages."""

from __future__ import annotations

NBSP = "\u00a0"


def tal(value) -> str:
    """12345678 → '12 345 678' (Swedish thousands separator, no-break space)."""
    if value is None:
        return "–"
    negative = value < 0
    digits = f"{abs(int(round(value))):,}".replace(",", NBSP)
    return ("−" if negative else "") + digits


def kr(value) -> str:
    return "–" if value is None else f"{tal(value)}{NBSP}kr"


def procent(value) -> str:
    """0.3395 → '34 %'."""
    return "–" if value is None else f"{round(value * 100)}{NBSP}%"


def decimal(value) -> str:
    return "–" if value is None else f"{value:g}".replace(".", ",")
