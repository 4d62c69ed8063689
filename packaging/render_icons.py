"""The app icon as the hicolor theme's PNG sizes: ``python packaging/render_icons.py OUT_DIR``.

Writes OUT_DIR/NxN/apps/io.github.crmdesk.CrmDesk.png for each size in SIZES and
OUT_DIR/scalable/apps/io.github.crmdesk.CrmDesk.svg (a copy): OUT_DIR is meant to be a
share/icons/hicolor folder. Rendered with QtSvg into a QImage, so it needs no display
(QT_QPA_PLATFORM=offscreen is set when unset) and no tool beyond PySide6.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP_ID = "io.github.crmdesk.CrmDesk"
SVG = ROOT / "resources" / "crmdesk.svg"
#: The sizes desktops look for in hicolor (the menus' 16–48, launchers' and stores' 64–512).
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render_icons(out: Path, svg: Path = SVG, sizes: tuple[int, ...] = SIZES) -> list[Path]:
    """Writes the PNGs and the scalable SVG under ``out``; returns the paths written."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    # QPainter needs a QGuiApplication for anything font-related; the offscreen platform suffices.
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg}: not an SVG that QtSvg can draw")
    written = []
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)  # scaled to the whole image: the icon's viewBox is square
        painter.end()
        path = out / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(path), "PNG"):
            raise OSError(f"could not write {path}")
        written.append(path)
    scalable = out / "scalable" / "apps" / f"{APP_ID}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(svg, scalable)
    return [*written, scalable]


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.splitlines()[0])
    for written_path in render_icons(Path(sys.argv[1])):
        print(written_path)
