"""Shared builders for the model tests: one attribute per type, a display context, strategies."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, tzinfo
from typing import Any

from hypothesis import strategies as st

from crmdesk.model import AttributeDef, AttributeType, Option, ValidationError
from crmdesk.model.codecs.numeric import canonical_number
from crmdesk.model.codecs.temporal import parse_timestamp
from crmdesk.model.values import validate_value

T = AttributeType
ALL_TYPES = tuple(AttributeType)

OPTIONS = (
    Option("opt-lead", "Lead", "#6366f1", order=0),
    Option("opt-qual", "Qualified", "#8b5cf6", order=1),
    Option("opt-won", "Won", "#22c55e", order=2, active=False),
)
RECORD_TITLES = {"rec-acme": "Acme Inc", "rec-globex": "Globex", "rec-jane": "Jane Doe"}
MEMBER_NAMES = {"mem-ada": "Ada Lovelace", "mem-bob": "Bob Builder"}


def make_attr(
    attribute_type: AttributeType,
    *,
    multiselect: bool = False,
    required: bool = False,
    title: str | None = None,
    slug: str | None = None,
    options: tuple[Option, ...] | None = None,
    config: dict[str, Any] | None = None,
) -> AttributeDef:
    """An attribute of a type, titled so messages can be checked for its name."""
    if options is None:
        options = OPTIONS if attribute_type in (T.SELECT, T.STATUS) else ()
    return AttributeDef(
        slug=slug or f"the_{attribute_type.value}",
        title=title or f"My {attribute_type.value.replace('_', ' ').title()}",
        type=attribute_type,
        multiselect=multiselect,
        required=required,
        options=options,
        config=config or {},
    )


class Ctx:
    """A display context that knows a few records and members, in an optional zone."""

    def __init__(self, zone: tzinfo | None = None) -> None:
        self._zone = zone

    def record_title(self, record_id: str) -> str | None:
        return RECORD_TITLES.get(record_id)

    def member_name(self, member_id: str) -> str | None:
        return MEMBER_NAMES.get(member_id)

    @property
    def tz(self) -> tzinfo | None:
        return self._zone


def lookup_for(*attrs: AttributeDef):
    by_slug = {a.slug: a for a in attrs}
    return by_slug.get


# -- hypothesis strategies for canonical values -----------------------------------------

_words = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters=",;\n"),
        min_size=1,
        max_size=24,
    )
    .map(str.strip)
    .filter(bool)
)
_numbers = st.one_of(
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15).map(canonical_number),
)
_timestamps = st.datetimes(timezones=st.just(UTC)).map(parse_timestamp)
_ids = st.from_regex(r"[A-Za-z0-9-]{1,40}", fullmatch=True)


def _validated(attribute_type: AttributeType, strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    attr = make_attr(attribute_type)
    return strategy.map(lambda raw: validate_value(attr, raw))


def _accepted(attribute_type: AttributeType) -> Callable[[Any], bool]:
    """Whether the type's validation accepts a raw element (for strategies' filters)."""
    attr = make_attr(attribute_type)

    def accepted(raw: Any) -> bool:
        try:
            return bool(validate_value(attr, raw) == raw)
        except ValidationError:
            return False

    return accepted


ELEMENTS: dict[AttributeType, st.SearchStrategy[Any]] = {
    T.TEXT: _words,
    T.NUMBER: _numbers,
    T.CURRENCY: st.builds(
        lambda amount, code: {"amount": amount, "currency": code},
        _numbers,
        st.sampled_from([None, "USD", "EUR", "GBP", "JPY", "CHF", "XYZ"]),
    ),
    T.DATE: st.dates().map(lambda d: d.isoformat()),
    T.TIMESTAMP: _timestamps,
    T.CHECKBOX: st.booleans(),
    T.SELECT: st.sampled_from([o.id for o in OPTIONS] + ["opt-not-pulled-yet"]),
    T.STATUS: st.sampled_from([o.id for o in OPTIONS] + ["9303ddc0-d110-4ea5-9e56-f43f5656bd65"]),
    T.RATING: st.one_of(st.integers(0, 5), st.sampled_from([0.5, 1.5, 2.5, 3.5, 4.5])),
    # Addresses email-validator accepts: dots only between characters, no hyphen at a label's edge.
    T.EMAIL_ADDRESS: st.from_regex(
        r"[a-z0-9_+-]{1,10}(\.[a-z0-9_+-]{1,10}){0,2}@[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?\.[a-z]{2,6}", fullmatch=True
    ).filter(_accepted(T.EMAIL_ADDRESS)),
    # E.164 as stored, and numbers kept as a server wrote them (no country code the library can place).
    T.PHONE_NUMBER: _validated(T.PHONE_NUMBER, st.from_regex(r"\+?[1-9][0-9]{2,14}", fullmatch=True)),
    T.DOMAIN: st.from_regex(r"[a-z0-9]{1,20}(\.[a-z0-9]{1,20}){0,2}\.[a-z]{2,6}", fullmatch=True),
    T.LOCATION: _validated(
        T.LOCATION,
        st.fixed_dictionaries(
            {"line1": _words},
            optional={key: _words for key in ("line2", "city", "state", "postcode", "country")},
        ),
    ),
    T.PERSONAL_NAME: _validated(
        T.PERSONAL_NAME,
        st.fixed_dictionaries({"first_name": _words}, optional={"last_name": _words, "full_name": _words}),
    ),
    T.RECORD_REFERENCE: _ids,
    T.ACTOR_REFERENCE: _ids,
    T.INTERACTION: _validated(
        T.INTERACTION,
        st.fixed_dictionaries(
            {"type": st.sampled_from(["email", "call", "meeting", "note"])},
            optional={"subject": _words, "at": _timestamps},
        ),
    ),
}
assert set(ELEMENTS) == set(AttributeType)


def canonical_values(attr: AttributeDef) -> st.SearchStrategy[Any]:
    """Canonical stored values for an attribute: None, one element, or a list when multiselect."""
    element = ELEMENTS[attr.type]
    if attr.multiselect:
        return st.lists(element, min_size=1, max_size=4).map(lambda items: validate_value(attr, items))
    return element
