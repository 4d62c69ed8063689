"""What every dialect's adapter shares about a server's schema and its values.

A dialect maps one value at a time (``remote/<dialect>/values.py``); this module holds what is
about a whole answer or a whole write, the same for every dialect:

- **Skip bad values, refuse unknown slugs.** Reading, an unknown slug is ignored (the next
  schema pull brings its attribute) and a value that does not parse is logged and skipped: one
  odd value must not fail a page of 200 records. Poison (``crmdesk.remote.limits``: a lone
  surrogate, a NUL, text over ``MAX_TEXT``) skips the value the same way, before any codec sees
  it. Writing, an unknown slug or a value the server cannot hold is refused up front, naming each
  field (``ServerRejected``), since servers drop what they do not know without a word and the
  user's edit would be lost without a trace.
- **The schema cache**: objects by slug, refreshed from ``objects()``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from crmdesk.model import AttributeDef, ObjectDef, ValidationError
from crmdesk.remote import limits
from crmdesk.remote.errors import ServerRejected

log = logging.getLogger(__name__)

#: One wire value → its canonical value (``ValidationError`` when it does not parse).
ValueReader = Callable[[AttributeDef, Any], Any]
#: One canonical value → its wire form (``ValidationError`` when the server cannot hold it).
ValueWriter = Callable[[AttributeDef, Any], Any]


class SchemaCache:
    """Objects by slug, refreshed by the adapter from ``objects()``."""

    def __init__(self) -> None:
        self._objects: dict[str, ObjectDef] = {}

    def replace(self, objects: list[ObjectDef]) -> None:
        self._objects = {obj.slug: obj for obj in objects}

    def put(self, obj: ObjectDef) -> None:
        self._objects[obj.slug] = obj

    def get(self, slug: str) -> ObjectDef | None:
        return self._objects.get(slug)

    def __contains__(self, slug: object) -> bool:
        return slug in self._objects

    def slugs(self) -> list[str]:
        """The cached objects' slugs (a copy: ``put`` may add one meanwhile)."""
        return list(self._objects)

    def __len__(self) -> int:
        return len(self._objects)


def decode_values(
    attrs: Mapping[str, AttributeDef], raw: Any, *, owner: str, read: ValueReader
) -> dict[str, Any]:
    """Canonical values from a ``{slug: wire value}`` object; bad ones are logged and skipped."""
    out: dict[str, Any] = {}
    if not isinstance(raw, Mapping):
        return out
    # One walk over every value first: almost always clean, and then no value is walked again.
    clean = isinstance(raw, dict) and limits.flaw(raw) is None
    for slug, wire_value in raw.items():
        attr = attrs.get(slug)
        if attr is None:
            # A new attribute we have not pulled yet: the next schema pull brings it.
            log.debug("ignoring unknown attribute %.60r on %s", slug, owner)
            continue
        problem = None if clean else limits.flaw(wire_value)
        if problem is not None:
            log.warning("skipping the value of %r on %s: %s", slug, owner, problem)
            continue
        try:
            value = read(attr, wire_value)
        except ValidationError as error:
            log.warning("skipping unreadable value of %r on %s: %.200s", slug, owner, error.message)
            continue
        if value is not None:
            out[slug] = value
    return out


def encode_values(
    attrs: Mapping[str, AttributeDef], values: Mapping[str, Any], *, write: ValueWriter
) -> dict[str, Any]:
    """Canonical values → ``{slug: wire value}``, or ``ServerRejected`` naming each bad field."""
    out: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for slug, value in values.items():
        attr = attrs.get(slug)
        if attr is None:
            problems[slug] = "The server has no such attribute (it may have been deleted)."
            continue
        try:
            out[slug] = write(attr, value)
        except ValidationError as error:
            problems[slug] = error.message
    if problems:
        detail = "; ".join(f"{slug}: {message}" for slug, message in sorted(problems.items()))
        raise ServerRejected(f"Some values cannot be sent: {detail}", field_errors=problems)
    return out
