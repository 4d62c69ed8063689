"""Workspace, members, objects, attributes, options and lists in the cache."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from crmdesk.model import AttributeDef, AttributeType, ListDef, Member, ObjectDef, Option, Workspace
from crmdesk.model.limits import ValueLimits
from crmdesk.model.schema import OUTCOMES
from crmdesk.store.changes import ChangeLog

#: Meta keys: the capabilities' JSON object, and the value limits kept alone by older files.
CAPABILITIES_META = "capabilities"
LEGACY_LIMITS_META = "value_limits"
#: The member id of the person using the workspace (``SchemaRepo.me``).
ME_KEY = "me_member_id"
#: Meta key: the dialect the workspace's server speaks.
DIALECT_META = "dialect"


class SchemaRepo:
    """Reads and replaces the schema. Lookups are cached until the schema changes."""

    def __init__(self, conn: sqlite3.Connection, changes: ChangeLog | None = None) -> None:
        self._conn = conn
        self._changes = changes or ChangeLog(conn)
        self._objects: dict[str, ObjectDef] | None = None
        self._lists: dict[str, ListDef] | None = None
        self._attribute_ids: dict[tuple[str, str, str], int] | None = None
        #: The last ``value_limits`` answer, with the raw meta texts it was read from.
        self._limits: tuple[tuple[str | None, str | None], ValueLimits] | None = None

    def invalidate(self) -> None:
        self._objects = None
        self._lists = None
        self._attribute_ids = None

    # -- meta / workspace -------------------------------------------------------------

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def get_metas(self, *keys: str) -> tuple[str | None, ...]:
        """Several meta values in one read, in the order asked (None for a key not kept)."""
        marks = ", ".join("?" * len(keys))
        found = dict(self._conn.execute(f"SELECT key, value FROM meta WHERE key IN ({marks})", keys).fetchall())
        return tuple(found.get(key) for key in keys)

    def set_meta(self, key: str, value: str | None) -> None:
        if value is None:
            self._conn.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            self._conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def me(self) -> str | None:
        """The member id of the person using this workspace ("me" in filters, "you" among the
        members), as the server said or the user chose; None until either did."""
        return self.get_meta(ME_KEY)

    def my_actor_id(self) -> str | None:
        """The id "me" stands for in an owner or assignee value: the actor id of the member
        ``me()`` names (a member id or a user id); None until known. A member not downloaded yet
        is named by the id as given, the best guess."""
        me = self.me()
        if not me:
            return None
        for member in self.members():
            if me in (member.id, member.user_id):
                return member.actor_id
        return me

    def set_me(self, member_id: str | None) -> None:
        """Write inside ``Store.write()``."""
        self.set_meta(ME_KEY, member_id)
        # Which member is "you" changed: views showing my tasks, my deals or "you" read again.
        self._changes.flag("members")

    def capabilities_json(self) -> dict[str, Any] | None:
        """What the workspace's server can do as the last probe said, in the JSON form
        ``crmdesk.remote.capabilities_json`` writes and reads (the store does not import remote);
        None before a probe, or when what is kept is unreadable."""
        try:
            data = json.loads(self.get_meta(CAPABILITIES_META) or "null")
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def set_capabilities_json(self, data: Mapping[str, Any]) -> None:
        self.set_meta(CAPABILITIES_META, json.dumps(data, sort_keys=True))
        # Files from before capabilities were kept held the limits alone: one place from now on.
        self.set_meta(LEGACY_LIMITS_META, None)

    def capabilities_text(self) -> str | None:
        """The kept capabilities as the raw JSON text (None before a probe): a cheap read a
        caller can key a parsed copy on."""
        return self.get_meta(CAPABILITIES_META)

    def capabilities_texts(self) -> tuple[str | None, str | None]:
        """The kept capabilities' raw JSON text and the dialect they were probed from, in one read."""
        caps_text, dialect = self.get_metas(CAPABILITIES_META, DIALECT_META)
        return caps_text, dialect

    def value_limits(self) -> ValueLimits:
        """What the workspace's server cannot hold, as its last sync said (none known before):
        the ``value_limits`` of the kept capabilities, which edits are checked against offline.
        Read on every edit: the JSON is parsed again only when the kept text changed."""
        caps_text, legacy_text = self.get_metas(CAPABILITIES_META, LEGACY_LIMITS_META)
        texts = (caps_text, legacy_text)
        if self._limits is not None and self._limits[0] == texts:
            return self._limits[1]
        limits = self._read_limits(*texts)
        self._limits = (texts, limits)
        return limits

    @staticmethod
    def _read_limits(caps_text: str | None, legacy_text: str | None) -> ValueLimits:
        try:
            caps = json.loads(caps_text or "null")
        except ValueError:
            caps = None
        if isinstance(caps, dict) and "value_limits" in caps:
            return ValueLimits.from_dict(caps["value_limits"])
        return ValueLimits.from_json(legacy_text)

    def set_value_limits(self, limits: ValueLimits) -> None:
        """Replace the limits alone (the rest of the kept capabilities stays)."""
        caps = self.capabilities_json()
        if caps is None:
            self.set_meta(LEGACY_LIMITS_META, limits.to_json())
        else:
            self.set_capabilities_json({**caps, "value_limits": limits.as_dict()})

    def workspace(self) -> Workspace | None:
        workspace_id = self.get_meta("workspace_id")
        if workspace_id is None:
            return None
        return Workspace(workspace_id, self.get_meta("workspace_name", "") or "", self.get_meta("workspace_slug"))

    def save_workspace(self, workspace: Workspace) -> None:
        self.set_meta("workspace_id", workspace.id)
        self.set_meta("workspace_name", workspace.name)
        self.set_meta("workspace_slug", workspace.slug)

    # -- members -------------------------------------------------------------------------

    def members(self) -> list[Member]:
        rows = self._conn.execute("SELECT id, name, email, role, user_id FROM members ORDER BY name")
        return [Member(*row) for row in rows]

    def replace_members(self, members: Iterable[Member]) -> None:
        self._conn.execute("DELETE FROM members")
        self._conn.executemany(
            "INSERT INTO members (id, name, email, role, user_id) VALUES (?, ?, ?, ?, ?)",
            [(m.id, m.name, m.email, m.role, m.user_id) for m in members],
        )
        self._changes.flag("members")

    def member_name(self, member_id: str) -> str | None:
        row = self._conn.execute(
            "SELECT name FROM members WHERE id = ? OR user_id = ? LIMIT 1", (member_id, member_id)
        ).fetchone()
        return row[0] if row else None

    # -- objects and attributes ---------------------------------------------------------------

    def objects(self) -> dict[str, ObjectDef]:
        if self._objects is None:
            self._objects = self._load_objects()
        return self._objects

    def get_object(self, slug: str) -> ObjectDef | None:
        return self.objects().get(slug)

    def lists(self) -> dict[str, ListDef]:
        if self._lists is None:
            self._lists = self._load_lists()
        return self._lists

    def get_list(self, list_id: str) -> ListDef | None:
        return self.lists().get(list_id)

    def attribute_id(self, owner_kind: str, owner: str, slug: str) -> int | None:
        if self._attribute_ids is None:
            self._attribute_ids = {
                (kind, own, sl): attr_id
                for attr_id, kind, own, sl in self._conn.execute(
                    "SELECT id, owner_kind, owner, slug FROM attributes"
                )
            }
        return self._attribute_ids.get((owner_kind, owner, slug))

    def _attributes_of(self, owner_kind: str) -> dict[str, list[AttributeDef]]:
        options: dict[int, list[Option]] = {}
        for attr_id, opt_id, title, color, position, active, outcome in self._conn.execute(
            "SELECT attribute_id, id, title, color, position, active, outcome FROM options ORDER BY position, title"
        ):
            kept = outcome if outcome in OUTCOMES else None  # a damaged file's word is no outcome
            options.setdefault(attr_id, []).append(Option(opt_id, title, color, position, bool(active), kept))
        grouped: dict[str, list[AttributeDef]] = {}
        for row in self._conn.execute(
            "SELECT id, owner, slug, server_id, title, type, required, is_unique, multiselect, config,"
            " position, system FROM attributes WHERE owner_kind = ? ORDER BY position, id",
            (owner_kind,),
        ):
            attr_id, owner, slug, server_id, title, type_, required, unique, multi, config, pos, system = row
            grouped.setdefault(owner, []).append(
                AttributeDef(
                    slug=slug,
                    title=title,
                    type=AttributeType(type_),
                    id=server_id,
                    required=bool(required),
                    unique=bool(unique),
                    multiselect=bool(multi),
                    config=json.loads(config),
                    options=tuple(options.get(attr_id, ())),
                    order=pos,
                    system=bool(system),
                )
            )
        return grouped

    def _load_objects(self) -> dict[str, ObjectDef]:
        attributes = self._attributes_of("object")
        result = {}
        for slug, server_id, singular, plural, icon, system in self._conn.execute(
            "SELECT slug, server_id, singular_name, plural_name, icon, system FROM objects"
            " ORDER BY position, slug"
        ):
            result[slug] = ObjectDef(
                slug, singular, plural, icon, server_id, tuple(attributes.get(slug, ())), bool(system)
            )
        return result

    def _load_lists(self) -> dict[str, ListDef]:
        attributes = self._attributes_of("list")
        result = {}
        for list_id, name, parent, slug, private in self._conn.execute(
            "SELECT id, name, parent_object, slug, private FROM lists ORDER BY position, name"
        ):
            result[list_id] = ListDef(
                list_id, name, parent, slug, bool(private), tuple(attributes.get(list_id, ()))
            )
        return result

    def save_object(self, obj: ObjectDef, position: int = 0) -> None:
        """Insert or replace one object with its attributes, keeping attribute row ids stable
        (the value index refers to them)."""
        self._conn.execute(
            "INSERT INTO objects (slug, server_id, singular_name, plural_name, icon, system, position)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (slug) DO UPDATE SET server_id = excluded.server_id,"
            " singular_name = excluded.singular_name, plural_name = excluded.plural_name,"
            " icon = excluded.icon, system = excluded.system, position = excluded.position",
            (obj.slug, obj.id, obj.singular_name, obj.plural_name, obj.icon, int(obj.system), position),
        )
        self._save_attributes("object", obj.slug, obj.attributes)
        self.invalidate()
        self._changes.flag("schema")

    def save_list(self, list_def: ListDef, position: int = 0) -> None:
        self._conn.execute(
            "INSERT INTO lists (id, name, slug, parent_object, private, position) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET name = excluded.name, slug = excluded.slug,"
            " parent_object = excluded.parent_object, private = excluded.private,"
            " position = excluded.position",
            (list_def.id, list_def.name, list_def.slug, list_def.parent_object, int(list_def.private), position),
        )
        self._save_attributes("list", list_def.id, list_def.attributes)
        self.invalidate()
        self._list_changed(list_def.id)

    def delete_object(self, slug: str) -> None:
        self._delete_attributes("object", slug, keep=())
        self._conn.execute("DELETE FROM objects WHERE slug = ?", (slug,))
        self.invalidate()
        self._changes.flag("schema")

    def delete_list(self, list_id: str) -> None:
        self._delete_attributes("list", list_id, keep=())
        self._conn.execute("DELETE FROM lists WHERE id = ?", (list_id,))
        self.invalidate()
        self._list_changed(list_id)

    def rename_list(self, list_id: str, name: str, private: bool | None = None) -> bool:
        """Change a cached list's name (and privacy); False when there is no such list."""
        cursor = self._conn.execute(
            "UPDATE lists SET name = ?, private = COALESCE(?, private) WHERE id = ?",
            (name, None if private is None else int(private), list_id),
        )
        self.invalidate()
        self._list_changed(list_id)
        return cursor.rowcount > 0

    def list_position(self, list_id: str) -> int:
        row = self._conn.execute("SELECT position FROM lists WHERE id = ?", (list_id,)).fetchone()
        return int(row[0]) if row else 0

    def next_list_position(self) -> int:
        row = self._conn.execute("SELECT COALESCE(MAX(position), -1) + 1 FROM lists").fetchone()
        return int(row[0])

    def rewrite_list_id(self, old_id: str, new_id: str) -> None:
        """An offline-made list got its server id: the list row and its attributes follow."""
        if not self._conn.execute("UPDATE lists SET id = ? WHERE id = ?", (new_id, old_id)).rowcount:
            return  # not a list's id (called for every kind of id that became a server id)
        self._conn.execute(
            "UPDATE attributes SET owner = ? WHERE owner_kind = 'list' AND owner = ?", (new_id, old_id)
        )
        self.invalidate()
        self._list_changed(new_id)

    def _list_changed(self, list_id: str) -> None:
        # A list's name or columns: the sidebar and the list's view follow the schema notice.
        self._changes.flag("schema")
        self._changes.list_changed(list_id)

    def _save_attributes(self, owner_kind: str, owner: str, attributes: Iterable[AttributeDef]) -> None:
        slugs = []
        for attr in attributes:
            slugs.append(attr.slug)
            row = self._conn.execute(
                "INSERT INTO attributes (owner_kind, owner, slug, server_id, title, type, required, is_unique,"
                " multiselect, config, position, system) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (owner_kind, owner, slug) DO UPDATE SET server_id = excluded.server_id,"
                " title = excluded.title, type = excluded.type, required = excluded.required,"
                " is_unique = excluded.is_unique, multiselect = excluded.multiselect,"
                " config = excluded.config, position = excluded.position, system = excluded.system"
                " RETURNING id",
                (
                    owner_kind, owner, attr.slug, attr.id, attr.title, attr.type.value, int(attr.required),
                    int(attr.unique), int(attr.multiselect), json.dumps(dict(attr.config)), attr.order,
                    int(attr.system),
                ),
            ).fetchone()
            attr_id = row[0]
            self._conn.execute("DELETE FROM options WHERE attribute_id = ?", (attr_id,))
            self._conn.executemany(
                "INSERT INTO options (attribute_id, id, title, color, position, active) VALUES (?, ?, ?, ?, ?, ?)",
                [(attr_id, o.id, o.title, o.color, o.order, int(o.active)) for o in attr.options],
            )
            # Only won and lost statuses name an outcome (the column is NULL for every other option).
            outcomes = [(o.outcome, attr_id, o.id) for o in attr.options if o.outcome]
            if outcomes:
                self._conn.executemany("UPDATE options SET outcome = ? WHERE attribute_id = ? AND id = ?", outcomes)
        self._delete_attributes(owner_kind, owner, keep=slugs)

    def _delete_attributes(self, owner_kind: str, owner: str, keep: Iterable[str]) -> None:
        keep = list(keep)
        placeholders = ",".join("?" * len(keep)) or "''"
        gone = [
            row[0]
            for row in self._conn.execute(
                f"SELECT id FROM attributes WHERE owner_kind = ? AND owner = ? AND slug NOT IN ({placeholders})",
                (owner_kind, owner, *keep),
            )
        ]
        value_table = "record_values" if owner_kind == "object" else "entry_values"
        for attr_id in gone:
            self._conn.execute(f"DELETE FROM {value_table} WHERE attribute_id = ?", (attr_id,))
            self._conn.execute("DELETE FROM attributes WHERE id = ?", (attr_id,))
