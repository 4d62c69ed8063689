"""Importing a CSV file's rows as records of one object: map columns, plan, then write.

Three steps, so that nothing is written before the user has seen what will happen:

1. ``auto_map``: each column to an attribute (or a part of one: a name's first or last name,
   an amount's currency code), by title or slug, ignoring case, spaces and punctuation.
2. ``Planner.plan``: every row parsed by the parsers the table's editors use (``parse_user_text``
   after ``store/user_text.resolve_references``: references by title or id, members by name or
   e-mail; each distinct text of a column read once), and
   matched on one unique attribute: a row whose value a record already holds updates it, a row
   repeating an earlier row of the file is merged into that row, the rest create records. A
   refused row says why. Nothing is written: this is the dry run.
3. ``apply_plan``: the planned creates and updates, in batches of one transaction each (rows
   and outbox together, like every edit), so a cancel between batches keeps what was written
   and the window's views hear about each batch.

Empty cells never clear a value: a spreadsheet's blank means "not given" far more often than
"erase this".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crmdesk.model import AttributeDef, AttributeType, ObjectDef, ValidationError, codec_for
from crmdesk.model.csv_text import CsvError, CsvTable, read_csv
from crmdesk.model.values import edit_text, elements, parse_user_text, validate_value, values_equal
from crmdesk.store.user_text import resolve_references

if TYPE_CHECKING:
    from crmdesk.store.store import Store

#: Types a row can be matched on: one value names one record (a name or a note cannot).
MATCHABLE_TYPES = frozenset({AttributeType.TEXT, AttributeType.EMAIL_ADDRESS, AttributeType.DOMAIN,
                             AttributeType.PHONE_NUMBER, AttributeType.NUMBER})
FIRST_NAME, LAST_NAME, CURRENCY = "first_name", "last_name", "currency"
#: Parts a column can fill, by the attribute's type.
PARTS = {AttributeType.PERSONAL_NAME: (FIRST_NAME, LAST_NAME), AttributeType.CURRENCY: (CURRENCY,)}
_PART_TITLES = {FIRST_NAME: "first name", LAST_NAME: "last name", CURRENCY: "currency"}
#: Column titles spreadsheets use for a part, normalised (``_normalised``).
_PART_WORDS = {FIRST_NAME: ("firstname", "givenname", "forename", "first"),
               LAST_NAME: ("lastname", "surname", "familyname", "last"),
               CURRENCY: ("currency", "currencycode")}
#: Column titles that name the first attribute of a type, whatever the workspace calls it.
_TYPE_WORDS = {AttributeType.EMAIL_ADDRESS: ("email", "emailaddress", "mail", "emails"),
               AttributeType.PHONE_NUMBER: ("phone", "phonenumber", "telephone", "tel", "mobile", "phones"),
               AttributeType.DOMAIN: ("domain", "website", "web", "url", "site")}
_NOT_WORD = re.compile(r"[\W_]+")
#: Rows written per transaction: each takes ~0.1 s, so the window answers between them.
BATCH = 500
#: Rows ``apply_plan`` writes per transaction (the command line): fewer, bigger commits, each
#: holding the write lock ~0.5 s; the window writes ``BATCH`` at a time to stay responsive.
WRITE_BATCH = 2000
_REFERENCES = frozenset({AttributeType.RECORD_REFERENCE, AttributeType.ACTOR_REFERENCE})
#: Distinct texts of one column a plan remembers the value of.
_REMEMBERED = 20_000
#: Types whose typed text does not say every part of a value: "Lyon, US" reads as an address of one
#: line, "Mary Ann Smith" as first name "Mary" (``_reads_as``).
_LOSSY_TEXT = frozenset({AttributeType.LOCATION, AttributeType.PERSONAL_NAME})


#: Files bigger than this are refused before being read: no spreadsheet writes one.
MAX_FILE_BYTES = 1 << 30


def read_csv_file(path: Path, encoding: str | None = None, delimiter: str | None = None) -> CsvTable:
    """The table in a file (``read_csv``); ``CsvError`` saying why, for the user, when it cannot be read."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CsvError(f"{path.name} is larger than 1 GiB: split it into smaller files")
        data = path.read_bytes()
    except OSError as error:
        raise CsvError(f"Cannot read {path.name}: {error.strerror or error}") from None
    return read_csv(data, encoding=encoding, delimiter=delimiter)


def _normalised(text: str) -> str:
    return _NOT_WORD.sub("", text.casefold())


@dataclass(frozen=True)
class Target:
    """Where a column's text goes: an attribute, or one part of it (``PARTS``)."""

    slug: str
    part: str | None = None

    def label(self, obj: ObjectDef) -> str:
        attr = obj.attribute(self.slug)
        title = attr.title if attr is not None else self.slug
        return f"{title} ({_PART_TITLES[self.part]})" if self.part else title


def targets(obj: ObjectDef) -> list[Target]:
    """Every target a column can have, in the object's attribute order."""
    found: list[Target] = []
    for attr in sorted(obj.attributes, key=lambda a: a.order):
        found.append(Target(attr.slug))
        found.extend(Target(attr.slug, part) for part in PARTS.get(attr.type, ()))
    return found


def auto_map(obj: ObjectDef, headers: Sequence[str]) -> list[Target | None]:
    """A target for each column whose title names one (each target taken once, leftmost column
    first); None for the rest, which the import ignores."""
    by_name: dict[str, Target] = {}
    ordered = sorted(obj.attributes, key=lambda a: a.order)
    for attr in ordered:
        for part in PARTS.get(attr.type, ()):
            for word in _PART_WORDS[part]:
                by_name.setdefault(_normalised(attr.title) + word, Target(attr.slug, part))
                by_name.setdefault(_normalised(attr.slug) + word, Target(attr.slug, part))
                if attr.type is AttributeType.PERSONAL_NAME:  # "First name" alone is the person's
                    by_name.setdefault(word, Target(attr.slug, part))
    for attr in ordered:
        by_name[_normalised(attr.title)] = by_name.get(_normalised(attr.title)) or Target(attr.slug)
        by_name.setdefault(_normalised(attr.slug), Target(attr.slug))
    for attr_type, words in _TYPE_WORDS.items():
        first = next((a for a in ordered if a.type is attr_type), None)
        if first is not None:
            for word in words:
                by_name.setdefault(word, Target(first.slug))
    taken: set[Target] = set()
    mapping: list[Target | None] = []
    for header in headers:
        target = by_name.get(_normalised(header))
        if target is None or target in taken:
            mapping.append(None)
        else:
            taken.add(target)
            mapping.append(target)
    return mapping


def assign(mapping: Sequence[Target | None], column: int, target: Target | None) -> list[Target | None]:
    """``mapping`` with ``column`` going to ``target``: a target goes to one column, so a column
    that had it is ignored now."""
    changed = [None if target is not None and taken == target else taken for taken in mapping]
    changed[column] = target
    return changed


def default_match(obj: ObjectDef) -> str | None:
    """The attribute rows are matched on unless the user picks one: an e-mail address, else a
    domain, else another attribute the server keeps unique; None when there is none."""
    candidates = [a for a in sorted(obj.attributes, key=lambda a: a.order) if a.type in MATCHABLE_TYPES]
    for wanted in (AttributeType.EMAIL_ADDRESS, AttributeType.DOMAIN):
        for attr in candidates:
            if attr.type is wanted and attr.unique:
                return attr.slug
    for wanted in (AttributeType.EMAIL_ADDRESS, AttributeType.DOMAIN):
        for attr in candidates:
            if attr.type is wanted:
                return attr.slug
    return next((a.slug for a in candidates if a.unique), None)


# -- the plan ------------------------------------------------------------------------------------

CREATE, UPDATE, UNCHANGED, MERGED, REFUSED = "create", "update", "unchanged", "merged", "refused"


@dataclass
class PlannedRow:
    """What one row of the file will do.

    ``parsed`` are the row's canonical values by slug, ``values`` what will be written (for an
    update, only the values that differ from the record's); ``record_id`` the record an update changes;
    ``merged_into`` the earlier row (an index into the plan) a repeated row joins; ``problem`` why
    a row is refused, and ``column`` the column it is about (None: the whole row)."""

    index: int
    line: int
    action: str
    parsed: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    record_id: str | None = None
    #: Names the file gave only parts of (a "First name" column, no full name): completed from the
    #: record's own name on an update, never cut down to the part given.
    partial: set[str] = field(default_factory=set)
    merged_into: int | None = None
    problem: str | None = None
    column: int | None = None


@dataclass
class ImportPlan:
    object_slug: str
    match: str | None
    rows: list[PlannedRow]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    def refused(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.action == REFUSED]

    def work(self) -> list[PlannedRow]:
        """The rows that write something (creates and updates), in file order."""
        return [row for row in self.rows if row.action in (CREATE, UPDATE)]

    def summary(self, *, done: bool = True) -> str:
        """"created 950, updated 48, refused 2" (with unchanged and merged rows when there are)."""
        creating, updating = ("created", "updated") if done else ("to create", "to update")
        parts = [f"{creating} {self.count(CREATE)}", f"{updating} {self.count(UPDATE)}"]
        for action, word in ((UNCHANGED, "unchanged"), (MERGED, "merged into an earlier row")):
            if self.count(action):
                parts.append(f"{word} {self.count(action)}")
        parts.append(f"refused {self.count(REFUSED)}")
        return ", ".join(parts)


class Cancelled(Exception):
    """The user cancelled; what was written before stays (the result says what)."""


class Planner:
    """Plans the rows of one file for one object. Keeps what it looked up in the store (the
    match attribute's values, each reference's record), so planning again after the user fixed a
    cell or changed the mapping costs only the parsing."""

    def __init__(self, store: Store, obj: ObjectDef, *, region: str | None = None) -> None:
        self._store = store
        self._obj = obj
        self._region = region
        self._existing: dict[str, dict[Any, str]] = {}
        self._references: dict[tuple[str, str], str | ValidationError] = {}
        self._parsed: dict[str, dict[str, Any]] = {}
        #: What a new record must have: the required attributes the server fills in no default for.
        self._required = [a for a in sorted(obj.attributes, key=lambda a: a.order)
                          if a.required and a.config.get("default") is None]
        self._limits = store.schema.value_limits()

    def plan(self, table: CsvTable, mapping: Sequence[Target | None], match: str | None = None,
             progress: Callable[[int, int], bool] | None = None) -> ImportPlan:
        """Plan every row; ``progress(done, total)`` returning False raises ``Cancelled``."""
        match_attr = self._match_attribute(match)
        existing = self._existing_keys(match_attr) if match_attr is not None else {}
        first_of: dict[Any, int] = {}
        first_for_record: dict[str, int] = {}
        rows: list[PlannedRow] = []
        total = len(table.rows)
        columns = self._columns(mapping)
        for _column, attr in columns[0]:
            self._parsed.setdefault(attr.slug, {})
        for index, cells in enumerate(table.rows):
            if progress is not None and index % BATCH == 0 and not progress(index, total):
                raise Cancelled
            row = self._plan_row(index, table.lines[index], cells, mapping, columns, table.overlong.get(index))
            rows.append(row)
            if row.action == REFUSED or match_attr is None:
                continue
            keys = [_identity(match_attr, item) for item in elements(row.parsed.get(match_attr.slug))]
            earlier = next((first_of[key] for key in keys if key in first_of), None)
            record_id = next((existing[key] for key in keys if key in existing), None)
            if earlier is None and record_id is not None:
                # Another of the record's values (its second address) named it in an earlier row.
                earlier = first_for_record.get(record_id)
            if earlier is not None:
                self._merge(rows[earlier], row)
                for key in keys:  # a later row naming any of these joins the row that writes, never a merged one
                    first_of.setdefault(key, earlier)
                continue
            for key in keys:
                first_of[key] = index
            if record_id is not None:
                first_for_record[record_id] = index
                self._as_update(row, record_id)
        for row in rows:
            if row.action == CREATE:
                self._refuse_incomplete(row)
        return ImportPlan(self._obj.slug, match_attr.slug if match_attr else None, rows)

    def _match_attribute(self, match: str | None) -> AttributeDef | None:
        if match is None:
            return None
        attr = self._obj.attribute(match)
        if attr is None or attr.type not in MATCHABLE_TYPES:
            names = ", ".join(a.slug for a in self._obj.attributes if a.type in MATCHABLE_TYPES) or "none"
            raise ValidationError(match, f"cannot be matched on (these can: {names})")
        return attr

    def _existing_keys(self, attr: AttributeDef) -> dict[Any, str]:
        """Each value of ``attr`` the object's records hold → the record (the oldest, if several)."""
        if attr.slug not in self._existing:
            attr_id = self._store.schema.attribute_id("object", self._obj.slug, attr.slug)
            found: dict[Any, str] = {}
            rows = self._store.conn.execute(
                "SELECT r.id, v.key FROM record_values v JOIN records r ON r.rowid = v.record_rowid"
                " WHERE v.attribute_id = ? AND r.object_slug = ? ORDER BY r.rowid DESC",
                (attr_id, self._obj.slug))
            for record_id, key in rows:
                found[_identity_of_key(key)] = record_id
            self._existing[attr.slug] = found
        return self._existing[attr.slug]

    def _columns(self, mapping: Sequence[Target | None]) -> tuple[list[tuple[int, AttributeDef]], list[int]]:
        """The mapped columns split in two: (column, attribute) of each column that alone holds
        a plain value (read straight from ``_typed``'s memory), and the other columns (references,
        parts of a name or an amount, and the columns those parts join)."""
        with_parts = {target.slug for target in mapping if target is not None and target.part is not None}
        plain: list[tuple[int, AttributeDef]] = []
        other: list[int] = []
        for column, target in enumerate(mapping):
            if target is None:
                continue
            attr = self._attribute(target.slug)
            if target.part is None and target.slug not in with_parts and attr.type not in _REFERENCES:
                plain.append((column, attr))
            else:
                other.append(column)
        return plain, other

    def _plan_row(self, index: int, line: int, cells: Sequence[str], mapping: Sequence[Target | None],
                  columns: tuple[list[tuple[int, AttributeDef]], list[int]], overlong: int | None) -> PlannedRow:
        row = PlannedRow(index, line, CREATE)
        if overlong is not None:
            row.action, row.problem = REFUSED, (f"has {overlong} cells but the header has {len(cells)} columns "
                                                "(a value holding the delimiter without quotes?)")
            return row
        plain, other = columns
        parsed: dict[str, Any] = {}
        try:
            # The hot loop of a big import (15 columns × 100,000 rows): no call when the text is known.
            for column, attr in plain:
                text = cells[column]
                if not text or text.isspace():
                    continue
                row.column = column
                value = self._parsed[attr.slug].get(text)
                parsed[attr.slug] = self._typed(attr, text) if value is None or isinstance(value, ValidationError) \
                    else value
            texts: dict[str, tuple[str, int]] = {}
            parts: dict[str, dict[str, tuple[str, int]]] = {}
            for column in other:
                target, text = mapping[column], cells[column]
                if target is None or not text.strip():
                    continue
                if target.part is None:
                    texts[target.slug] = (text, column)
                else:
                    parts.setdefault(target.slug, {})[target.part] = (text, column)
            for slug, (text, column) in texts.items():
                row.column = column
                parsed[slug] = self._parse(self._attribute(slug), text, parts.pop(slug, {}))
            for slug, given in parts.items():
                row.column = next(iter(given.values()))[1]
                attr = self._attribute(slug)
                parsed[slug] = self._parse(attr, "", given)
                if attr.type is AttributeType.PERSONAL_NAME:
                    row.partial.add(slug)
        except ValidationError as error:
            row.action, row.problem = REFUSED, f"{error.attribute}: {error.message}"
            return row
        row.column = None
        row.parsed = {slug: value for slug, value in parsed.items() if value is not None}
        row.values = dict(row.parsed)
        if not row.parsed:
            row.action, row.problem = REFUSED, "has no value in a mapped column"
        return row

    def _refuse_incomplete(self, row: PlannedRow) -> None:
        """A new record needs the values the server requires (an update has them already)."""
        missing = [a.title or a.slug for a in self._required if a.slug not in row.parsed]
        if missing:
            row.action, row.values = REFUSED, {}
            row.problem = f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} required for a new record"

    def _attribute(self, slug: str) -> AttributeDef:
        attr = self._obj.attribute(slug)
        if attr is None:
            raise ValidationError(slug, f"is not an attribute of {self._obj.plural_name}")
        return attr

    def _parse(self, attr: AttributeDef, text: str, given: Mapping[str, tuple[str, int]]) -> Any:
        """One attribute's value from its column's text and its parts' columns."""
        if attr.type is AttributeType.PERSONAL_NAME and given:
            first = given.get(FIRST_NAME, ("", 0))[0].strip()
            last = given.get(LAST_NAME, ("", 0))[0].strip()
            full = text.strip() or " ".join(filter(None, (first, last)))
            name = {k: v for k, v in (("first_name", first), ("last_name", last), ("full_name", full)) if v}
            value = validate_value(attr, name)
        elif attr.type is AttributeType.CURRENCY and CURRENCY in given:
            code = given[CURRENCY][0].strip()
            value = self._typed(attr, f"{code} {text.strip()}" if text.strip() else "")
        else:
            value = self._typed(attr, self._resolved(attr, text))
        return value

    def _typed(self, attr: AttributeDef, text: str) -> Any:
        """``parse_user_text`` checked against the server's limits, each distinct text of a column
        read once: a file repeats its stages, cities and dates thousands of times. Unique texts
        (addresses) stop being remembered past ``_REMEMBERED`` per column."""
        remembered = self._parsed.setdefault(attr.slug, {})
        found = remembered.get(text)
        if found is None:
            try:
                found = parse_user_text(attr, text, None, region=self._region)
                self._limits.check(attr, found)
            except ValidationError as error:
                found = error
            if len(remembered) < _REMEMBERED:
                remembered[text] = found
        if isinstance(found, ValidationError):
            raise found
        return found

    def _resolved(self, attr: AttributeDef, text: str) -> str:
        """References named by title or id, as ids (each text looked up once per import)."""
        if attr.type not in _REFERENCES:
            return text
        key = (attr.slug, text)
        if key not in self._references:
            try:
                self._references[key] = resolve_references(self._store, attr, text, unique=True)
            except ValidationError as error:
                self._references[key] = error
        found = self._references[key]
        if isinstance(found, ValidationError):
            raise found
        return found

    def _as_update(self, row: PlannedRow, record_id: str) -> None:
        row.record_id = record_id
        current = self._store.records.get(record_id)
        before = current.values if current is not None else {}
        changed: dict[str, Any] = {}
        for slug, value in row.parsed.items():
            attr = self._attribute(slug)
            if attr.multiselect:  # added to the record's (the address it was matched by among them)
                value = _joined(attr, before.get(slug), value)
            elif slug in row.partial:
                value = _completed_name(before.get(slug), value)
            if not values_equal(before.get(slug), value) and not _reads_as(attr, before.get(slug), value):
                changed[slug] = value
        row.values = changed
        row.action = UPDATE if changed else UNCHANGED

    def _merge(self, first: PlannedRow, repeat: PlannedRow) -> None:
        """A row repeating an earlier one's match value (or naming the same record): its values join
        that row's — its own win, a file being read top to bottom; a multi-value attribute's are
        added — and it does nothing itself."""
        repeat.action, repeat.merged_into = MERGED, first.index
        for slug, value in repeat.parsed.items():
            attr = self._attribute(slug)
            if attr.multiselect:
                first.parsed[slug] = _joined(attr, first.parsed.get(slug), value)
            elif slug in repeat.partial:
                first.parsed[slug] = _completed_name(first.parsed.get(slug), value)
            else:
                first.parsed[slug] = value
                first.partial.discard(slug)
        if first.record_id is not None:
            self._as_update(first, first.record_id)
        else:
            first.values = dict(first.parsed)
        repeat.values = {}


def _reads_as(attr: AttributeDef, held: Any, value: Any) -> bool:
    """Whether ``value`` is what the record's own ``held`` value reads as when written as text: a
    cell showing an address or a name as crmdesk shows it (an exported file, edited and imported
    again) says nothing new, and must not rewrite the parts the record holds as that text."""
    if held is None or attr.type not in _LOSSY_TEXT:
        return False
    try:
        return values_equal(parse_user_text(attr, edit_text(attr, held)), value)
    except ValidationError:
        return False


def _completed_name(held: Any, given: Any) -> Any:
    """A name the file gave only a part of, with the other part kept from ``held`` and the full
    name made again from both ("Augusta" over Ada Lovelace is Augusta Lovelace)."""
    if not isinstance(held, dict) or not isinstance(given, dict):
        return given
    parts = {key: given.get(key) or held.get(key) for key in ("first_name", "last_name")}
    name = {key: text for key, text in parts.items() if text}
    if name:
        name["full_name"] = " ".join(name[key] for key in ("first_name", "last_name") if key in name)
    return name or given


def _joined(attr: AttributeDef, held: Any, added: Any) -> list[Any]:
    """A multi-value attribute's values with ``added``'s appended, none twice (``_identity``)."""
    kept = list(elements(held))
    seen = {_identity(attr, item) for item in kept}
    for item in elements(added):
        if _identity(attr, item) not in seen:
            seen.add(_identity(attr, item))
            kept.append(item)
    return kept


def _identity(attr: AttributeDef, element: Any) -> Any:
    """What two values of the match attribute share when they name the same record: the index's
    match key, ignoring case (``Jane@Example.com`` is ``jane@example.com``)."""
    return _identity_of_key(codec_for(attr.type).match_key(element, attr))


def _identity_of_key(key: Any) -> Any:
    return key.casefold() if isinstance(key, str) else key


# -- writing -------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import wrote: the records it created, and each updated record's values before
    (what Undo puts back). ``cancelled`` when it stopped early; what is here was written, from
    the plan's first ``rows`` rows that write."""

    object_slug: str
    created: list[str] = field(default_factory=list)
    updated: dict[str, dict[str, Any]] = field(default_factory=dict)
    cancelled: bool = False
    rows: int = 0


def apply_plan(store: Store, plan: ImportPlan, progress: Callable[[int, int], bool] | None = None,
               *, batch: int | None = None, into: ImportResult | None = None) -> ImportResult:
    """Write the plan's creates and updates, ``batch`` (``WRITE_BATCH``) rows per transaction; ``progress(done,
    total)`` is asked between batches and returning False stops there (the result is marked
    cancelled and holds what was written). ``into``: the result to fill, batch by batch, so a
    batch the store refuses (raised) leaves the caller knowing what went before it."""
    size = batch or WRITE_BATCH  # read at the call: tests make batches small
    result = into if into is not None else ImportResult(plan.object_slug)
    work = plan.work()
    for start in range(0, len(work), size):
        if progress is not None and not progress(start, len(work)):
            result.cancelled = True
            return result
        apply_batch(store, plan.object_slug, work[start:start + size], result)
    if progress is not None:
        progress(len(work), len(work))
    return result


def apply_batch(store: Store, object_slug: str, rows: Iterable[PlannedRow], result: ImportResult) -> None:
    """One transaction: the batch's new records and its updates, each with its outbox row."""
    rows = list(rows)
    with store.write():
        creates = [row.values for row in rows if row.action == CREATE]
        # The plan's values are parse_user_text's, checked against the server's limits: the
        # checks create_records would make again (~3 µs a value, 5 s for 100,000 rows).
        ids = store.edits.create_records(object_slug, creates, checked=True) if creates else []
        for row in rows:
            if row.action == UPDATE and row.record_id is not None:
                # A record created here may have its server id by now (a sync between batches, or a Redo).
                current = store.record_by_id(row.record_id)
                if current is None:  # deleted since the plan (a sync): nothing to update
                    continue
                before = {slug: current.values.get(slug) for slug in row.values}
                if store.edits.update_record(current.id, row.values) is not None:
                    # Two rows may update one record (matched by each of its addresses): keep the oldest values.
                    result.updated[current.id] = {**before, **result.updated.get(current.id, {})}
    result.created.extend(ids)
    result.rows += len(rows)


def undo_import(store: Store, result: ImportResult, progress: Callable[[int, int], None] | None = None) -> None:
    """Take an import back as new edits (it may be on the server already): its records deleted
    (a create never sent is dropped by the sync with its delete) and the updated values put back.

    ``BATCH`` records per transaction, ``progress(done, total)`` told after each (~0.1 s apart: a
    100,000-record import takes ~25 s to take back). A refusal part-way keeps the batches before
    it; taking the import back again finishes the job (what is gone already is skipped)."""
    work: list[tuple[str, dict[str, Any] | None]] = [(record_id, None) for record_id in result.created]
    work += list(result.updated.items())
    for start in range(0, len(work), BATCH):
        with store.write():
            for record_id, before in work[start:start + BATCH]:
                current = store.record_by_id(record_id)
                if current is None:
                    continue
                if before is None:
                    store.edits.delete_record(current.id)
                else:
                    store.edits.update_record(current.id, before)
        if progress is not None:
            progress(min(start + BATCH, len(work)), len(work))
