"""Geometry for the build-time SVG charts. The templates draw; this module
only computes positions, so the arithmetic is testable on its own."""

from __future__ import annotations

from dataclasses import dataclass

from ..kinds import Grad


@dataclass
class Bar:
    label: str
    value: int
    x: float
    width: float
    y: float
    text: str
    grad: int | None = None  # a pyramid bar's degree


def pyramid(counts: dict[int, int], labels: dict[int, str] | None = None, width: float = 560,
            row: float = 44) -> dict:
    """Centred bars, the highest degree on top, widths proportional to the count.
    ``labels``: each degree's label (default: :attr:`Grad.label`).

    Every bar carries its number as text: the chart never relies on colour.
    """
    labels = labels or {grad: grad.label for grad in Grad}
    largest = max(counts.values(), default=0) or 1
    usable = width - 40
    bars = []
    degrees = Grad.highest_first()
    for index, grad in enumerate(degrees):
        count = counts.get(grad, 0)
        bar_width = max(usable * count / largest, 2 if count else 0)
        bars.append(
            Bar(labels[grad], count, (width - bar_width) / 2, bar_width, 10 + index * row,
                f"{labels[grad]}: {count} projekt", grad=int(grad))
        )
    return {"bars": bars, "width": width, "height": 20 + len(degrees) * row, "row": row}


def diverging(values: list[tuple[str, int]], width: float = 640, row: float = 30, label_width: float = 150,
              value_room: float = 110) -> dict:
    """Horizontal bars around a zero line for gains (+) and costs (−) per actor."""
    largest = max((abs(v) for _, v in values), default=0) or 1
    # Leave room on both sides for the value printed beside each bar.
    plot = width - label_width - value_room * (2 if any(v < 0 for _, v in values) else 1)
    has_negative = any(v < 0 for _, v in values)
    zero = label_width + (value_room + plot / 2 if has_negative else 0)
    scale = (plot / 2 if has_negative else plot) / largest
    bars = []
    for index, (label, value) in enumerate(values):
        bar_width = abs(value) * scale
        x = zero if value >= 0 else zero - bar_width
        bars.append(Bar(label, value, x, bar_width, 8 + index * row, ""))
    return {"bars": bars, "width": width, "height": 16 + len(values) * row, "zero": zero, "row": row,
            "label_width": label_width}
