"""One icon set, shipped with the app, drawn for the palette: dark glyphs on a light window,
light glyphs on a dark one, in the sidebar and the status bar."""

from __future__ import annotations

import re
from typing import Any

import pytest
from PySide6.QtGui import QColor, QIcon, QImage, QPalette
from PySide6.QtWidgets import QApplication

from crmdesk.store import Store
from crmdesk.ui import icons
from crmdesk.ui.widgets.sidebar import Sidebar
from crmdesk.ui.widgets.sync_status import SyncStatusWidget
from tests.ui._theme_palettes import PALETTES, app_palette, dark_palette, light_palette


def ink_pixels(image: QImage, least_alpha: int = 128) -> list[QColor]:
    """The drawn pixels of an icon (mostly opaque), not its transparent ground."""
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    return [color for y in range(image.height()) for x in range(image.width())
            if (color := image.pixelColor(x, y)).alpha() >= least_alpha]


def mean_lightness(colors: list[QColor]) -> float:
    return sum(color.lightness() for color in colors) / len(colors)


def test_every_mapped_icon_ships_as_a_lucide_svg() -> None:
    shipped = icons.shipped_names()
    assert icons.mapped_names() <= shipped, sorted(icons.mapped_names() - shipped)
    # Only what is used is shipped (item 19: not the whole set).
    assert shipped <= icons.mapped_names(), sorted(shipped - icons.mapped_names())
    for name in sorted(shipped):
        source = icons.svg_source(name).decode("utf-8")
        assert "lucide" in source and 'stroke="currentColor"' in source, name


def test_the_licence_and_where_the_icons_come_from_ship_with_them() -> None:
    from importlib import resources

    folder = resources.files("crmdesk").joinpath("resources", "icons")
    assert "ISC License" in folder.joinpath("LICENSE").read_text(encoding="utf-8")
    sources = folder.joinpath("SOURCES.md").read_text(encoding="utf-8")
    version = re.search(r"lucide-static v([\d.]+)", icons.svg_source("house").decode("utf-8"))
    assert version is not None and version.group(1) in sources and "ISC" in sources


@pytest.mark.parametrize("name", sorted(icons.mapped_names()))
def test_each_icon_draws_something_at_menu_and_toolbar_sizes(qapp: QApplication, name: str) -> None:
    icon = icons.icon(name, light_palette())
    for side in (16, 24):
        pixmap = icon.pixmap(side, side)
        assert not pixmap.isNull() and pixmap.width() == side
        drawn = ink_pixels(pixmap.toImage())
        # A glyph, not a blot: some pixels inked, most of the square left clear.
        assert side <= len(drawn) < side * side * 0.6, (name, side, len(drawn))


@pytest.mark.parametrize("palette_name", ["light", "dark"])
def test_icons_are_dark_on_a_light_window_and_light_on_a_dark_one(qapp: QApplication, palette_name: str) -> None:
    palette = PALETTES[palette_name]()
    window = palette.color(QPalette.ColorRole.Window)
    for name in sorted(icons.mapped_names()):
        drawn = ink_pixels(icons.icon(name, palette).pixmap(24, 24).toImage())
        lightness = mean_lightness(drawn)
        if palette_name == "dark":
            assert lightness > 170, (name, lightness)
        else:
            assert lightness < 90, (name, lightness)
        assert abs(lightness - window.lightness()) > 120, name


def test_a_selected_row_and_a_disabled_action_get_their_own_colours(qapp: QApplication) -> None:
    palette = light_palette()
    icon = icons.icon("house", palette)
    normal = mean_lightness(ink_pixels(icon.pixmap(24, 24, QIcon.Mode.Normal).toImage()))
    selected = mean_lightness(ink_pixels(icon.pixmap(24, 24, QIcon.Mode.Selected).toImage()))
    disabled = mean_lightness(ink_pixels(icon.pixmap(24, 24, QIcon.Mode.Disabled).toImage()))
    assert selected > 200 > normal  # white on the selection colour
    assert normal < disabled < selected


def test_icons_are_drawn_once_per_palette_and_kept_by_the_application(qapp: QApplication) -> None:
    icon_set = icons.IconSet.for_application(qapp)
    assert icon_set.parent() is qapp and icons.IconSet.for_application(qapp) is icon_set
    first = icons.icon("bell", light_palette())
    assert icons.icon("bell", light_palette()).cacheKey() == first.cacheKey()
    assert icons.icon("bell", dark_palette()).cacheKey() != first.cacheKey()


def test_objects_get_their_icon_by_slug_else_the_servers_else_a_box() -> None:
    assert icons.object_icon_name("people") == "user"
    assert icons.object_icon_name("deals") == "handshake"
    assert icons.object_icon_name("vendors", "building-2") == "building-2"
    assert icons.object_icon_name("vendors", "IconRocket") == icons.OBJECT_FALLBACK
    assert icons.object_icon_name("vendors") == icons.OBJECT_FALLBACK
    assert icons.target_icon_name("object:companies") == "building-2"
    assert icons.target_icon_name("list:abc") == icons.FOR_VIEW["list"]
    assert icons.target_icon_name("view:123") == icons.FOR_VIEW["view"]


def same_picture(first: QIcon, second: QIcon, mode: QIcon.Mode = QIcon.Mode.Normal) -> bool:
    return first.pixmap(16, 16, mode).toImage() == second.pixmap(16, 16, mode).toImage()


def test_the_sidebar_shows_an_icon_for_each_view_object_and_list(qtbot: Any, store: Store) -> None:
    sidebar = Sidebar()
    qtbot.addWidget(sidebar)
    sidebar.rebuild(store)
    shown = {}
    for target in ("home", "tasks", "notes", "notifications", "object:people", "object:companies", "object:deals"):
        sidebar.select_target(target)
        item = sidebar.currentItem()
        assert item is not None and not item.icon(0).isNull(), target
        shown[target] = item.icon(0)
    assert same_picture(shown["object:people"], icons.icon("user"))
    assert same_picture(shown["object:deals"], icons.icon("handshake"))
    assert not same_picture(shown["home"], shown["tasks"])


@pytest.mark.parametrize("palette_name", ["light", "dark"])
def test_the_status_bar_shows_the_sync_state_as_an_icon(qtbot: Any, qapp: QApplication, palette_name: str) -> None:
    with app_palette(qapp, PALETTES[palette_name]()):
        status = SyncStatusWidget()
        qtbot.addWidget(status)
        status.show_state("offline", "")
        offline = status.state_icon.pixmap().toImage()
        status.show_state("synced", "")
        synced = status.state_icon.pixmap().toImage()
    assert offline == icons.icon("cloud-off", PALETTES[palette_name]()).pixmap(16, 16).toImage()
    assert synced != offline
