"""Schema types: objects, attributes, options/statuses, lists and list attributes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from crmdesk.model.attribute_types import CHOICE_TYPES, MULTISELECT_TYPES, AttributeType

#: ``AttributeDef.config`` key: the value a new record gets when none is given, where the server's
#: schema names one (Atlas's templates); the store fills it in at create, as the server would.
DEFAULT_CONFIG = "default"

#: ``Option.outcome`` of a status that closes a deal as won, or as lost (None: an open stage).
WON = "won"
LOST = "lost"
OUTCOMES = (WON, LOST)


@dataclass(frozen=True, slots=True)
class Option:
    """A select option or a status: same shape, different attribute type."""

    id: str
    title: str
    color: str | None = None
    order: int = 0
    active: bool = True
    #: A status's outcome, where the server says: ``WON``, ``LOST`` or None (open, or not told).
    #: What ``active`` means stays the dialect's (a closed stage on Aria, archived on Attio).
    outcome: str | None = None

    def __post_init__(self) -> None:
        if self.outcome is not None and self.outcome not in OUTCOMES:
            raise ValueError(f"a status's outcome is won, lost or none, not {self.outcome!r}")


@dataclass(frozen=True, slots=True)
class AttributeDef:
    slug: str
    title: str
    type: AttributeType
    id: str | None = None
    required: bool = False
    unique: bool = False
    multiselect: bool = False
    config: Mapping[str, Any] = field(default_factory=dict)
    options: tuple[Option, ...] = ()
    order: int = 0
    system: bool = False

    def __post_init__(self) -> None:
        if self.multiselect and self.type not in MULTISELECT_TYPES:
            raise ValueError(f"{self.type} attributes cannot be multiselect")

    @property
    def has_options(self) -> bool:
        return self.type in CHOICE_TYPES

    @property
    def target_object(self) -> str | None:
        """The object slug a record_reference points at, if the server says."""
        value = self.config.get("target_object")
        return str(value) if value else None

    @property
    def currency_code(self) -> str | None:
        value = self.config.get("currency_code")
        return str(value) if value else None

    def option_by_id(self, option_id: str) -> Option | None:
        for option in self.options:
            if option.id == option_id:
                return option
        return None

    def option_by_title(self, title: str) -> Option | None:
        wanted = title.strip().casefold()
        for option in self.options:
            if option.title.casefold() == wanted:
                return option
        return None


@dataclass(frozen=True, slots=True)
class ObjectDef:
    slug: str
    singular_name: str
    plural_name: str
    icon: str | None = None
    id: str | None = None
    attributes: tuple[AttributeDef, ...] = ()
    system: bool = False
    #: ``{slug: attribute}``, built once with the object (it is frozen, so it never goes stale):
    #: decoding a page of records looks up every value's attribute by slug.
    by_slug: Mapping[str, AttributeDef] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Reversed: were a slug ever listed twice, the first one wins, as a scan would find it.
        lookup = {a.slug: a for a in reversed(self.attributes)}
        object.__setattr__(self, "by_slug", MappingProxyType(lookup))

    def attribute(self, slug: str) -> AttributeDef | None:
        return self.by_slug.get(slug)

    @property
    def title_attribute(self) -> AttributeDef | None:
        """The attribute whose value is the record's title (``name`` by convention)."""
        named = self.attribute("name")
        if named is not None:
            return named
        for attribute in sorted(self.attributes, key=lambda a: a.order):
            if attribute.type in (AttributeType.TEXT, AttributeType.PERSONAL_NAME):
                return attribute
        return None


@dataclass(frozen=True, slots=True)
class ListDef:
    id: str
    name: str
    parent_object: str
    slug: str | None = None
    private: bool = False
    attributes: tuple[AttributeDef, ...] = ()

    def attribute(self, slug: str) -> AttributeDef | None:
        for attribute in self.attributes:
            if attribute.slug == slug:
                return attribute
        return None


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    name: str
    email: str
    role: str = "member"
    user_id: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def actor_id(self) -> str:
        """The id an actor_reference value or a task assignee names: the user's, where the
        server has separate user and membership ids (Aria), else the member's."""
        return self.user_id or self.id


@dataclass(frozen=True, slots=True)
class Workspace:
    id: str
    name: str
    slug: str | None = None
