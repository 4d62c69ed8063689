"""Check box and radio button images in the palette's colours, for the theme's style sheet.

Fusion draws a check box's border in the window colour darkened, which vanishes on a dark field.
The style sheet draws forms' QCheckBox and QRadioButton from these images instead: a box whose
border keeps 3:1 with the field, filled with the selection colour and a tick when checked. Check
boxes in item views (the Tasks view and other lists) are not these: ``widgets.check_delegate``'s
``VisibleCheckDelegate`` paints them. Images rather than a Python style override: an override is
called for every table cell painted, an image only where there is a check box.

The SVG files are written to a temporary folder the theme owns, one set per palette (the colours
are in their names: a style sheet's images are cached by path).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTemporaryDir

from crmdesk.ui.theme_ink import Ink

_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16">'
        '<g opacity="{opacity}">{shapes}</g></svg>')
_BOX = '<rect x="1.5" y="1.5" width="13" height="13" rx="3" fill="{fill}" stroke="{stroke}" stroke-width="1.2"/>'
_TICK = ('<polyline points="4.6,8.4 7,10.7 11.6,5.6" fill="none" stroke="{ink}" stroke-width="1.9"'
         ' stroke-linecap="round" stroke-linejoin="round"/>')
_BAR = '<line x1="4.5" y1="8" x2="11.5" y2="8" stroke="{ink}" stroke-width="1.9" stroke-linecap="round"/>'
_CIRCLE = '<circle cx="8" cy="8" r="6.4" fill="{fill}" stroke="{stroke}" stroke-width="1.2"/>'
_DOT = '<circle cx="8" cy="8" r="2.6" fill="{ink}"/>'
#: How much of a disabled control shows.
DISABLED_OPACITY = 0.45

#: The images, by the names the style sheet uses: ``check_off``, ``check_on_disabled``…
KINDS = ("check_off", "check_on", "check_partial", "radio_off", "radio_on")


def indicator_svgs(ink: Ink) -> dict[str, str]:
    """Every indicator image, enabled and ``_disabled``, as SVG text."""
    off = {"fill": ink.base.name(), "stroke": ink.control_border.name()}
    on = {"fill": ink.highlight.name(), "stroke": ink.focus.name()}
    mark = {"ink": ink.highlighted_text.name()}
    shapes = {
        "check_off": _BOX.format(**off),
        "check_on": _BOX.format(**on) + _TICK.format(**mark),
        "check_partial": _BOX.format(**on) + _BAR.format(**mark),
        "radio_off": _CIRCLE.format(**off),
        "radio_on": _CIRCLE.format(**on) + _DOT.format(**mark),
    }
    svgs = {}
    for kind, drawn in shapes.items():
        svgs[kind] = _SVG.format(opacity=1, shapes=drawn)
        svgs[f"{kind}_disabled"] = _SVG.format(opacity=DISABLED_OPACITY, shapes=drawn)
    return svgs


class IndicatorImages:
    """The folder of indicator images; removed with ``remove`` (the theme's)."""

    def __init__(self) -> None:
        self._folder = QTemporaryDir()

    def write(self, ink: Ink) -> dict[str, str] | None:
        """Paths (with forward slashes, as a style sheet's ``url()`` wants) of the images for
        ``ink``, by kind; None when no temporary folder could be made (Fusion's then stay)."""
        if not self._folder.isValid():
            return None
        stamp = "-".join(color.name()[1:] for color in (ink.base, ink.control_border, ink.highlight, ink.focus,
                                                        ink.highlighted_text))
        paths = {}
        for kind, svg in indicator_svgs(ink).items():
            path = Path(self._folder.path()) / f"{kind}-{stamp}.svg"
            if not path.exists():
                path.write_text(svg, encoding="utf-8")
            paths[kind] = path.as_posix()
        return paths

    def remove(self) -> None:
        self._folder.remove()
