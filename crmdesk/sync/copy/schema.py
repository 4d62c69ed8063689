"""Make on the target what the plan says it lacks and can make: objects, attributes, options and
lists (with their attributes). Straight through the target's backend, as the admin dialogs do:
schema is not queued offline. The caller syncs the target afterwards and plans again, so the
copy writes only into schema its file holds."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

from crmdesk.model import AttributeDef, Option
from crmdesk.remote import Backend
from crmdesk.sync.copy.plan import AttributeMap, CopyPlan
from crmdesk.sync.status import Cancelled


def make_missing_schema(plan: CopyPlan, backend: Backend, *, cancel: threading.Event | None = None,
                        said: Callable[[str], None] = lambda _: None) -> int:
    """Make what ``plan`` marks ``make``; how many things were made. ``said`` hears each, in words."""
    made = 0

    def check() -> None:
        if cancel is not None and cancel.is_set():
            raise Cancelled()

    slugs = {o.source.slug: o.target_slug for o in plan.objects if o.target_slug is not None}
    for om in plan.objects:
        check()
        if om.make:
            backend.create_object(om.source.slug, om.source.singular_name, om.source.plural_name, om.source.icon)
            said(f"made the object {om.source.plural_name}")
            made += 1
        owner = om.target_slug
        if owner is None:
            continue
        for am in om.attributes:
            check()
            if am.make:
                created = backend.create_attribute(owner, _new_attribute(am, slugs))
                said(f"made the attribute {owner}.{created.slug}")
                made += 1 + _make_options(backend, owner, created, am.make_options, said)
            elif am.target is not None and am.make_options:
                made += _make_options(backend, owner, am.target, am.make_options, said)
    for lm in plan.lists:
        check()
        parent = slugs.get(lm.source.parent_object)
        if parent is None:
            continue
        list_id = lm.target.id if lm.target is not None else None
        if lm.make:
            list_id = backend.create_list(lm.source.name, parent, lm.source.private).id
            said(f"made the list {lm.source.name}")
            made += 1
        if list_id is None:
            continue
        for am in lm.attributes:
            if am.make:
                # A list attribute's options go with it: there is no call to add one later.
                backend.create_list_attribute(list_id, _new_attribute(am, slugs))
                said(f"made the list attribute {lm.source.name}.{am.source.slug}")
                made += 1
    return made


def _new_attribute(am: AttributeMap, slugs: dict[str, str]) -> AttributeDef:
    """The source's attribute as the target makes it: its references to the target's object,
    options new (the target gives ids), not required (records copied before it have no value)."""
    source = am.source
    config = dict(source.config)
    if source.target_object:
        config["target_object"] = slugs[source.target_object]
    options = tuple(Option("", o.title, o.color, o.order, o.active, o.outcome) for o in am.make_options)
    return replace(source, id=None, required=False, unique=False, config=config, options=options, system=False)


def _make_options(backend: Backend, owner: str, attribute: AttributeDef, options: tuple[Option, ...],
                  said: Callable[[str], None]) -> int:
    """The options ``attribute`` (as the target has it now) lacks by title; how many were made."""
    have = {o.title.casefold() for o in attribute.options}
    made = 0
    for option in options:
        if option.title.casefold() in have:
            continue
        backend.create_option(owner, attribute, Option("", option.title, option.color, option.order))
        said(f"made the option “{option.title}” of {owner}.{attribute.slug}")
        made += 1
    return made
