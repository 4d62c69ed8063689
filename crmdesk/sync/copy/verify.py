"""After a copy: are the copied things on the target's server, and do their values read back?

Runs on the target's file once its sync has sent the copy and pulled again, so what it holds is
what the server answered. Counts every kind of item per object or list, and compares a sample of
records value by value with what the copy meant to write (``ValueConverter`` again).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from crmdesk.model import is_local_id
from crmdesk.model.values import display_text, values_equal
from crmdesk.store import Store
from crmdesk.store.display_context import StoreDisplayContext
from crmdesk.sync.copy.convert import ValueConverter
from crmdesk.sync.copy.kinds import COMMENT, ENTRY, NOTE, RECORD, TASK
from crmdesk.sync.copy.plan import CopyPlan

#: Records per object whose values are compared.
SAMPLE = 25


@dataclass(slots=True)
class Verification:
    lines: list[str] = field(default_factory=list)
    #: Items the map names that never reached the target's server (still unsent, or refused).
    missing: int = 0
    #: Items that reached it and have gone since (deleted there): said, not a failure.
    gone: int = 0
    #: Sampled values that differ from what was copied.
    differing: int = 0
    compared: int = 0

    @property
    def ok(self) -> bool:
        return self.missing == 0 and self.differing == 0


def verify(source: Store, target: Store, plan: CopyPlan, sample: int = SAMPLE) -> Verification:
    """What arrived. A record is compared only if it has not changed here since it was copied (a
    copy is not updated by later runs); one that reached the server and is gone since (deleted
    there) is counted apart from one that never arrived."""
    out = Verification()
    records = source.copy_map.targets(plan.target_key, RECORD)
    copied_at = source.copy_map.copied_at(plan.target_key, RECORD)

    def on_server(target_id: str) -> str | None:
        row = target.record_by_id(target_id)
        return row.id if row is not None and not is_local_id(row.id) else None

    converter = ValueConverter(plan.members, lambda s: on_server(records[s]) if s in records else None,
                               StoreDisplayContext(source, UTC), target.schema.value_limits())
    target_ctx = StoreDisplayContext(target, UTC)
    for om in plan.objects:
        if om.target is None:
            continue
        here = sorted(i for i in source.records.ids(om.source.slug) if not is_local_id(i))
        copied = [i for i in here if i in records]
        there = [i for i in copied if on_server(records[i]) is not None]
        gone = sum(1 for i in copied if on_server(records[i]) is None and not is_local_id(records[i]))
        missing = len(copied) - len(there) - gone
        out.missing += missing
        out.gone += gone
        parts = [f"{om.source.plural_name}: {len(here):,} here, {len(there):,} of them on the server as "
                 f"{om.target.plural_name}"]
        if missing:
            parts.append(f"{missing:,} copied but not there")
        if gone:
            parts.append(f"{gone:,} deleted there since they were copied")
        if len(here) > len(copied):
            parts.append(f"{len(here) - len(copied):,} not copied")
        out.lines.append(", ".join(parts))
        step = max(1, len(there) // sample) if there else 1
        differing: list[str] = []
        for source_id in there[::step][:sample]:
            row = source.records.get(source_id)
            made = target.record_by_id(records[source_id])
            if row is None or made is None or (row.updated_at or "") > copied_at.get(source_id, ""):
                continue  # changed here since it was copied: the copy holds what it was then
            for am in om.attributes:
                if am.target is None:
                    continue
                expected, _ = converter.convert(am, row.values.get(am.source.slug))
                actual: Any = made.values.get(am.target.slug)
                if expected is None:
                    continue
                out.compared += 1
                if not values_equal(expected, actual):
                    out.differing += 1
                    differing.append(f"  {om.source.singular_name} “{row.title}”, {am.target.title}: copied "
                                     f"“{display_text(am.target, expected, target_ctx)}”, the server has "
                                     f"“{display_text(am.target, actual, target_ctx)}”")
        out.lines.extend(differing[:10])
    for kind, label, held in ((ENTRY, "list entries", target.entries.get), (NOTE, "notes", target.notes.get),
                              (TASK, "tasks", target.tasks.get), (COMMENT, "notes as comments", None)):
        mapped = source.copy_map.targets(plan.target_key, kind)
        if not mapped:
            continue
        sent = [t for t in mapped.values() if not is_local_id(t) and (held is None or held(t) is not None)]
        unsent = sum(1 for t in mapped.values() if is_local_id(t))
        gone = len(mapped) - len(sent) - unsent
        out.missing += unsent
        out.gone += gone
        line = f"{label}: {len(mapped):,} copied, {len(sent):,} on the server"
        line += f", {unsent:,} not sent" if unsent else ""
        line += f", {gone:,} deleted there since" if gone else ""
        out.lines.append(line)
    out.lines.append(f"values compared: {out.compared:,}, differing: {out.differing:,}")
    return out
