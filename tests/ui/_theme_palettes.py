"""Light and dark palettes for the theme and icon tests, and a fixture-free way to put the
application's look back: pytest-qt shares one QApplication between all tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

#: The dark palette of scripts/screenshots.py (a desktop in dark mode, as the README shows it).
DARK_COLORS = {
    "Window": "#2b2d31", "WindowText": "#e6e6e6", "Base": "#1f2023", "AlternateBase": "#26282c",
    "ToolTipBase": "#2b2d31", "ToolTipText": "#e6e6e6", "Text": "#e6e6e6", "Button": "#33363b",
    "ButtonText": "#e6e6e6", "BrightText": "#ff6b6b", "Highlight": "#3b82f6", "HighlightedText": "#ffffff",
    "Link": "#7aa7ff", "LinkVisited": "#b794f6", "PlaceholderText": "#8b8f97", "Mid": "#44474d",
    "Dark": "#18191b", "Light": "#45484e", "Midlight": "#3a3d42", "Shadow": "#0d0d0e",
}


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, color in DARK_COLORS.items():
        palette.setColor(getattr(QPalette.ColorRole, role), QColor(color))
    for role in ("WindowText", "Text", "ButtonText"):
        palette.setColor(QPalette.ColorGroup.Disabled, getattr(QPalette.ColorRole, role), QColor("#7b7f87"))
    return palette


def light_palette() -> QPalette:
    style = QStyleFactory.create("Fusion")
    return style.standardPalette()


PALETTES = {"light": light_palette, "dark": dark_palette}


@contextmanager
def app_palette(app: QApplication, palette: QPalette) -> Iterator[None]:
    """``palette`` for the application while the block runs, the one before afterwards."""
    before = QPalette(app.palette())
    # (A palette nobody set — resolve mask 0 — goes back to following the platform's.)
    explicit = before.resolveMask() != 0
    app.setPalette(palette)
    try:
        yield
    finally:
        app.setPalette(before if explicit else QPalette())
