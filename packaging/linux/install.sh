#!/bin/sh
# Installs crmdesk from this unpacked tarball (README.txt beside it says what goes where).
#
#   ./install.sh                    for you alone, under ~/.local (no root needed)
#   sudo ./install.sh /usr/local    for every user of the computer
#   ./install.sh --uninstall [PREFIX]   removes what an install into PREFIX put there
#
# Your data (~/.local/share/crmdesk, the log in ~/.local/state/crmdesk) is not in PREFIX: never touched.
set -eu

APP_ID=io.github.crmdesk.CrmDesk
HERE=$(cd "$(dirname "$0")" && pwd)

uninstall=no
if [ "${1:-}" = "--uninstall" ]; then
    uninstall=yes
    shift
fi
PREFIX=${1:-"$HOME/.local"}
ICON_SIZES="16x16 24x24 32x32 48x48 64x64 128x128 256x256 512x512"

# Tell the desktop about new or removed entries and icons, where it has the tools to listen.
refresh() {
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$PREFIX/share/applications" || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1; then
        gtk-update-icon-cache -q -t "$PREFIX/share/icons/hicolor" || true
    fi
}

if [ "$uninstall" = yes ]; then
    rm -rf "$PREFIX/lib/crmdesk"
    rm -f "$PREFIX/bin/crmdesk" "$PREFIX/share/applications/$APP_ID.desktop" \
        "$PREFIX/share/metainfo/$APP_ID.metainfo.xml" "$PREFIX/share/icons/hicolor/scalable/apps/$APP_ID.svg"
    for size in $ICON_SIZES; do
        rm -f "$PREFIX/share/icons/hicolor/$size/apps/$APP_ID.png"
    done
    refresh
    echo "crmdesk removed from $PREFIX"
    exit 0
fi

mkdir -p "$PREFIX/lib" "$PREFIX/bin" "$PREFIX/share/applications" "$PREFIX/share/metainfo"
# Absolute, or the link and the menu entry would point somewhere relative to wherever they are read.
PREFIX=$(cd "$PREFIX" && pwd)
# A new version replaces the old folder whole: no stale library of the last one is left in it.
rm -rf "$PREFIX/lib/crmdesk"
cp -R "$HERE/crmdesk" "$PREFIX/lib/crmdesk"
ln -sf "$PREFIX/lib/crmdesk/crmdesk" "$PREFIX/bin/crmdesk"
# The entry says Exec=crmdesk; ~/.local/bin is not on every PATH, so the installed one names the binary,
# quoted as the desktop entry format wants (spaces; " ` $ \ escaped), then escaped again for sed.
EXEC_PATH=$(printf '%s' "$PREFIX/bin/crmdesk" | sed 's/[\\"`$]/\\&/g')
EXEC_SED=$(printf '%s' "\"$EXEC_PATH\"" | sed 's/[\\|&]/\\&/g')
sed "s|^Exec=crmdesk\$|Exec=$EXEC_SED|" "$HERE/share/applications/$APP_ID.desktop" \
    >"$PREFIX/share/applications/$APP_ID.desktop"
cp "$HERE/share/metainfo/$APP_ID.metainfo.xml" "$PREFIX/share/metainfo/"
for icon in "$HERE"/share/icons/hicolor/*/apps/*; do
    dest="$PREFIX/share/icons/hicolor/${icon#"$HERE"/share/icons/hicolor/}"
    mkdir -p "$(dirname "$dest")"
    cp "$icon" "$dest"
done
refresh
echo "crmdesk installed in $PREFIX (run $PREFIX/bin/crmdesk, or find crmdesk in your desktop's menu)"
