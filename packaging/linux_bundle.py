"""The Linux tarball: ``python packaging/linux_bundle.py dist/crmdesk dist/crmdesk-V-linux-ARCH.tar.gz``.

The archive holds one folder, named as the tarball without ``.tar.gz``, laid out as an install
prefix would be (packaging/linux/README.txt, shipped in it, says where each part goes):

    crmdesk/                                   the PyInstaller app folder (binary: crmdesk/crmdesk)
    share/applications/io.github.crmdesk.CrmDesk.desktop
    share/metainfo/io.github.crmdesk.CrmDesk.metainfo.xml
    share/icons/hicolor/NxN/apps/io.github.crmdesk.CrmDesk.png   (16 … 512, rendered now)
    share/icons/hicolor/scalable/apps/io.github.crmdesk.CrmDesk.svg
    install.sh, README.txt

Written with ``tarfile`` rather than by copying the ~hundreds-of-MiB app folder to a staging folder
first; owners are reset to root so the archive does not carry the builder's user name.
"""

from __future__ import annotations

import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # run as a script: render_icons sits beside it

from render_icons import APP_ID, render_icons  # noqa: E402


def _as_root(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def build_tarball(app_folder: Path, tarball: Path) -> Path:
    if not (app_folder / "crmdesk").is_file():
        raise SystemExit(f"{app_folder}/crmdesk is missing: build the app first (make dist)")
    top = tarball.name.removesuffix(".tar.gz")
    with tempfile.TemporaryDirectory() as tmp:
        icons = Path(tmp) / "hicolor"
        render_icons(icons)
        tarball.parent.mkdir(parents=True, exist_ok=True)
        partial = tarball.with_name(tarball.name + ".part")  # never a half-written tarball
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(app_folder, f"{top}/crmdesk", filter=_as_root)
            tar.add(HERE / f"{APP_ID}.desktop", f"{top}/share/applications/{APP_ID}.desktop", filter=_as_root)
            tar.add(HERE / f"{APP_ID}.metainfo.xml", f"{top}/share/metainfo/{APP_ID}.metainfo.xml",
                    filter=_as_root)
            tar.add(icons, f"{top}/share/icons/hicolor", filter=_as_root)
            tar.add(HERE / "linux" / "install.sh", f"{top}/install.sh", filter=_as_root)
            tar.add(HERE / "linux" / "README.txt", f"{top}/README.txt", filter=_as_root)
        partial.replace(tarball)
    return tarball


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.splitlines()[0])
    built = build_tarball(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{built}: {built.stat().st_size / 2**20:.1f} MiB")
