"""The desktop entry and AppStream metadata carry what Linux desktops and app stores need."""

from __future__ import annotations

import configparser
import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
APP_ID = "io.github.crmdesk.CrmDesk"


def test_desktop_entry_launches_crmdesk() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(PACKAGING / f"{APP_ID}.desktop", encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == "crmdesk"
    assert entry["Icon"] == APP_ID
    assert entry["Categories"].endswith(";")
    assert entry["Terminal"] == "false"


def test_metainfo_names_the_desktop_entry_and_binary() -> None:
    root = ET.parse(PACKAGING / f"{APP_ID}.metainfo.xml").getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.find("launchable").text == f"{APP_ID}.desktop"  # type: ignore[union-attr]
    assert root.find("provides/binary").text == "crmdesk"  # type: ignore[union-attr]
    assert root.findtext("metadata_license") and root.findtext("project_license")
    assert len(root.findtext("summary") or "") < 80


def test_icon_ships_with_the_package() -> None:
    assert (ROOT / "crmdesk" / "resources" / "crmdesk.svg").read_text().startswith("<svg")


def test_the_window_icons_and_their_licence_are_package_data() -> None:
    """A wheel holds what ``[tool.setuptools.package-data]`` names: every icon file must match."""
    import tomllib

    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["crmdesk"]
    shipped = {path for pattern in patterns for path in (ROOT / "crmdesk").glob(pattern) if path.is_file()}
    icons = ROOT / "crmdesk" / "resources" / "icons"
    needed = set(icons.glob("*.svg")) | {icons / "LICENSE", icons / "SOURCES.md"}
    assert len(needed) > 40 and needed <= shipped, sorted(p.name for p in needed - shipped)


#: A released section's header in CHANGELOG.md: "## 0.2.0 — 2027-01-15" (also "## [0.2.0] - …" or
#: "## 0.2.0 (2027-01-15)"); "## Unreleased" is the one being written.
_VERSION_HEADER = re.compile(r"^## \[?v?(\d+(?:\.\d+)+\S*?)\]?(?:\s+(?:—|–|-)\s+|\s+\()?(\d{4}-\d{2}-\d{2})?\)?\s*$")


def changelog_versions(text: str) -> list[tuple[str, str | None]]:
    """(version, date or None) of each released section of a CHANGELOG, newest first."""
    found = []
    for line in text.splitlines():
        match = _VERSION_HEADER.match(line)
        if match:
            found.append((match.group(1), match.group(2)))
        elif line.startswith("## ") and line[3:].strip().lower() != "unreleased":
            raise AssertionError(f"CHANGELOG.md: {line!r} is neither '## Unreleased' nor '## VERSION — YYYY-MM-DD'")
    return found


def test_changelog_headers_are_read_as_versions() -> None:
    text = "# Changelog\n\n## Unreleased\n\n- a\n\n## 0.2.0 — 2027-01-15\n\n- b\n\n## [0.1.0] - 2026-11-24\n"
    assert changelog_versions(text) == [("0.2.0", "2027-01-15"), ("0.1.0", "2026-11-24")]
    assert changelog_versions("## 1.0.0\n") == [("1.0.0", None)]
    with pytest.raises(AssertionError, match="neither"):
        changelog_versions("## Next up\n")


def test_metainfo_releases_follow_the_changelog() -> None:
    """The newest <release> is the CHANGELOG's newest version, with its date when the header gives
    one; until the CHANGELOG has a version header (everything still "Unreleased") it is the version
    crmdesk says it is. Every version in the CHANGELOG has its <release>."""
    from crmdesk import __version__

    releases = ET.parse(PACKAGING / f"{APP_ID}.metainfo.xml").getroot().findall("releases/release")
    assert releases, "the metainfo lists its releases"
    listed = {r.get("version"): r.get("date") for r in releases}
    assert all(listed.values()), "each release has a date (appstream wants one)"
    versions = changelog_versions((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"))
    newest = versions[0][0] if versions else __version__
    assert releases[0].get("version") == newest, f"the metainfo's newest release should be {newest}"
    for version, date in versions:
        assert version in listed, f"CHANGELOG's {version} has no <release> in the metainfo"
        assert date is None or listed[version] == date, f"{version}: CHANGELOG says {date}, metainfo {listed[version]}"


def test_metainfo_screenshot_is_the_shipped_picture() -> None:
    root = ET.parse(PACKAGING / f"{APP_ID}.metainfo.xml").getroot()
    assert root.find("content_rating[@type='oars-1.1']") is not None
    image = root.find("screenshots/screenshot[@type='default']/image")
    assert image is not None and image.text is not None
    assert image.text.startswith("https://"), "stores fetch screenshots over https"
    relative = image.text.split("/main/", 1)[1]
    picture = (ROOT / relative).read_bytes()
    # The PNG's IHDR holds its width and height as two big-endian 32-bit numbers at bytes 16–24.
    assert picture[:8] == b"\x89PNG\r\n\x1a\n"
    size = struct.unpack(">II", picture[16:24])
    assert size == (int(image.get("width", 0)), int(image.get("height", 0))), size


def test_the_icon_renders_at_every_hicolor_size(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """packaging/render_icons.py (the Linux tarball's icons; the .ico/.icns source on Windows and
    macOS). ``qapp`` first: the renderer must reuse the tests' QApplication, not make its own."""
    import importlib.util

    from PySide6.QtGui import QColor, QImage

    spec = importlib.util.spec_from_file_location("render_icons", PACKAGING / "render_icons.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.render_icons(tmp_path)
    assert len(written) == len(module.SIZES) + 1
    for size in module.SIZES:
        image = QImage(str(tmp_path / f"{size}x{size}" / "apps" / f"{APP_ID}.png"))
        assert (image.width(), image.height()) == (size, size)
        # The icon's blue tile fills the middle of its left edge; its corners stay transparent.
        assert QColor(image.pixel(size // 8, size // 2)).name() == "#3b5bdb", size
        assert image.pixelColor(0, 0).alpha() == 0, size
    scalable = tmp_path / "scalable" / "apps" / f"{APP_ID}.svg"
    assert scalable.read_bytes() == (ROOT / "resources" / "crmdesk.svg").read_bytes()
