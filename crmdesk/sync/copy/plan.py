"""A workspace copy's plan: what of the source goes where on the target, and what cannot go.

Made before anything is written (``make_plan``), shown to the user, and made again after the
schema the target lacks was created there (``CopyPlan.schema_to_make``), so the copy itself only
follows a plan whose every target exists.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from crmdesk.model import AttributeDef, ListDef, ObjectDef, Option, is_local_id
from crmdesk.model.attribute_types import CHOICE_TYPES
from crmdesk.model.limits import NO_LIMITS, ValueLimits
from crmdesk.remote import Capabilities
from crmdesk.store import Store
from crmdesk.sync.copy.kinds import KIND_NAMES, counted, counted_kind
from crmdesk.sync.copy.matching import (
    UNWRITABLE_TYPES,
    convertible,
    match_attribute,
    match_object,
    match_option,
    words,
)

#: ``Overrides`` value: leave this object or attribute out.
LEAVE_OUT = ""


@dataclass(frozen=True, slots=True)
class AttributeMap:
    """Where one attribute's values go: ``target`` (None: nowhere, ``reason`` says why, unless
    ``make``: the target's server can make it and will be asked to). ``loss``: what the values lose
    on the way, in words ("as text"). ``options``: source option id → target option id."""

    source: AttributeDef
    target: AttributeDef | None = None
    make: bool = False
    loss: str = ""
    reason: str = ""
    options: Mapping[str, str] = field(default_factory=dict)
    #: Source options no target option matches: their values are not copied.
    missing_options: tuple[Option, ...] = ()
    #: Source options the target's server will be asked to make (an attribute made there, or one
    #: lacking options, where schema admin is on).
    make_options: tuple[Option, ...] = ()
    #: A reference no attribute there holds, copied as links between the records with this role
    #: (a target whose records link with roles, such as Atlas's).
    link_role: str = ""


@dataclass(frozen=True, slots=True)
class ObjectMap:
    source: ObjectDef
    target: ObjectDef | None
    attributes: tuple[AttributeMap, ...]
    records: int
    make: bool = False
    reason: str = ""

    @property
    def target_slug(self) -> str | None:
        return self.target.slug if self.target is not None else (self.source.slug if self.make else None)


@dataclass(frozen=True, slots=True)
class ListMap:
    source: ListDef
    target: ListDef | None
    attributes: tuple[AttributeMap, ...]
    entries: int
    make: bool = False
    reason: str = ""


@dataclass(frozen=True, slots=True)
class CopyPlan:
    """Everything the copy will do, and will not."""

    target_key: str
    target_name: str
    objects: tuple[ObjectMap, ...]
    lists: tuple[ListMap, ...]
    notes: int
    #: "notes", "comments" (the target keeps no notes, but comments on records), or "" (neither).
    notes_as: str
    tasks: int
    tasks_copied: bool
    #: Source actor id → target actor id, matched by e-mail address.
    members: Mapping[str, str]
    unmatched_members: tuple[str, ...]
    #: Items made offline in the source and not yet synced: not copied (sync first).
    unsynced: int
    #: What earlier copies to this target made, by kind: skipped this time.
    copied_before: Mapping[str, int]
    #: The target lists its members (so people are matched by e-mail); off: none can be.
    members_listed: bool = True

    @property
    def schema_to_make(self) -> bool:
        return any(o.make or any(a.make or a.make_options for a in o.attributes) for o in self.objects) or any(
            lst.make or any(a.make or a.make_options for a in lst.attributes) for lst in self.lists)

    def object_map(self, source_slug: str) -> ObjectMap | None:
        return next((o for o in self.objects if o.source.slug == source_slug), None)

    def lines(self) -> list[str]:
        """The plan in words, one line each (the command's stderr, the dialog's list)."""
        out = [f"Copy to {self.target_name}:"]
        for om in self.objects:
            if om.target_slug is None:
                records = counted(om.records, "record", "records")
                out.append(f"  {om.source.plural_name}: {records} NOT copied — {om.reason}")
                continue
            name = om.target.plural_name if om.target is not None else f"{om.source.plural_name} (to be made)"
            out.append(f"  {om.source.plural_name} → {name}: {counted(om.records, 'record', 'records')}")
            out.extend(f"    {line}" for line in _attribute_lines(om.attributes))
        for lm in self.lists:
            if lm.target is None and not lm.make:
                entries = counted(lm.entries, "entry", "entries")
                out.append(f"  list {lm.source.name}: {entries} NOT copied — {lm.reason}")
                continue
            made = "" if lm.target is not None else " (to be made)"
            out.append(f"  list {lm.source.name}{made}: {counted(lm.entries, 'entry', 'entries')}")
            out.extend(f"    {line}" for line in _attribute_lines(lm.attributes))
        out.append(f"  notes: {self.notes:,}" + ("" if self.notes_as == "notes" else
                   " as comments (plain text)" if self.notes_as == "comments" else
                   " NOT copied — the target keeps no notes"))
        kept = "" if self.tasks_copied else " NOT copied — the target keeps no tasks"
        out.append(f"  tasks: {self.tasks:,}{kept}")
        if not self.members_listed:
            out.append("  owners and assignees are left out: the target does not list its members")
        elif self.unmatched_members:
            out.append(f"  members with no account of the same e-mail there (their names are left out): "
                       f"{', '.join(self.unmatched_members)}")
        if self.unsynced:
            out.append(f"  {self.unsynced:,} items made offline here are not copied until they are synced")
        if any(self.copied_before.get(kind) for kind in KIND_NAMES):
            done = ", ".join(counted_kind(self.copied_before[kind], kind) for kind in KIND_NAMES
                             if self.copied_before.get(kind))
            out.append(f"  copied before (skipped): {done}")
        return out


def _attribute_lines(maps: Sequence[AttributeMap]) -> list[str]:
    out = []
    for am in maps:
        if am.link_role:
            out.append(f"{am.source.title} → links with the role “{am.link_role}”")
            continue
        if am.target is None and not am.make:
            out.append(f"{am.source.title}: NOT copied — {am.reason}")
            continue
        where = am.target.title if am.target is not None else f"{am.source.title} (to be made)"
        loss = f" ({am.loss})" if am.loss else ""
        out.append(f"{am.source.title} → {where}{loss}")
        if am.make_options:
            out.append(f"  options to be made there: {', '.join(f'“{o.title}”' for o in am.make_options)}")
        if am.missing_options:
            titles = ", ".join(f"“{o.title}”" for o in am.missing_options)
            out.append(f"  options with no match there (those values are NOT copied): {titles}")
    return out


#: Source object slug (or ``object.attribute``) → target slug, or ``LEAVE_OUT``.
Overrides = Mapping[str, str]


def workspace_key(store: Store) -> str:
    """Names a workspace file's server workspace: its dialect, server and workspace id — the target
    in the source's copy map, and the source in the ids a copy derives (``write.derived_id``)."""
    dialect, url = store.schema.get_metas("dialect", "server_url")
    workspace = store.schema.workspace()
    return f"{dialect}|{url}|{workspace.id if workspace else ''}"


def make_plan(source: Store, target: Store, capabilities: Capabilities, target_key: str, target_name: str,
              overrides: Overrides | None = None) -> CopyPlan:
    """What a copy from ``source`` to ``target`` (a workspace file synced with its server) would do."""
    overrides = overrides or {}
    admin = capabilities.schema_admin
    target_objects = list(target.schema.objects().values())
    object_targets: dict[str, ObjectDef | None] = {}
    taken: list[str] = []
    sources = sorted(source.schema.objects().values(), key=lambda o: (not o.system, o.slug))
    for obj in sources:
        chosen = _chosen_object(obj, target_objects, overrides, taken)
        object_targets[obj.slug] = chosen
        if chosen is not None:
            taken.append(chosen.slug)
    slugs = {s: t.slug for s, t in object_targets.items() if t is not None}
    makeable = {o.slug for o in sources if object_targets[o.slug] is None and admin
                and overrides.get(o.slug) != LEAVE_OUT and o.slug not in {t.slug for t in target_objects}}
    slugs.update({s: s for s in makeable})
    unsynced = 0
    objects = []
    for obj in sources:
        ids = source.records.ids(obj.slug)
        local = sum(1 for i in ids if is_local_id(i))
        unsynced += local
        chosen = object_targets[obj.slug]
        if chosen is None and obj.slug not in makeable:
            reason = ("left out" if overrides.get(obj.slug) == LEAVE_OUT else
                      "the target has no object like it and cannot make one" if not admin else
                      "the target has an object of that slug holding something else")
            objects.append(ObjectMap(obj, None, (), len(ids) - local, reason=reason))
            continue
        attrs = _attribute_maps(obj.slug, obj.attributes, chosen.attributes if chosen else (), slugs, overrides,
                                admin, _writable_in(capabilities, chosen), links=capabilities.record_links,
                                limits=capabilities.value_limits)
        objects.append(ObjectMap(obj, chosen, attrs, len(ids) - local, make=chosen is None))
    lists = []
    for lst in source.schema.lists().values():
        entry_ids = source.entries.ids(lst.id)  # read once: the plan's count and the offline ones
        unsynced += sum(1 for i in entry_ids if is_local_id(i))
        lists.append(_list_map(lst, entry_ids, target, slugs, capabilities, overrides))
    members, unmatched = _members(source, target, capabilities)
    notes = source.notes.by_id()
    tasks = source.tasks.by_id()
    unsynced += sum(1 for i in notes if is_local_id(i)) + sum(1 for i in tasks if is_local_id(i))
    notes_as = "notes" if capabilities.notes else "comments" if capabilities.comments else ""
    return CopyPlan(target_key, target_name, tuple(objects), tuple(lists),
                    sum(1 for i in notes if not is_local_id(i)), notes_as,
                    sum(1 for i in tasks if not is_local_id(i)), capabilities.tasks, members, unmatched, unsynced,
                    source.copy_map.counts(target_key), capabilities.members_listed)


def _writable_in(capabilities: Capabilities, obj: ObjectDef | None) -> Callable[[str], bool]:
    """Whether an attribute of ``obj`` (on the target) may be written."""
    if obj is None:
        return lambda _: True
    owner = obj.slug
    return lambda attribute: capabilities.writable(owner, attribute)


def _chosen_object(obj: ObjectDef, targets: list[ObjectDef], overrides: Overrides,
                   taken: list[str]) -> ObjectDef | None:
    if obj.slug in overrides:
        wanted = overrides[obj.slug]
        return next((t for t in targets if wanted and wanted in (t.slug, t.singular_name, t.plural_name)), None)
    return match_object(obj, targets, taken)


def _attribute_maps(owner: str, sources: Sequence[AttributeDef], everything: Sequence[AttributeDef],
                    slugs: dict[str, str], overrides: Overrides, admin: bool,
                    writable: Callable[[str], bool] = lambda _: True, *,
                    links: bool = False, options_makeable: bool | None = None,
                    limits: ValueLimits = NO_LIMITS) -> tuple[AttributeMap, ...]:
    """``options_makeable``: options an attribute there lacks can be made (default: ``admin``; never
    for a list's attribute that exists, whose options are made only with it)."""
    taken: set[str] = set()
    out = []
    target_slugs = {t.slug for t in everything}
    targets = [t for t in everything if writable(t.slug)]
    read_only = [t for t in everything if not writable(t.slug)]
    for attr in sorted(sources, key=lambda a: a.order):
        key = f"{owner}.{attr.slug}"
        if attr.type in UNWRITABLE_TYPES:
            out.append(AttributeMap(attr, reason="its server sets it; it cannot be written"))
            continue
        if key in overrides:
            wanted = overrides[key]
            found = next((t for t in targets if wanted and wanted in (t.slug, t.title)), None)
            chosen_loss = convertible(attr, found, slugs) if found is not None else None
            if found is None or chosen_loss is None:
                out.append(AttributeMap(attr, reason="left out" if wanted == LEAVE_OUT else
                                        f"no attribute “{wanted}”" if found is None else
                                        f"{found.title} there cannot hold it"))
                continue
            match: tuple[AttributeDef, str] | None = (found, chosen_loss)
        else:
            match = match_attribute(attr, targets, slugs, taken)
        if match is None and (set_there := match_attribute(attr, read_only, slugs, set())) is not None:
            out.append(AttributeMap(attr, reason=f"{set_there[0].title} there is set by its server"))
            continue
        if match is None:
            refers = attr.target_object
            if admin and attr.slug not in target_slugs and (refers is None or refers in slugs):
                out.append(AttributeMap(attr, make=True, make_options=attr.options))
            elif links and refers in slugs:
                out.append(AttributeMap(attr, link_role=attr.title))
            else:
                why = "" if not refers or refers in slugs else " (what it refers to is not copied)"
                out.append(AttributeMap(attr, reason=f"no attribute there can hold it{why}"))
            continue
        found, loss = match
        taken.add(found.slug)
        if attr.multiselect and found.type in limits.one_value:  # the server keeps one, whatever it says
            loss = "; ".join(part for part in (loss, "only the first of several values") if part)
        options, missing = _options(attr, found)
        made = missing if (admin if options_makeable is None else options_makeable) and found.has_options else ()
        out.append(AttributeMap(attr, found, loss=loss, options=options,
                                missing_options=() if made else missing, make_options=made))
    return tuple(out)


def _options(source: AttributeDef, target: AttributeDef) -> tuple[dict[str, str], tuple[Option, ...]]:
    if source.type not in CHOICE_TYPES or target.type not in CHOICE_TYPES:
        return {}, ()
    mapped: dict[str, str] = {}
    missing = []
    for option in source.options:
        found = match_option(option, target.options)
        if found is None:
            missing.append(option)
        else:
            mapped[option.id] = found.id
    return mapped, tuple(missing)


def _list_map(lst: ListDef, entry_ids: set[str], target: Store, slugs: dict[str, str], capabilities: Capabilities,
              overrides: Overrides) -> ListMap:
    count = sum(1 for i in entry_ids if not is_local_id(i))
    parent = slugs.get(lst.parent_object)
    if is_local_id(lst.id):
        return ListMap(lst, None, (), count, reason="made offline here and not synced yet")
    if not capabilities.lists:
        return ListMap(lst, None, (), count, reason="the target keeps no lists")
    if parent is None:
        return ListMap(lst, None, (), count, reason="its records are not copied")
    same = [t for t in target.schema.lists().values()
            if t.parent_object == parent and words(t.name) == words(lst.name)]
    if same:
        attrs = _attribute_maps(f"list:{lst.name}", lst.attributes, same[0].attributes, slugs, overrides,
                                capabilities.schema_admin, options_makeable=False, limits=capabilities.value_limits)
        return ListMap(lst, same[0], attrs, count)
    if not capabilities.schema_admin:
        return ListMap(lst, None, (), count, reason="the target has no list of that name and cannot make one")
    attrs = _attribute_maps(f"list:{lst.name}", lst.attributes, (), slugs, overrides, True)
    return ListMap(lst, None, attrs, count, make=True)


def _members(source: Store, target: Store, capabilities: Capabilities) -> tuple[dict[str, str], tuple[str, ...]]:
    theirs = {m.email.casefold(): m.actor_id for m in target.schema.members() if m.email}
    mapped: dict[str, str] = {}
    unmatched = []
    for member in source.schema.members():
        found = theirs.get(member.email.casefold()) if member.email else None
        if found is None:
            unmatched.append(member.email or member.name)
        else:
            mapped[member.actor_id] = found
            mapped[member.id] = found
    return mapped, tuple(unmatched)
