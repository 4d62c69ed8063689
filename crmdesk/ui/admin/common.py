"""Helpers shared by the admin dialogs: slugs, validation messages, the color palette,
error labels next to fields (the dialog grows so they are read whole), tab order, and how a
server error is told to the admin."""

from __future__ import annotations

import re
import unicodedata

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QLabel, QWidget

from crmdesk.model import AttributeType
from crmdesk.remote.errors import NetworkError, PermissionDenied, RemoteError, ServerRejected
from crmdesk.ui.widgets.error_label import error_color as palette_error_color
from crmdesk.ui.widgets.error_label import error_label as shared_error_label

SLUG_RULE = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_SLUG = 63

#: The palette offered for options and statuses (the server's own demo colors among them).
PALETTE = (
    ("Indigo", "#6366f1"), ("Violet", "#8b5cf6"), ("Purple", "#a855f7"), ("Pink", "#ec4899"),
    ("Red", "#ef4444"), ("Orange", "#f97316"), ("Amber", "#f59e0b"), ("Green", "#22c55e"),
    ("Teal", "#14b8a6"), ("Sky", "#0ea5e9"), ("Blue", "#3b82f6"), ("Gray", "#6b7280"),
)

TYPE_TITLES = {
    AttributeType.TEXT: "Text", AttributeType.NUMBER: "Number", AttributeType.CURRENCY: "Currency",
    AttributeType.DATE: "Date", AttributeType.TIMESTAMP: "Date and time", AttributeType.CHECKBOX: "Checkbox",
    AttributeType.SELECT: "Select", AttributeType.STATUS: "Status", AttributeType.RATING: "Rating",
    AttributeType.EMAIL_ADDRESS: "Email address", AttributeType.PHONE_NUMBER: "Phone number",
    AttributeType.DOMAIN: "Domain", AttributeType.LOCATION: "Location",
    AttributeType.PERSONAL_NAME: "Personal name", AttributeType.RECORD_REFERENCE: "Record reference",
    AttributeType.ACTOR_REFERENCE: "Workspace member", AttributeType.INTERACTION: "Interaction",
}

OFFLINE = ("The server cannot be reached, so nothing was changed. What you typed is kept: "
           "try again when you are online.")


def slugify(text: str) -> str:
    """“Partner Tier 2” → ``partner_tier_2``: ASCII, lowercase, underscores."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "_", folded).strip("_")
    if slug and not slug[0].isalpha():
        slug = f"a_{slug}"
    return slug[:MAX_SLUG]


def slug_problem(slug: str, taken: set[str], owner: str) -> str | None:
    """Why ``slug`` cannot be used (None when it can)."""
    if not slug:
        return "The slug cannot be empty."
    if not SLUG_RULE.match(slug):
        return "Use lowercase letters, digits and underscores only, starting with a letter."
    if len(slug) > MAX_SLUG:
        return f"At most {MAX_SLUG} characters."
    if slug in taken:
        return f"“{slug}” is already used in {owner}."
    return None


def error_label(parent: QWidget | None = None) -> QLabel:
    """A red line under a field, hidden until it has something to say: the shared error line,
    marked as a field's (``fieldError``) and in the admin dialogs' own darker red."""
    label = shared_error_label(parent)
    label.setObjectName("")  # the shared line's name is not the admin line's
    label.setProperty("fieldError", True)
    label.setStyleSheet(f"color: {palette_error_color(label.palette())};")
    return label


def show_error(label: QLabel, text: str | None) -> None:
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text or "")
    label.setVisible(bool(text))
    if text:
        grow_to_fit(label.window())


def grow_to_fit(window: QWidget) -> None:
    """Make ``window`` tall (and wide) enough for everything its layout now shows: a dialog sized
    once keeps its size when an error line or a note appears, and a wrapped line squeezed into
    it is cut off. Never shrinks what the user made bigger."""
    layout = window.layout()
    if layout is None:
        return
    layout.invalidate()
    layout.activate()
    minimum = layout.totalMinimumSize()
    width = max(window.width(), minimum.width())
    # Wrapped labels need more height the narrower they are: ask at the width it will have.
    needed = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else -1
    height = max(window.height(), minimum.height(), needed, layout.totalSizeHint().height()
                 if needed < 0 else 0)
    if (width, height) != (window.width(), window.height()):
        window.resize(width, height)


#: Nouns whose plural is not made by a rule (lowercase).
IRREGULAR_PLURALS = {
    "person": "people", "man": "men", "woman": "women", "child": "children", "foot": "feet",
    "tooth": "teeth", "mouse": "mice", "goose": "geese", "ox": "oxen", "datum": "data",
    "criterion": "criteria", "analysis": "analyses", "index": "indices", "series": "series",
    "species": "species", "staff": "staff", "equipment": "equipment", "information": "information",
}


def plural_of(singular: str) -> str:
    """The English plural of an object's singular name, for the Plural field to start with: the
    last word changes (“Sales region” → “Sales regions”), its capitals kept (“Person” → “People”)."""
    text = singular.rstrip()
    head, _, word = text.rpartition(" ")
    if not word:
        return text
    lower = word.lower()
    if word.isupper() and len(word) > 1:
        plural = word + "s"  # an acronym: FAQ → FAQs
    elif lower in IRREGULAR_PLURALS:
        plural = IRREGULAR_PLURALS[lower]
        plural = plural[:1].upper() + plural[1:] if word[:1].isupper() else plural
    else:
        stem, suffix = word, "s"
        if lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
            stem, suffix = word[:-1], "ies"  # company → companies (but day → days)
        elif lower.endswith(("s", "x", "z", "ch", "sh")):
            suffix = "es"  # box → boxes, address → addresses
        elif lower.endswith("fe"):
            stem, suffix = word[:-2], "ves"  # knife → knives
        plural = stem + suffix
    return f"{head} {plural}" if head else plural


def describe(error: Exception) -> str:
    """The words for the admin: offline, refused by role, the server's own message."""
    if isinstance(error, NetworkError):
        return OFFLINE
    if isinstance(error, PermissionDenied):
        return f"The server refused: only admins may change this. ({error.message})"
    if isinstance(error, ServerRejected):
        return error.message
    if isinstance(error, RemoteError):
        return f"The server said: {error.message}"
    return f"Unexpected error: {error}"


def field_of(error: Exception, fields: tuple[str, ...]) -> str | None:
    """Which field a server refusal is about: where it says so, else the first field it names."""
    if not isinstance(error, ServerRejected):
        return None
    for name in error.field_errors:
        if name in fields:
            return name
    text = error.message.lower()
    for name in fields:
        if name.replace("_", " ") in text or name in text:
            return name
    return None


def swatch(color: str | None, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color) if color else QColor("#d1d5db"))
    return QIcon(pixmap)
