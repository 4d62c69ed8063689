"""A record page's "Related" and "Lists" sections: the records this one points at and those
pointing here, grouped by object (``related_groups``, read offline), and the lists it is in, each
a link that opens its page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLayout, QVBoxLayout

from crmdesk.model import AttributeType, Condition, FilterGroup, ObjectDef, Operator
from crmdesk.model.values import elements
from crmdesk.ui.widgets.attribute_form import LinkLabel
from crmdesk.ui.widgets.section import muted

if TYPE_CHECKING:
    from crmdesk.store import RecordRow, Store

#: Related records listed per group before "and N more".
RELATED_SHOWN = 8


@dataclass(slots=True)
class RelatedGroup:
    heading: str  # the other object's plural name
    links: list[tuple[str, str, str]]  # (record id, title, how it is related)
    total: int


def related_groups(store: Store, record: RecordRow, obj: ObjectDef) -> list[RelatedGroup]:
    """Records this one points at and records pointing here, grouped by object — offline."""
    found: dict[str, RelatedGroup] = {}
    objects = store.schema.objects()

    def group(slug: str) -> RelatedGroup:
        other = objects.get(slug)
        return found.setdefault(slug, RelatedGroup(other.plural_name if other else slug, [], 0))

    titles_wanted: list[tuple[str, str]] = []
    for attr in obj.attributes:
        if attr.type is AttributeType.RECORD_REFERENCE:
            titles_wanted += [(str(i), attr.title) for i in elements(record.values.get(attr.slug))]
    if titles_wanted:
        rows = {r.id: r for r in store.records.rows(
            [rid for rid in (store.records.rowid_of(i) for i, _ in titles_wanted) if rid is not None])}
        for target_id, how in titles_wanted:
            row = rows.get(target_id)
            if row is not None:
                g = group(row.object_slug)
                g.links.append((row.id, row.title, how))
                g.total += 1
    for slug, other in objects.items():
        for attr in other.attributes:
            if attr.type is not AttributeType.RECORD_REFERENCE or attr.target_object not in (None, obj.slug):
                continue
            where = FilterGroup("and", (Condition(attr.slug, Operator.EQUALS, record.id),))
            rowids = store.records.query_ids(slug, where)
            if not rowids:
                continue
            g = group(slug)
            g.total += len(rowids)
            room = max(RELATED_SHOWN - len(g.links), 0)
            g.links += [(r.id, r.title, attr.title) for r in store.records.rows(rowids[:room])]
    return [g for g in found.values() if g.total]


def clear(box: QLayout) -> None:
    """Empty ``box``, nested layouts and all (their widgets are deleted)."""
    while box.count():
        item = box.takeAt(0)
        if item is None:
            return
        widget, inner = item.widget(), item.layout()
        if widget is not None:
            widget.deleteLater()
        elif inner is not None:
            clear(inner)


def show_related(box: QVBoxLayout, store: Store, row: RecordRow, obj: ObjectDef,
                 go: Callable[[str], None]) -> list[LinkLabel]:
    """Fill ``box`` with ``row``'s related records, grouped; their links (``go`` opens one)."""
    clear(box)
    links: list[LinkLabel] = []
    groups = related_groups(store, row, obj)
    if not groups:
        box.addWidget(muted("Nothing links here yet. References from other records "
                            "(a deal's company, a person's employer) show up here."))
    for group in groups:
        heading = QLabel(f"{group.heading} ({group.total})")
        heading.setTextFormat(Qt.TextFormat.PlainText)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        box.addWidget(heading)
        for record_id, title, how in group.links:
            line = QHBoxLayout()
            link = LinkLabel(title)
            link.setProperty("record_id", record_id)
            link.clicked.connect(lambda rid=record_id: go(f"record:{rid}"))
            links.append(link)
            line.addSpacing(10)
            line.addWidget(link, 1)
            line.addWidget(muted(how), 0)
            box.addLayout(line)
        if group.total > len(group.links):
            more = muted(f"and {group.total - len(group.links):,} more")
            more.setContentsMargins(10, 0, 0, 0)
            box.addWidget(more)
    return links


def show_lists(box: QVBoxLayout, store: Store, record_id: str, go: Callable[[str], None]) -> list[LinkLabel]:
    """Fill ``box`` with the lists the record is in, by name; their links (``go`` opens one)."""
    clear(box)
    links: list[LinkLabel] = []
    lists = store.schema.lists()
    names = sorted({(lists[e.list_id].name, e.list_id) for e in store.entries.for_record(record_id)
                    if e.list_id in lists})
    if not names:
        box.addWidget(muted("Not in any list."))
    for name, list_id in names:
        link = LinkLabel(name)
        link.clicked.connect(lambda lid=list_id: go(f"list:{lid}"))
        links.append(link)
        box.addWidget(link)
    return links
