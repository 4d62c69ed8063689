"""crmdesk's look: Fusion with a few rules that make it read as one product, in light and dark.

``apply(app)`` gives the whole application:

* **Fusion**, on every platform: one look, the one the style sheet below is made for.
* **A style sheet** built from the palette: spacing on a 4 px unit, rounded corners, hover and
  pressed colours for buttons, roomier sidebar rows and menus; check boxes and radio buttons in
  forms drawn from images whose border stands out from the field in either palette
  (``theme_indicators``). Check boxes in item views are the views' own (``check_delegate``).
  It is built again when the palette changes (the desktop switches to dark).
* **A focus ring** (``focus_ring``): where the keyboard is, around the focused widget.
* **A small typographic scale** (``TYPE_SCALE``, ``scaled_font``): the sizes headings and captions
  use, relative to the system font.

``remove(app)`` puts back what was there (tests share one application). The colours come from
``theme_ink``; no Python style override is installed (one would be called for every table cell
painted).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from PySide6.QtCore import QObject
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication

from crmdesk.ui.focus_ring import FocusRing
from crmdesk.ui.theme_indicators import IndicatorImages
from crmdesk.ui.theme_ink import FOCUS_CONTRAST, FOCUS_WIDTH, RADIUS, SPACE, Ink, contrast, mix

__all__ = ["FOCUS_CONTRAST", "FOCUS_WIDTH", "RADIUS", "SPACE", "TYPE_SCALE", "Ink", "Theme", "apply", "contrast",
           "current", "remove", "scaled_font", "stylesheet"]

#: Font sizes relative to the system font: captions and section titles, body text, a group's
#: heading, a page's title. Four steps are enough for a CRM's pages; the odd 1.4 or 1.8 goes.
TYPE_SCALE = MappingProxyType({"caption": 0.85, "body": 1.0, "heading": 1.15, "title": 1.6})

_THEME_NAME = "crmdesk-theme"


def scaled_font(font: QFont, role: str) -> QFont:
    """``font`` at the scale's ``role`` size; headings and titles semibold."""
    scaled = QFont(font)
    if scaled.pointSizeF() > 0:
        scaled.setPointSizeF(font.pointSizeF() * TYPE_SCALE[role])
    else:  # a pixel-sized font
        scaled.setPixelSize(round(font.pixelSize() * TYPE_SCALE[role]))
    if role in ("heading", "title"):
        scaled.setWeight(QFont.Weight.DemiBold)
    return scaled


# -- the style sheet --------------------------------------------------------------------------


def stylesheet(palette: QPalette, indicators: Mapping[str, str] | None = None) -> str:
    """Spacing, corners, hover and pressed states in ``palette``'s colours; with ``indicators``
    (image paths by kind, ``theme_indicators``) check boxes and radio buttons drawn from them."""
    ink = Ink.of(palette)
    button = palette.color(QPalette.ColorRole.Button)
    values = {
        "border": ink.border.name(), "hover": ink.hover.name(), "pressed": ink.pressed.name(),
        "button": button.name(), "button_hover": mix(button, ink.text, 0.08).name(),
        "button_pressed": mix(button, ink.text, 0.16).name(), "checked": mix(button, ink.highlight, 0.30).name(),
        "text": ink.text.name(), "disabled": ink.disabled_text.name(), "focus": ink.focus.name(),
        "radius": RADIUS, "s1": SPACE, "s2": SPACE * 2, "s3": SPACE * 3, "s5": SPACE * 5, "s1h": SPACE // 2,
    }
    sheet = _STYLESHEET.format(**values)
    if indicators:
        sheet += _INDICATORS.format(**indicators)
    return sheet


# Doubled braces are the style sheet's own. Fields and item views are left to Fusion (its frames,
# its focus highlight, an editor's own red border on a bad value): a border rule here would
# change their sizes and make every table paint its borders through the style sheet.
_STYLESHEET = """
QPushButton {{
    border: 1px solid {border}; border-radius: {radius}px; background: {button};
    padding: {s1}px {s3}px; min-height: 18px;
}}
QPushButton:hover {{ background: {button_hover}; }}
QPushButton:pressed {{ background: {button_pressed}; }}
QPushButton:checked {{ background: {checked}; }}
QPushButton:disabled {{ color: {disabled}; }}
QPushButton:default {{ border-color: {focus}; }}
QPushButton:flat {{ border: none; background: transparent; padding: {s1h}px {s2}px; }}
QPushButton:flat:hover {{ background: {hover}; }}
QPushButton:flat:pressed {{ background: {pressed}; }}
QPushButton::menu-indicator {{ subcontrol-position: right center; right: {s2}px; }}
QToolButton {{
    border: 1px solid {border}; border-radius: {radius}px; background: {button}; padding: {s1}px {s2}px;
}}
QToolButton:hover {{ background: {button_hover}; }}
QToolButton:pressed {{ background: {button_pressed}; }}
QToolButton:checked {{ background: {checked}; }}
QToolButton:disabled {{ color: {disabled}; }}
QToolButton[popupMode="2"] {{ padding-right: {s5}px; }}
QToolButton::menu-indicator {{ subcontrol-origin: padding; subcontrol-position: center right; right: {s1}px; }}
QToolButton[autoRaise="true"] {{ border-color: transparent; background: transparent; padding: {s1}px; }}
QToolButton[autoRaise="true"]:hover {{ background: {hover}; border-color: {border}; }}
QToolButton[autoRaise="true"]:pressed, QToolButton[autoRaise="true"]:checked {{ background: {pressed}; }}
QTreeView#sidebar {{ border: none; padding: {s1}px {s1h}px; }}
QTreeView#sidebar::item {{ padding: {s1}px {s1}px; border-radius: {radius}px; }}
QTreeView#sidebar::item:hover:!selected {{ background: {hover}; }}
QTreeView#sidebar::item:selected {{ background: palette(highlight); color: palette(highlighted-text); }}
QTreeView#sidebar::branch, QTreeView#sidebar::branch:selected {{ background: palette(base); border: none; }}
QMenu::item {{ padding: {s1}px {s3}px {s1}px {s3}px; }}
QMenu::icon {{ padding-left: {s2}px; }}
QMenu::item:selected {{ background: {pressed}; color: {text}; }}
QMenu::item:disabled {{ color: {disabled}; }}
QMenu::separator {{ height: 1px; background: {border}; margin: {s1}px {s2}px; }}
QCheckBox::indicator, QRadioButton::indicator {{ width: 16px; height: 16px; }}
QToolTip {{ padding: {s1}px {s2}px; }}
QTabBar::tab {{ padding: {s1}px {s3}px; }}
QStatusBar {{ padding: 0 {s1}px; }}
QStatusBar::item {{ border: none; }}
"""

# Check boxes and radio buttons in forms. (Check boxes in item views, the Tasks view's, are drawn
# by ``widgets.check_delegate.VisibleCheckDelegate``, which needs no style sheet.)
_INDICATORS = """
QCheckBox::indicator:unchecked {{ image: url("{check_off}"); }}
QCheckBox::indicator:checked {{ image: url("{check_on}"); }}
QCheckBox::indicator:indeterminate {{ image: url("{check_partial}"); }}
QCheckBox::indicator:unchecked:disabled {{ image: url("{check_off_disabled}"); }}
QCheckBox::indicator:checked:disabled {{ image: url("{check_on_disabled}"); }}
QCheckBox::indicator:indeterminate:disabled {{ image: url("{check_partial_disabled}"); }}
QRadioButton::indicator:unchecked {{ image: url("{radio_off}"); }}
QRadioButton::indicator:checked {{ image: url("{radio_on}"); }}
QRadioButton::indicator:unchecked:disabled {{ image: url("{radio_off_disabled}"); }}
QRadioButton::indicator:checked:disabled {{ image: url("{radio_on_disabled}"); }}
"""


# -- applying it --------------------------------------------------------------------------------


class Theme(QObject):
    """What ``apply`` changed on the application, to build the style sheet again when the
    palette changes and to put everything back (``remove``)."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.setObjectName(_THEME_NAME)
        self._app = app
        self._previous_style = app.style().name()
        self._previous_sheet = app.styleSheet()
        self._indicators = IndicatorImages()
        # (Its temporary folder goes when the app quits, whether or not Python collects it then.)
        app.aboutToQuit.connect(self._indicators.remove)
        self._restyling = False
        app.setStyle("Fusion")
        self.restyle()
        self.ring = FocusRing(app)
        # The signal, not an event filter on the application: such a filter sees every event of
        # every object, each through Python. (Deprecated in C++ since 6.0, still emitted in the
        # 6.7–6.11 this project pins.)
        app.paletteChanged.connect(self._palette_changed)

    def restyle(self) -> None:
        self._restyling = True
        try:
            palette = self._app.palette()
            sheet = stylesheet(palette, self._indicators.write(Ink.of(palette)))
            self._app.setStyleSheet(f"{self._previous_sheet}\n{sheet}" if self._previous_sheet else sheet)
        finally:
            self._restyling = False

    def _palette_changed(self, *_: object) -> None:
        if not self._restyling:
            self.restyle()

    def remove(self) -> None:
        self._app.paletteChanged.disconnect(self._palette_changed)
        self._app.aboutToQuit.disconnect(self._indicators.remove)
        self.ring.stop(self._app)
        self._app.setStyleSheet(self._previous_sheet)
        self._app.setStyle(self._previous_style)
        self._indicators.remove()
        self.setParent(None)
        self.deleteLater()


def apply(app: QApplication) -> Theme:
    """Give ``app`` crmdesk's look (once: a second call returns the theme already applied)."""
    existing = current(app)
    return existing if existing is not None else Theme(app)


def current(app: QApplication) -> Theme | None:
    found = app.findChild(Theme, _THEME_NAME)
    return found if isinstance(found, Theme) else None


def remove(app: QApplication) -> None:
    """Put back the style and style sheet ``app`` had before ``apply``."""
    theme = current(app)
    if theme is not None:
        theme.remove()
