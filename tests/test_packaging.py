"""The desktop entry and AppStream metadata carry what Linux desktops and app stores need."""

from __future__ import annotations

import configparser
import xml.etree.ElementTree as ET
from pathlib import Path

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
