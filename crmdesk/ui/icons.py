"""The app's icons: one set (Lucide, see ``crmdesk/resources/icons/SOURCES.md``) drawn in the palette's colours.

The SVG files draw with ``currentColor``. ``icon(name)`` puts a colour taken from the palette in
its place before rendering, so one file gives the dark glyph a light window needs and the light
glyph a dark window needs, with the selected row's and the disabled state's colours as QIcon modes.

The rendered icons are kept by an ``IconSet`` that lives as long as the application (a child of
it, found by name), keyed by the icon and the colours it was drawn in: another palette draws
anew, and tests with their own application get their own set. Nothing here is a module global
that changes.

The mappings below say which icon stands for what, in one place: the sidebar's views and
objects, the toolbar's actions, the status bar's sync states.
"""

from __future__ import annotations

from importlib import resources
from types import MappingProxyType

from PySide6.QtCore import QByteArray, QObject, QRect, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from crmdesk.ui.theme_ink import mix

#: Navigation targets' kinds (``crmdesk.ui.navigation``) and the views' own names.
FOR_VIEW = MappingProxyType({
    "home": "house",
    "tasks": "square-check-big",
    "notes": "notebook-pen",
    "notifications": "bell",
    "object": "table-2",
    "table": "table-2",
    "board": "square-kanban",
    "list": "list",
    "record": "file-text",
    "view": "bookmark",  # a saved view (``view:<id>``)
})

#: Objects by slug, the usual names of each dialect; any other object gets ``OBJECT_FALLBACK``
#: (or the server's own icon name when the set ships it, see ``object_icon_name``).
FOR_OBJECT = MappingProxyType({
    "people": "user",
    "persons": "user",
    "contacts": "user",
    "companies": "building-2",
    "organizations": "building-2",
    "accounts": "building-2",
    "deals": "handshake",
    "opportunities": "handshake",
    "users": "user-round",
    "workspaces": "briefcase",
})
OBJECT_FALLBACK = "box"

#: The sync worker's states (``crmdesk.ui.widgets.sync_words.STATE_WORDS``' keys).
FOR_SYNC_STATE = MappingProxyType({
    "idle": "cloud",
    "connecting": "loader-circle",
    "syncing": "refresh-cw",
    "synced": "cloud-check",
    "offline": "cloud-off",
    "auth_needed": "key-round",
    "error": "triangle-alert",
    "cancelled": "circle-pause",
})

#: Toolbar, menu and status-bar actions.
FOR_ACTION = MappingProxyType({
    "back": "arrow-left",
    "forward": "arrow-right",
    "toggle_sidebar": "panel-left",
    "search": "search",
    "sync_now": "refresh-cw",
    "new_record": "plus",
    "new_list": "list",
    "filter": "list-filter",
    "sort": "arrow-up-down",
    "columns": "columns-3",
    "table": "table-2",
    "board": "square-kanban",
    "save_view": "bookmark-plus",
    "edit": "pencil",
    "delete": "trash-2",
    "export_csv": "download",
    "add_note": "notebook-pen",
    "add_task": "square-check-big",
    "add_comment": "message-square",
    "link": "link",
    "open_on_server": "external-link",
    "undo": "undo-2",
    "redo": "redo-2",
    "settings": "settings",
    "members": "users",
    "connect": "plug",
    "sign_out": "log-out",
    "close": "x",
    # What waits, next to the sync state.
    "pending": "clock",
    "all_saved": "circle-check",
    "refused": "circle-x",
    "conflicts": "triangle-alert",
})

_RESOURCE_PACKAGE = "crmdesk"
_ICON_FOLDER = ("resources", "icons")


def shipped_names() -> frozenset[str]:
    """The names of the icons shipped with the package (their ``<name>.svg`` files)."""
    folder = resources.files(_RESOURCE_PACKAGE).joinpath(*_ICON_FOLDER)
    return frozenset(entry.name[:-4] for entry in folder.iterdir() if entry.name.endswith(".svg"))


def mapped_names() -> frozenset[str]:
    """Every icon name the mappings use: each must be shipped (tests check it)."""
    names = {OBJECT_FALLBACK}
    for mapping in (FOR_VIEW, FOR_OBJECT, FOR_SYNC_STATE, FOR_ACTION):
        names.update(mapping.values())
    return frozenset(names)


def svg_source(name: str) -> bytes:
    """The SVG text of a shipped icon. Raises FileNotFoundError for a name that is not shipped."""
    return resources.files(_RESOURCE_PACKAGE).joinpath(*_ICON_FOLDER, f"{name}.svg").read_bytes()


def object_icon_name(slug: str, server_icon: str | None = None) -> str:
    """An object's icon: by its slug, else the icon its server names when the set ships it
    (Atomic CRM's and the sandbox's objects carry Lucide names: "users", "building-2"), else a box."""
    if slug in FOR_OBJECT:
        return FOR_OBJECT[slug]
    if server_icon and server_icon in shipped_names():
        return server_icon
    return OBJECT_FALLBACK


def target_icon_name(target: str) -> str:
    """A navigation target's icon: ``home``, ``tasks``…, ``object:<slug>`` (the object's icon),
    ``list:<id>``, ``record:<id>``, ``view:<id>``; an unknown kind gets the fallback."""
    kind, _, argument = target.partition(":")
    if kind == "object" and argument:
        return object_icon_name(argument)
    return FOR_VIEW.get(kind, OBJECT_FALLBACK)


def glyph_colors(palette: QPalette) -> tuple[QColor, QColor, QColor]:
    """(normal, disabled, selected) ink: the text colour softened a little toward the window
    (icons read as quieter than their labels, as in Attio's and Twenty's sidebars), the disabled
    text colour, and the selected row's text colour."""
    text = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText)
    window = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Window)
    normal = mix(text, window, 0.2)
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
    selected = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.HighlightedText)
    return normal, disabled, selected


def render_pixmap(source: bytes, color: QColor, size: int) -> QPixmap:
    """An icon's SVG ``source`` drawn ``size`` px square in ``color`` on a transparent pixmap."""
    svg = source.replace(b"currentColor", color.name().encode("ascii"))
    renderer = QSvgRenderer(QByteArray(svg))
    pixmap = QPixmap(QSize(size, size))
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return pixmap


class TintedSvgEngine(QIconEngine):
    """Draws an icon's SVG in a colour per mode when Qt first asks for a size, and keeps what it
    drew: a window's thirty icons cost the few sizes it shows, not every size in every mode
    before the first paint."""

    def __init__(self, source: bytes, colors: dict[QIcon.Mode, QColor]) -> None:
        super().__init__()
        self._source = source
        self._colors = colors
        self._drawn: dict[tuple[int, int], QPixmap] = {}

    def _color(self, mode: QIcon.Mode) -> QColor:
        # (The Active mode is the Normal one.)
        return self._colors.get(mode, self._colors[QIcon.Mode.Normal])

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:
        side = max(1, round(min(size.width(), size.height()) * scale))
        color = self._color(mode)
        key = (side, color.rgba())
        drawn = self._drawn.get(key)
        if drawn is None:
            drawn = self._drawn[key] = render_pixmap(self._source, color, side)
        pixmap = QPixmap(drawn)
        pixmap.setDevicePixelRatio(scale)
        return pixmap

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        device = painter.device()
        scale = device.devicePixelRatioF() if device is not None else 1.0
        painter.drawPixmap(rect, self.scaledPixmap(rect.size(), mode, state, scale))

    def actualSize(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QSize:
        side = min(size.width(), size.height())
        return QSize(side, side)

    def clone(self) -> QIconEngine:
        twin = TintedSvgEngine(self._source, self._colors)
        twin._drawn = self._drawn  # the same drawings serve both
        return twin


class IconSet(QObject):
    """The icons drawn so far, by (name, colours). One per application: ``for_application``."""

    OBJECT_NAME = "crmdesk-icon-set"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(self.OBJECT_NAME)
        self._drawn: dict[tuple[str, int, int, int], QIcon] = {}
        #: The SVG files read so far (they do not change while the app runs).
        self._sources: dict[str, bytes] = {}

    @classmethod
    def for_application(cls, app: QObject | None = None) -> IconSet:
        """The running application's set (made on first use, deleted with the application)."""
        owner = app or QGuiApplication.instance()
        if owner is None:
            raise RuntimeError("icons need a QApplication")
        found = owner.findChild(cls, cls.OBJECT_NAME)
        return found if isinstance(found, cls) else cls(owner)

    def icon(self, name: str, palette: QPalette | None = None) -> QIcon:
        """``name`` drawn for ``palette`` (default: the application's). Raises FileNotFoundError
        for an icon that is not shipped: names are constants, and a test checks every one."""
        normal, disabled, selected = glyph_colors(palette or QGuiApplication.palette())
        key = (name, normal.rgba(), disabled.rgba(), selected.rgba())
        drawn = self._drawn.get(key)
        if drawn is None:
            source = self._sources.get(name) or self._sources.setdefault(name, svg_source(name))
            colors = {QIcon.Mode.Normal: normal, QIcon.Mode.Disabled: disabled, QIcon.Mode.Selected: selected}
            drawn = QIcon(TintedSvgEngine(source, colors))
            self._drawn[key] = drawn
        return drawn

    def drawn_count(self) -> int:
        return len(self._drawn)


def icon(name: str, palette: QPalette | None = None) -> QIcon:
    """The icon ``name`` (a Lucide name, see the mappings) in the application's palette colours."""
    return IconSet.for_application().icon(name, palette)


def target_icon(target: str) -> QIcon:
    """The sidebar's icon for a navigation target (``object:deals`` → a handshake)."""
    return icon(target_icon_name(target))


def sync_state_icon(status: str) -> QIcon:
    """The status bar's icon for a sync state; an unknown state shows as syncing."""
    return icon(FOR_SYNC_STATE.get(status, FOR_SYNC_STATE["syncing"]))


def action_icon(action: str) -> QIcon:
    return icon(FOR_ACTION[action])
