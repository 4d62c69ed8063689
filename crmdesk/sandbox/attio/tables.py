"""The attio facade's own tables, in the core's SQLite file, for what the core does not keep.

Records, lists, entries, notes, tasks, members and tokens are the core's (so the demo any
facade builds is served as it is). Attio has five things more:

* ``attio_values``: value history. Attio keeps every value a record or entry ever had, each
  with ``active_from``/``active_until`` and the actor that wrote it; the core keeps only the
  current value. A row per value written through this facade; a current value with no row was
  written with its record (the demo), so its record's creation time and creator stand in.
* ``attio_value_parts``: what an Attio value holds that the core's canonical element cannot (a
  location's ``line_3``, ``line_4``, ``latitude`` and ``longitude``), per record or entry,
  attribute and element (its canonical JSON, as the history matches elements): answered with
  that element for as long as it is the value, and with it in the history.
* ``attio_threads`` and ``attio_comments``: comment threads on records and entries.
* ``attio_token_scopes``: the OAuth scopes of an API token (the core's tokens have a role only).
* ``attio_extras``: Attio-only properties of the core's schema rows, as a JSON document per
  row id (an attribute's ``description``/``is_archived``/``default_value``, an option's or
  status's ``is_archived``/``celebration_enabled``/``target_time_in_status``, a list's
  ``workspace_access``/``workspace_member_access``). The core's option ``is_active`` is not
  reused for archiving: the standard deal stages mark closed stages inactive.

The facade creates them itself (``AttioStore``), so a file another dialect made never has them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Index, Table
from sqlmodel import Field

from crmdesk.sandbox.core.tables import Row, optional_text_field, text_field


class AttioValueRow(Row, table=True):
    __tablename__ = "attio_values"
    __table_args__ = (Index("attio_values_by_parent", "parent_id", "attribute_id"), {"sqlite_autoincrement": True})

    seq: int | None = Field(default=None, primary_key=True)
    #: a record id or an entry id
    parent_id: str = text_field()
    attribute_id: str = text_field()
    #: the canonical element (``crmdesk.model`` shape) as sorted-key JSON: what it is matched by
    value: str = text_field()
    active_from: str = text_field()
    active_until: str | None = optional_text_field()
    actor_type: str = text_field()
    actor_id: str | None = optional_text_field()


class AttioValuePartsRow(Row, table=True):
    __tablename__ = "attio_value_parts"

    #: a record id or an entry id
    parent_id: str = text_field(primary_key=True)
    attribute_id: str = text_field(primary_key=True)
    #: the canonical element (``element_key``) the parts belong to
    value: str = text_field(primary_key=True)
    #: the parts as a JSON object (``{"line_3": …, "latitude": …}``)
    data: str = text_field()


class AttioThreadRow(Row, table=True):
    __tablename__ = "attio_threads"
    __table_args__ = (Index("attio_threads_by_record", "record_id"),)

    id: str = text_field(primary_key=True)
    record_id: str = text_field()
    entry_id: str | None = optional_text_field()
    list_id: str | None = optional_text_field()
    created_at: str = text_field()


class AttioCommentRow(Row, table=True):
    __tablename__ = "attio_comments"
    __table_args__ = (Index("attio_comments_by_thread", "thread_id"), {"sqlite_autoincrement": True})

    seq: int | None = Field(default=None, primary_key=True)
    id: str = text_field(unique=True)
    thread_id: str = text_field()
    content: str = text_field()
    author_id: str = text_field()
    created_at: str = text_field()


class AttioTokenScopesRow(Row, table=True):
    __tablename__ = "attio_token_scopes"

    token_id: str = text_field(primary_key=True)
    scopes: str = text_field()


class AttioExtrasRow(Row, table=True):
    __tablename__ = "attio_extras"

    id: str = text_field(primary_key=True)
    data: str = text_field()


def attio_tables() -> list[Table]:
    models: tuple[Any, ...] = (AttioValueRow, AttioValuePartsRow, AttioThreadRow, AttioCommentRow,
                               AttioTokenScopesRow, AttioExtrasRow)
    return [model.__table__ for model in models]
