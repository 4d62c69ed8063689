"""The PyInstaller app (``make dist``) runs on its own: no source tree, no venv, no real profile.

Marked ``dist``: skipped unless pytest is given ``--run-dist`` (tests/conftest.py), as ``make
dist-check`` does, so ``make test`` leaves them out. They use dist/crmdesk and the tarball, running
``make dist`` first when either is missing or older than a source (a few minutes).

Each run gets a temporary HOME and --data-dir, keyring's null backend (set in tests/conftest.py,
inherited) and no PYTHONPATH, and runs from a temporary folder, so the built app can lean on
nothing of this checkout or this machine's profile.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from crmdesk import __version__

pytestmark = pytest.mark.dist

ROOT = Path(__file__).resolve().parents[2]
APP_ID = "io.github.crmdesk.CrmDesk"
FOLDER = ROOT / "dist" / "crmdesk"
ARCH = os.uname().machine
TARBALL = ROOT / "dist" / f"crmdesk-{__version__}-linux-{ARCH}.tar.gz"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def _stale() -> bool:
    """Whether the build is missing or older than a source it is made from: a test of an old build
    would pass for code that is no longer there."""
    if not (FOLDER / "crmdesk").is_file() or not TARBALL.is_file():
        return True
    built = min((FOLDER / "crmdesk").stat().st_mtime, TARBALL.stat().st_mtime)
    sources = [*(ROOT / "crmdesk").rglob("*.py"), *(ROOT / "crmdesk" / "resources").rglob("*"),
               *(p for p in (ROOT / "packaging").rglob("*") if p.is_file()), ROOT / "pyproject.toml"]
    return any(source.stat().st_mtime > built for source in sources)


@pytest.fixture(scope="module")
def binary() -> Path:
    if _stale():
        subprocess.run(["make", "dist"], cwd=ROOT, check=True, timeout=1800)
    assert os.access(FOLDER / "crmdesk", os.X_OK)
    return FOLDER / "crmdesk"


def _run(argv: list[str], home: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("CRMDESK_TOKEN", "CRMDESK_DATA_DIR", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(home), XDG_DATA_HOME=str(home / "share"),
               XDG_STATE_HOME=str(home / "state"), XDG_CONFIG_HOME=str(home / "config"))
    assert env.get("PYTHON_KEYRING_BACKEND") == "keyring.backends.null.Keyring", "tests/conftest.py sets it"
    home.mkdir(parents=True, exist_ok=True)
    return subprocess.run(argv, env=env, cwd=home, capture_output=True, text=True, timeout=timeout)


def test_the_binary_says_its_version(binary: Path, tmp_path: Path) -> None:
    result = _run([str(binary), "--version"], tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"crmdesk {__version__}"


def _described(stdout: str, shot: Path) -> str:
    """The line --screenshot prints about ``shot``, without its painted_at= (a time)."""
    lines = [line for line in stdout.splitlines() if line.startswith(f"{shot}: ")]
    assert len(lines) == 1, stdout
    return lines[0].split("; painted_at=", 1)[0]


def test_the_demo_shows_the_deals_table_as_from_source(binary: Path, tmp_path: Path) -> None:
    """``--demo`` starts the bundled sandbox server (uvicorn, starlette, SQLModel, Faker), syncs the
    demo workspace from it and paints the deals table: the same picture as from source."""
    home = tmp_path / "home"
    shot = tmp_path / "built.png"
    built = _run([str(binary), "--data-dir", str(tmp_path / "data"), "--demo", "--screenshot", str(shot),
                  "--view", "deals"], home)
    assert built.returncode == 0, built.stderr
    described = _described(built.stdout, shot)
    assert described == f"{shot}: object:deals (ObjectView); sync: synced", built.stdout
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1280, 800)
    assert shot.stat().st_size > 40_000, "a table of deals, not an empty window"
    assert list((tmp_path / "data" / "workspaces").glob("*.sqlite")), "the demo workspace is in --data-dir"
    assert not (home / "share" / "crmdesk").exists(), "nothing in the default data folder"

    source_shot = tmp_path / "source.png"
    source = _run([sys.executable, "-m", "crmdesk", "--data-dir", str(tmp_path / "source-data"), "--demo",
                   "--screenshot", str(source_shot), "--view", "deals"], home)
    assert source.returncode == 0, source.stderr
    assert _described(source.stdout, source_shot) == described.replace(str(shot), str(source_shot))
    # The same Qt libraries, fonts and demo data draw the same window (every row of pixels was
    # identical when this was written); the status bar's "Last synced HH:MM" may differ when the
    # two runs straddle a minute, hence the margin (the bar is about 30 px high).
    source_image = QImage(str(source_shot))
    same_rows = sum(image.copy(0, y, 1280, 1) == source_image.copy(0, y, 1280, 1) for y in range(800))
    assert same_rows >= 760, f"only {same_rows} of 800 rows of pixels match the picture from source"


def test_the_qt_plugins_for_every_display_are_bundled(binary: Path) -> None:
    plugins = FOLDER / "_internal" / "PySide6" / "Qt" / "plugins"
    platforms = {path.name for path in (plugins / "platforms").iterdir()}
    assert {"libqoffscreen.so", "libqxcb.so", "libqwayland.so"} <= platforms, sorted(platforms)
    assert (plugins / "wayland-shell-integration" / "libxdg-shell.so").is_file()
    assert (plugins / "xcbglintegrations").is_dir()
    assert (plugins / "imageformats" / "libqsvg.so").is_file(), "the icons are SVG"
    assert (plugins / "iconengines" / "libqsvgicon.so").is_file()
    assert (FOLDER / "_internal" / "crmdesk" / "resources" / "crmdesk.svg").is_file()


def test_no_bundled_library_needs_a_qt_library_left_out(binary: Path) -> None:
    """The spec leaves out Qt plugins and the libraries only they need: whatever stays must find
    every Qt (and ICU) library it is linked with inside the folder."""
    internal = FOLDER / "_internal"
    dangling = [str(path.relative_to(internal)) for path in internal.rglob("*")
                if path.is_symlink() and not path.exists()]
    assert dangling == [], "links to left-out libraries"
    bundled = {path.name for path in internal.rglob("*.so*")}
    missing = {}
    for library in internal.rglob("*.so*"):
        if library.is_symlink() or not library.is_file():
            continue
        dynamic = subprocess.run(["readelf", "-d", str(library)], capture_output=True, text=True, check=True)
        needed = [line.split("[", 1)[1].rstrip("]") for line in dynamic.stdout.splitlines() if "(NEEDED)" in line]
        absent = [name for name in needed if name.startswith(("libQt6", "libicu", "libpyside6", "libshiboken6"))
                  and name not in bundled]
        if absent:
            missing[str(library.relative_to(internal))] = absent
    assert missing == {}


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_the_tarball_installs_and_uninstalls(binary: Path, tmp_path: Path) -> None:
    top = TARBALL.name.removesuffix(".tar.gz")
    with tarfile.open(TARBALL) as tar:
        names = set(tar.getnames())
        icons = {size: tar.extractfile(f"{top}/share/icons/hicolor/{size}x{size}/apps/{APP_ID}.png")
                 for size in ICON_SIZES}
        assert {size: _png_size(file.read()) for size, file in icons.items() if file} == {
            size: (size, size) for size in ICON_SIZES}
        assert {f"{top}/crmdesk/crmdesk", f"{top}/install.sh", f"{top}/README.txt",
                f"{top}/share/applications/{APP_ID}.desktop", f"{top}/share/metainfo/{APP_ID}.metainfo.xml",
                f"{top}/share/icons/hicolor/scalable/apps/{APP_ID}.svg"} <= names
        tar.extractall(tmp_path / "unpacked", filter="tar")
    prefix = tmp_path / "prefix"
    unpacked = tmp_path / "unpacked" / top
    installed = _run(["sh", str(unpacked / "install.sh"), str(prefix)], tmp_path / "home")
    assert installed.returncode == 0, installed.stderr
    entry = prefix / "share" / "applications" / f"{APP_ID}.desktop"
    assert f'Exec="{prefix}/bin/crmdesk"' in entry.read_text().splitlines()
    for size in ICON_SIZES:
        assert (prefix / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png").is_file()
    assert (prefix / "share" / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    # The link on PATH starts the app from its folder (the bootloader finds _internal through it).
    version = _run([str(prefix / "bin" / "crmdesk"), "--version"], tmp_path / "home")
    assert version.stdout.strip() == f"crmdesk {__version__}", version.stderr

    removed = _run(["sh", str(unpacked / "install.sh"), "--uninstall", str(prefix)], tmp_path / "home")
    assert removed.returncode == 0, removed.stderr
    left = sorted(str(p.relative_to(prefix)) for p in prefix.rglob("*") if not p.is_dir())
    # update-desktop-database / gtk-update-icon-cache, where installed, leave their caches behind.
    assert [p for p in left if not p.endswith((".cache", "mimeinfo.cache"))] == [], left
