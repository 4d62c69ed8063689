"""The colours crmdesk's theme draws with, worked out from a palette, and its measures.

Pure colour arithmetic (WCAG 2.1 contrast) over QColor/QPalette: no widget here.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette

#: The spacing unit (px): paddings are 1×, 2× or 3× of it.
SPACE = 4
#: Corner radius of buttons and fields (px).
RADIUS = 6
#: Width of the focus ring (px) and the least contrast it, and a check box's border, keep with
#: the window and the field (WCAG 2.1's 3:1 for what a user must see to operate a control).
FOCUS_WIDTH = 2
FOCUS_CONTRAST = 3.0


def luminance(color: QColor) -> float:
    """Relative luminance (WCAG 2.1)."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(c) for c in (color.redF(), color.greenF(), color.blueF()))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: QColor, second: QColor) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def mix(first: QColor, second: QColor, amount: float) -> QColor:
    """``amount`` of ``second`` in ``first`` (0: first, 1: second)."""
    channels = zip((first.redF(), first.greenF(), first.blueF()), (second.redF(), second.greenF(), second.blueF()),
                   strict=True)
    return QColor.fromRgbF(*(a + (b - a) * amount for a, b in channels))


def standing_out(color: QColor, backgrounds: tuple[QColor, ...], least: float, toward: QColor) -> QColor:
    """``color``, moved step by step toward ``toward`` until it keeps ``least`` contrast with
    every background (a palette's highlight can be too dim on its own window)."""
    for step in range(11):
        candidate = mix(color, toward, step / 10)
        if all(contrast(candidate, background) >= least for background in backgrounds):
            return candidate
    return QColor(toward)


@dataclass(frozen=True)
class Ink:
    """The colours the theme draws with, worked out from a palette."""

    window: QColor
    base: QColor
    text: QColor
    highlight: QColor
    highlighted_text: QColor
    disabled_text: QColor
    #: Borders of fields, buttons and check boxes: visible on the window and on the field.
    border: QColor
    #: A control under the mouse, and pressed (also a menu's current item: icons keep their colour).
    hover: QColor
    pressed: QColor
    #: A check box's box and the focus ring.
    control_border: QColor
    focus: QColor

    @classmethod
    def of(cls, palette: QPalette) -> Ink:
        role = QPalette.ColorRole
        window, base = palette.color(role.Window), palette.color(role.Base)
        text, highlight = palette.color(role.WindowText), palette.color(role.Highlight)
        dark = is_dark(palette)
        far = QColor("#ffffff") if dark else QColor("#000000")
        return cls(
            window=window,
            base=base,
            text=text,
            highlight=highlight,
            highlighted_text=palette.color(role.HighlightedText),
            disabled_text=palette.color(QPalette.ColorGroup.Disabled, role.WindowText),
            border=mix(window, text, 0.28 if dark else 0.22),
            hover=mix(window, text, 0.10 if dark else 0.06),
            pressed=mix(window, text, 0.18 if dark else 0.12),
            # 3:1 on the field: a check box or a ring must be seen to be used.
            control_border=standing_out(mix(base, text, 0.45), (base, window), FOCUS_CONTRAST, far),
            focus=standing_out(highlight, (window, base), FOCUS_CONTRAST, far),
        )
