"""Small bar charts drawn on the server as inline SVG: the page needs no script and no style
attribute (the Content-Security-Policy allows neither); home.css colours the bars by class."""

from dataclasses import dataclass

WIDTH, HEIGHT, GAP = 100, 32, 1


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    css: str = ""


def columns(values, labels, css=()):
    """Vertical bars for ``values`` (numbers; a negative one shows as no bar) side by side in a
    WIDTH x HEIGHT box, the tallest the box's height; ``css`` names a class per bar."""
    top = max((value for value in values if value > 0), default=0)
    width = WIDTH / max(len(values), 1)
    bars = []
    for i, (value, label) in enumerate(zip(values, labels, strict=True)):
        height = round(float(value) / float(top) * HEIGHT, 2) if top and value > 0 else 0
        bars.append(
            Bar(
                round(i * width, 2),
                round(HEIGHT - height, 2),
                round(width - GAP, 2),
                height,
                label,
                css[i] if css else "",
            )
        )
    return bars


def share(value, whole):
    """The width of a horizontal bar for ``value`` of ``whole`` in a WIDTH-wide box."""
    return round(WIDTH * value / whole, 2) if whole and value > 0 else 0
