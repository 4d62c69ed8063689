"""Which object, attribute, option and list of the target holds which of the source's.

Names differ between CRMs ("People" and "Contacts", "Email Addresses" and "Email", "Proposal"
and "Proposal Sent"), so an object or attribute is matched by the first of: its slug, its
name, its kind (a person, a company, a deal; an attribute of a type the object has once), and
last the first word of its title where the target keeps text. A match must be able to hold the
value (``convertible``); what it loses on the way is said (``loss``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from crmdesk.model import AttributeDef, AttributeType, ObjectDef, Option

T = AttributeType

#: Words that name the same kind of object in the CRMs crmdesk speaks.
_OBJECT_KINDS: dict[str, frozenset[str]] = {
    "person": frozenset({"person", "people", "contact", "contacts"}),
    "company": frozenset({"company", "companies", "organisation", "organisations", "organization",
                          "organizations", "account", "accounts"}),
    "deal": frozenset({"deal", "deals", "sale", "sales", "opportunity", "opportunities"}),
}
#: Types an object rarely has twice: the one of each side is matched when names differ.
_KIND_TYPES = frozenset({T.EMAIL_ADDRESS, T.PHONE_NUMBER, T.DOMAIN, T.PERSONAL_NAME, T.CURRENCY, T.STATUS,
                         T.LOCATION})
#: Values the servers set themselves: never written.
UNWRITABLE_TYPES = frozenset({T.INTERACTION})
_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> tuple[str, ...]:
    """A name's words, folded, each without a plural ending: "E-mail Addresses" → ("e", "mail", "address")."""
    return tuple(_singular(word) for word in _WORD.findall(text.casefold()))


def _singular(word: str) -> str:
    for ending, keep in (("ies", "y"), ("sses", "ss"), ("ses", "s"), ("s", "")):
        if word.endswith(ending) and len(word) > len(ending) + 2 and not word.endswith("ss"):
            return word[: -len(ending)] + keep
    return word


def object_kind(obj: ObjectDef) -> str | None:
    names = {obj.slug.casefold(), obj.singular_name.casefold(), obj.plural_name.casefold()}
    for kind, known in _OBJECT_KINDS.items():
        if names & known:
            return kind
    return None


def match_object(source: ObjectDef, targets: Sequence[ObjectDef], taken: Iterable[str] = ()) -> ObjectDef | None:
    """The target object that holds ``source``'s records, or None."""
    free = [t for t in targets if t.slug not in set(taken)]
    for same in (lambda t: t.slug == source.slug,
                 lambda t: words(t.plural_name) == words(source.plural_name)
                 or words(t.singular_name) == words(source.singular_name),
                 lambda t: (kind := object_kind(source)) is not None and object_kind(t) == kind):
        found = [t for t in free if same(t)]
        if len(found) == 1:
            return found[0]
    return None


def convertible(source: AttributeDef, target: AttributeDef, object_slugs: dict[str, str]) -> str | None:
    """Whether ``target`` can hold ``source``'s values: None when not, else what is lost on the way
    ("" when nothing). ``object_slugs``: source object → target object, for references."""
    if source.type in UNWRITABLE_TYPES or target.type in UNWRITABLE_TYPES:
        return None
    losses: list[str] = []
    pairs = {(T.CURRENCY, T.NUMBER): "the amount without its currency",
             (T.TIMESTAMP, T.DATE): "the date without the time",
             (T.SELECT, T.STATUS): "options by title", (T.STATUS, T.SELECT): "statuses by title",
             (T.RATING, T.NUMBER): ""}
    if source.type == target.type:
        if source.type == T.RECORD_REFERENCE:
            wanted = object_slugs.get(source.target_object or "")
            if wanted is None or (target.target_object not in (None, wanted)):
                return None
        if source.type == T.CURRENCY and target.currency_code and target.currency_code != source.currency_code:
            losses.append(f"only amounts in {target.currency_code}")
    elif target.type == T.TEXT:
        losses.append("as text")
    elif (source.type, target.type) in pairs:
        losses.append(pairs[(source.type, target.type)])
    elif (source.type, target.type) == (T.NUMBER, T.CURRENCY) and target.currency_code:
        losses.append(f"as {target.currency_code}")
    else:
        return None
    if source.multiselect and not target.multiselect and target.type != T.TEXT:
        losses.append("only the first of several values")
    return "; ".join(loss for loss in losses if loss)


def match_attribute(source: AttributeDef, targets: Sequence[AttributeDef], object_slugs: dict[str, str],
                    taken: set[str]) -> tuple[AttributeDef, str] | None:
    """The target attribute that holds ``source``'s values, with what is lost; None when none can."""
    free = [t for t in targets if t.slug not in taken and convertible(source, t, object_slugs) is not None]
    same_type = [t for t in free if t.type == source.type]
    not_text = [t for t in free if t.type != T.TEXT]
    mine = set(words(source.title))
    tests: tuple[Callable[[AttributeDef], bool], ...] = (
        lambda t: t.slug == source.slug,
        lambda t: words(t.title) == words(source.title),
        lambda t: bool(mine) and bool(theirs := set(words(t.title))) and (mine <= theirs or theirs <= mine),
        lambda t: source.type in _KIND_TYPES and t.type == source.type and len(same_type) == 1,
        lambda t: source.type in _KIND_TYPES and t.type != T.TEXT and len(not_text) == 1,
        lambda t: t.type == T.TEXT and bool(words(t.title)) and words(t.title)[0] == (words(source.title) or ("",))[0],
    )
    for test in tests:
        found = [t for t in free if test(t)]
        if len(found) == 1:
            return found[0], convertible(source, found[0], object_slugs) or ""
        if len(found) > 1 and test is tests[0]:
            return found[0], convertible(source, found[0], object_slugs) or ""
    return None


def match_option(source: Option, targets: Sequence[Option]) -> Option | None:
    """The target option of the same title, else the one whose title holds all of its words (or
    whose words it holds): "Proposal" → "Proposal Sent", "In Negotiation" → "Negotiation"."""
    mine = set(words(source.title))

    def same(option: Option) -> bool:
        return set(words(option.title)) == mine

    def overlapping(option: Option) -> bool:
        theirs = set(words(option.title))
        return bool(mine) and bool(theirs) and (mine <= theirs or theirs <= mine)

    for test in (same, overlapping):
        found = [t for t in targets if test(t)]
        if len(found) == 1:
            return found[0]
    return None
