"""Text a user typed for a value → its canonical value, the way the window's editors read it.

``parse_user_text`` (the model) does every type; what it cannot know is which record a typed
title names or which member a typed name is. That needs the store, so it lives here, where the
record page's reference field and the ``crmdesk records`` command both find it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from crmdesk.model import AttributeDef, AttributeType, ValidationError
from crmdesk.model.values import parse_user_text

if TYPE_CHECKING:
    from crmdesk.store.store import Store

#: Several references are typed one per line or separated by semicolons: titles hold commas.
_PIECES = re.compile(r"[;\n]")
_REFERENCES = frozenset({AttributeType.RECORD_REFERENCE, AttributeType.ACTOR_REFERENCE})


def resolve_references(store: Store, attr: AttributeDef, text: str, *, unique: bool = False) -> str:
    """Titles (record references) or names and emails (members), or ids, as the text of ids
    the codec accepts; other types' text is returned as it is.

    A title several records share names the newest, as the record page's field always did;
    ``unique=True`` refuses it instead (a script cannot see which one it got).
    Raises ``ValidationError`` naming what was not found.
    """
    if attr.type not in _REFERENCES:
        return text
    pieces = [p.strip() for p in (_PIECES.split(text) if attr.multiselect else [text])]
    resolve = _record_id if attr.type is AttributeType.RECORD_REFERENCE else _member_id
    ids = [resolve(store, attr, piece, unique) for piece in pieces if piece]
    return "; ".join(ids)


def parse_typed(store: Store, attr: AttributeDef, text: str, previous: Any = None, *, unique: bool = False) -> Any:
    """``parse_user_text`` with references resolved first; ``previous`` is the value the text
    replaces (what the user did not type, like a currency code, is kept from it)."""
    return parse_user_text(attr, resolve_references(store, attr, text, unique=unique), previous)


def _record_id(store: Store, attr: AttributeDef, piece: str, unique: bool) -> str:
    target = attr.target_object
    row = store.records.get(piece)
    if row is not None and (target is None or row.object_slug == target):
        return piece
    matches = store.records.ids_titled(piece, target)
    if not matches:
        raise ValidationError(attr.title or attr.slug, f"no record is called “{piece[:60]}”")
    if unique and len(matches) > 1:
        raise ValidationError(attr.title or attr.slug, f"{len(matches)} records are called “{piece[:60]}”: "
                                                       f"name one by its id ({', '.join(matches[:5])})")
    return matches[0]


def _member_id(store: Store, attr: AttributeDef, piece: str, unique: bool) -> str:
    members = store.schema.members()
    for member in members:
        if piece in (member.id, member.actor_id):
            return member.actor_id
    wanted = piece.casefold()
    matches = [m for m in members if wanted in (m.name.casefold(), m.email.casefold())]
    if not matches:
        raise ValidationError(attr.title or attr.slug, f"no member is called “{piece[:60]}”")
    if unique and len(matches) > 1:
        raise ValidationError(attr.title or attr.slug, f"{len(matches)} members are called “{piece[:60]}”: "
                                                       "name one by email")
    return matches[0].actor_id
