"""The core's tables, declared as SQLModel models; ``Database`` creates the file from them.

The tables that replaced the old SQL schema (``meta`` to ``idempotency``) keep its column
order, types, defaults, NOT NULL and UNIQUE constraints and indexes, so a file written by
an older sandbox and one created from these models are the same schema
(``tests/sandbox/test_core_tables.py`` compares them). Hence a few details that look odd
in SQLModel:

* each of their columns is ``TEXT``/``INTEGER``/``BLOB`` as before (``sa_type=Text``,
  not SQLModel's ``VARCHAR``; flags are ``int``, not ``bool``) — the atomic facade's
  tables, added later, use ``REAL`` too (a deal's ``amount``);
* a ``TEXT`` primary key is ``nullable=True``: SQLite lets such a key be NULL unless told
  otherwise, and the old schema did not tell it; an ``INTEGER`` ``seq`` key is the rowid
  and ``sqlite_autoincrement`` makes it ``AUTOINCREMENT``, so a deleted row's ``seq`` is
  never handed out again (cursors and "newest first" rely on that);
* the three link tables (``refs``, ``task_records``, ``task_assignees``) have no key in
  the file; the mapper is given all their columns as its identity.

Writers on the hot paths (the demo build, record writes, paging) run SQL on these tables
through ``Database``'s ``sqlite3`` connection and insert whole rows by position, so the
order of the fields is the order of the columns and must not change. A model reads as
``row["column"]`` as well as ``row.column``, like the ``sqlite3.Row`` the other readers get.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Index, LargeBinary, Table, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def text_field(*, default: str | None = None, **kwargs: Any) -> Any:
    """A NOT NULL ``TEXT`` column; ``default`` is also the column's SQL default."""
    if default is not None:
        return Field(default=default, sa_type=Text, sa_column_kwargs={"server_default": default}, **kwargs)
    return Field(sa_type=Text, **kwargs)


def optional_text_field() -> Any:
    return Field(default=None, sa_type=Text)


def _text_key() -> Any:
    return Field(sa_type=Text, primary_key=True, nullable=True)


def _seq() -> Any:
    return Field(default=None, primary_key=True, nullable=True)


def _int(default: int | None = None) -> Any:
    if default is not None:
        return Field(default=default, sa_column_kwargs={"server_default": text(str(default))})
    return Field()


class Row(SQLModel):
    """``row["column"]`` reads like ``row.column``, as on a ``sqlite3.Row``."""

    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)


class MetaRow(Row, table=True):
    __tablename__ = "meta"

    key: str = _text_key()
    value: str = text_field()


class WorkspaceRow(Row, table=True):
    __tablename__ = "workspace"

    id: str = _text_key()
    name: str = text_field()
    slug: str = text_field()
    settings: str = text_field()
    created_at: str = text_field()
    updated_at: str = text_field()


class MemberRow(Row, table=True):
    __tablename__ = "members"

    id: str = _text_key()
    user_id: str = text_field(unique=True)
    name: str = text_field()
    email: str = text_field()
    role: str = text_field()
    created_at: str = text_field()


class TokenRow(Row, table=True):
    __tablename__ = "tokens"

    id: str = _text_key()
    token: str = text_field(unique=True)
    name: str = text_field()
    user_id: str = text_field()
    revoked: int = _int(0)
    created_at: str = text_field()


class ObjectRow(Row, table=True):
    __tablename__ = "objects"

    id: str = _text_key()
    slug: str = text_field(unique=True)
    singular_name: str = text_field()
    plural_name: str = text_field()
    icon: str | None = optional_text_field()
    is_system: int = _int()
    created_at: str = text_field()


class AttributeRow(Row, table=True):
    __tablename__ = "attributes"

    id: str = _text_key()
    object_id: str | None = optional_text_field()
    list_id: str | None = optional_text_field()
    slug: str = text_field()
    title: str = text_field()
    type: str = text_field()
    config: str = text_field()
    is_system: int = _int()
    is_required: int = _int()
    is_unique: int = _int()
    is_multiselect: int = _int()
    sort_order: int = _int()
    created_at: str = text_field()


class OptionRow(Row, table=True):
    __tablename__ = "options"

    id: str = _text_key()
    attribute_id: str = text_field()
    title: str = text_field()
    color: str | None = optional_text_field()
    sort_order: int = _int()
    is_active: int = _int(1)
    created_at: str = text_field()
    #: A status that celebrates (the real server's ``celebration_enabled``): inactive, it is a won one.
    celebration_enabled: int = _int(0)


class RecordRow(Row, table=True):
    __tablename__ = "records"
    __table_args__ = (
        Index("records_by_created", "object_id", "created_at"),
        Index("records_by_updated", "updated_at"),
        Index("records_by_object_updated", "object_id", "updated_at"),
        {"sqlite_autoincrement": True},
    )

    seq: int | None = _seq()
    id: str = text_field(unique=True)
    object_id: str = text_field()
    title: str = text_field()
    subtitle: str = text_field(default="")
    search: str = text_field(default="")
    data: str = text_field()
    created_by: str | None = optional_text_field()
    created_at: str = text_field()
    updated_at: str = text_field()
    sent: str = text_field(default="{}")


class RefRow(Row, table=True):
    __tablename__ = "refs"
    __table_args__ = (Index("refs_by_source", "source_id"), Index("refs_by_target", "target_id"))
    __mapper_args__ = {"primary_key": ["source_id", "attribute_slug", "target_id"]}

    source_id: str = text_field()
    attribute_slug: str = text_field()
    target_id: str = text_field()


class ListRow(Row, table=True):
    __tablename__ = "lists"

    id: str = _text_key()
    object_id: str = text_field()
    name: str = text_field()
    slug: str = text_field()
    is_private: int = _int()
    created_by: str | None = optional_text_field()
    created_at: str = text_field()


class EntryRow(Row, table=True):
    __tablename__ = "entries"
    # UNIQUE (id) before UNIQUE (list_id, record_id), in the old schema's order.
    __table_args__ = (UniqueConstraint("id"), UniqueConstraint("list_id", "record_id"), {"sqlite_autoincrement": True})

    seq: int | None = _seq()
    id: str = text_field()
    list_id: str = text_field()
    record_id: str = text_field()
    data: str = text_field()
    created_by: str | None = optional_text_field()
    created_at: str = text_field()
    updated_at: str = text_field()


class NoteRow(Row, table=True):
    __tablename__ = "notes"
    __table_args__ = (Index("notes_by_record", "record_id"), Index("notes_by_created", "created_at", "seq"),
                      {"sqlite_autoincrement": True})

    seq: int | None = _seq()
    id: str = text_field(unique=True)
    record_id: str = text_field()
    title: str = text_field()
    content: str = text_field()
    created_by: str | None = optional_text_field()
    created_at: str = text_field()
    updated_at: str = text_field()


class TaskRow(Row, table=True):
    __tablename__ = "tasks"
    __table_args__ = {"sqlite_autoincrement": True}

    seq: int | None = _seq()
    id: str = text_field(unique=True)
    content: str = text_field()
    deadline: str | None = optional_text_field()
    is_completed: int = _int()
    completed_at: str | None = optional_text_field()
    created_by: str | None = optional_text_field()
    created_at: str = text_field()
    updated_at: str = text_field()


class TaskRecordRow(Row, table=True):
    __tablename__ = "task_records"
    __table_args__ = (Index("task_records_by_record", "record_id"),)
    __mapper_args__ = {"primary_key": ["task_id", "record_id"]}

    task_id: str = text_field()
    record_id: str = text_field()
    position: int | None = Field(default=None)


class TaskAssigneeRow(Row, table=True):
    __tablename__ = "task_assignees"
    __mapper_args__ = {"primary_key": ["task_id", "user_id"]}

    task_id: str = text_field()
    user_id: str = text_field()
    position: int | None = Field(default=None)


class NotificationRow(Row, table=True):
    __tablename__ = "notifications"
    __table_args__ = {"sqlite_autoincrement": True}

    seq: int | None = _seq()
    id: str = text_field(unique=True)
    user_id: str = text_field()
    type: str = text_field()
    title: str = text_field()
    body: str = text_field()
    record_id: str | None = optional_text_field()
    is_read: int = _int()
    created_at: str = text_field()


class IdempotencyRow(Row, table=True):
    __tablename__ = "idempotency"

    user_id: str = Field(sa_type=Text, primary_key=True)
    key: str = Field(sa_type=Text, primary_key=True)
    method: str = text_field()
    path: str = text_field()
    status: int = _int()
    body: bytes = Field(sa_type=LargeBinary)
    created_at: str = text_field()



# -- the atomic facade's tables ---------------------------------------------------------------------
# The atomic dialect's resources have shapes the record documents above cannot hold without
# loss (integer ids counted per table, free-text deal status, comma-joined categories,
# ``custom_fields`` documents, archived deals, API tokens with a prefix and a last use), so they
# have tables of their own with real columns: a page sorted by any column is one indexed SELECT.
# Ids are AUTOINCREMENT keys, never handed out twice, as a PostgreSQL sequence behaves.
# ``AtomicStore`` creates these (``atomic_tables``), not ``Database``: other dialects' files lack them.


def _optional_int() -> Any:
    return Field(default=None)


class AtomicUserRow(Row, table=True):
    """A CRM user (``crm_users``) and its sign-in identity (better-auth's ``user``) in one row."""

    __tablename__ = "atomic_users"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = _seq()
    user_id: str = text_field(unique=True)
    first_name: str | None = optional_text_field()
    last_name: str | None = optional_text_field()
    email: str = text_field(unique=True)
    password_hash: str = text_field()
    administrator: int = _int(0)
    avatar: str | None = optional_text_field()
    disabled: int = _int(0)
    basics_api_key: str | None = optional_text_field()
    basics_api_key_enc: str | None = optional_text_field()
    basics_api_key_hash: str | None = optional_text_field()
    onboarding_seen_at: str | None = optional_text_field()
    onboarding_completed_at: str | None = optional_text_field()
    created_at: str = text_field()
    updated_at: str = text_field()


class AtomicSessionRow(Row, table=True):
    __tablename__ = "atomic_sessions"

    token: str = _text_key()
    user_id: int = _int()
    created_at: str = text_field()
    expires_at: str = text_field()


class AtomicApiTokenRow(Row, table=True):
    """``bos_crm_…`` tokens. The real server keeps only a hash; the sandbox keeps the token so
    ``crmdesk sandbox --db FILE`` can print its credentials again."""

    __tablename__ = "atomic_api_tokens"

    id: str = _text_key()
    user_id: int = _int()
    name: str = text_field()
    token: str = text_field(unique=True)
    token_prefix: str = text_field()
    created_at: str = text_field()
    last_used_at: str | None = optional_text_field()
    revoked_at: str | None = optional_text_field()


class AtomicInviteRow(Row, table=True):
    __tablename__ = "atomic_invites"

    token: str = _text_key()
    email: str = text_field()
    invited_by: int = _int()
    created_at: str = text_field()
    expires_at: str = text_field()
    used_at: str | None = optional_text_field()


class AtomicCompanyRow(Row, table=True):
    __tablename__ = "atomic_companies"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = _seq()
    created_at: str = text_field()
    name: str = text_field()
    domain: str | None = optional_text_field()
    description: str | None = optional_text_field()
    category: str | None = optional_text_field()
    crm_user_id: int | None = _optional_int()
    custom_fields: str = text_field(default="{}")


class AtomicContactRow(Row, table=True):
    __tablename__ = "atomic_contacts"
    __table_args__ = (Index("atomic_contacts_by_company", "company_id"), {"sqlite_autoincrement": True})

    id: int | None = _seq()
    first_name: str | None = optional_text_field()
    last_name: str | None = optional_text_field()
    email: str | None = optional_text_field()
    company_id: int | None = _optional_int()
    crm_user_id: int | None = _optional_int()
    created_at: str = text_field()
    linkedin_url: str | None = optional_text_field()
    custom_fields: str = text_field(default="{}")


class AtomicDealRow(Row, table=True):
    __tablename__ = "atomic_deals"
    __table_args__ = (Index("atomic_deals_by_company", "company_id"), Index("atomic_deals_by_updated", "updated_at"),
                      {"sqlite_autoincrement": True})

    id: int | None = _seq()
    name: str = text_field()
    company_id: int = _int()
    status: str | None = optional_text_field()
    amount: float | None = Field(default=None)
    created_at: str = text_field()
    updated_at: str = text_field()
    archived_at: str | None = optional_text_field()
    crm_user_id: int | None = _optional_int()
    custom_fields: str = text_field(default="{}")


class AtomicContactNoteRow(Row, table=True):
    __tablename__ = "atomic_contact_notes"
    __table_args__ = (Index("atomic_contact_notes_by_contact", "contact_id"), {"sqlite_autoincrement": True})

    id: int | None = _seq()
    contact_id: int = _int()
    title: str | None = optional_text_field()
    text: str | None = optional_text_field()
    date: str = text_field()
    crm_user_id: int | None = _optional_int()
    status: str | None = optional_text_field()
    attachments: str | None = optional_text_field()


class AtomicDealNoteRow(Row, table=True):
    __tablename__ = "atomic_deal_notes"
    __table_args__ = (Index("atomic_deal_notes_by_deal", "deal_id"), {"sqlite_autoincrement": True})

    id: int | None = _seq()
    deal_id: int = _int()
    title: str | None = optional_text_field()
    type: str | None = optional_text_field()
    text: str | None = optional_text_field()
    date: str = text_field()
    crm_user_id: int | None = _optional_int()
    attachments: str | None = optional_text_field()


class AtomicCompanyNoteRow(Row, table=True):
    __tablename__ = "atomic_company_notes"
    __table_args__ = (Index("atomic_company_notes_by_company", "company_id"), {"sqlite_autoincrement": True})

    id: int | None = _seq()
    company_id: int = _int()
    title: str | None = optional_text_field()
    text: str | None = optional_text_field()
    date: str = text_field()
    crm_user_id: int | None = _optional_int()
    status: str | None = optional_text_field()
    attachments: str | None = optional_text_field()


class AtomicTaskRow(Row, table=True):
    __tablename__ = "atomic_tasks"
    __table_args__ = (Index("atomic_tasks_by_contact", "contact_id"), Index("atomic_tasks_by_deal", "deal_id"),
                      Index("atomic_tasks_by_company", "company_id"), {"sqlite_autoincrement": True})

    id: int | None = _seq()
    parent_task_id: int | None = _optional_int()
    contact_id: int | None = _optional_int()
    company_id: int | None = _optional_int()
    deal_id: int | None = _optional_int()
    crm_user_id: int | None = _optional_int()
    assignee_id: int | None = _optional_int()
    type: str | None = optional_text_field()
    text: str | None = optional_text_field()
    description: str | None = optional_text_field()
    due_date: str | None = optional_text_field()
    done_date: str | None = optional_text_field()


class AtomicTagRow(Row, table=True):
    __tablename__ = "atomic_tags"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = _seq()
    name: str = text_field()
    color: str = text_field()


class AtomicConfigurationRow(Row, table=True):
    """One row (id 1): the real server answers it for any id."""

    __tablename__ = "atomic_configuration"

    id: int | None = _seq()
    config: str = text_field(default="{}")


class AtomicAutomationRuleRow(Row, table=True):
    __tablename__ = "atomic_automation_rules"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = _seq()
    crm_user_id: int | None = _optional_int()
    name: str = text_field()
    enabled: int = _int(0)
    workflow_definition: str = text_field(default="{}")
    last_run_at: str | None = optional_text_field()
    created_at: str = text_field()
    updated_at: str = text_field()


class AtomicObjectConfigRow(Row, table=True):
    """Object configurations: the three standard objects and custom ones (``/api/object-config``)."""

    __tablename__ = "atomic_object_configs"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = _seq()
    slug: str = text_field(unique=True)
    singular_name: str = text_field()
    plural_name: str = text_field()
    icon: str = text_field()
    icon_color: str = text_field()
    table_name: str = text_field()
    type: str = text_field()
    is_active: int = _int(1)
    position: int = _int()
    settings: str = text_field(default="{}")
    fields: str = text_field(default="[]")
    #: The custom object's own id sequence (a ``bigserial`` per custom table on the real server).
    last_record_id: int = _int(0)


class AtomicCustomRecordRow(Row, table=True):
    __tablename__ = "atomic_custom_records"

    object_id: int = Field(primary_key=True)
    id: int = Field(primary_key=True)
    name: str | None = optional_text_field()
    crm_user_id: int | None = _optional_int()
    custom_fields: str = text_field(default="{}")
    created_at: str = text_field()
    updated_at: str = text_field()


# -- which tables who creates -----------------------------------------------------------------------


def core_tables() -> list[Table]:
    """The core's own tables (``meta`` to ``idempotency``): ``Database`` creates these, every dialect has them."""
    models: tuple[Any, ...] = (
        MetaRow, WorkspaceRow, MemberRow, TokenRow, ObjectRow, AttributeRow, OptionRow, RecordRow, RefRow, ListRow,
        EntryRow, NoteRow, TaskRow, TaskRecordRow, TaskAssigneeRow, NotificationRow, IdempotencyRow,
    )
    return [model.__table__ for model in models]


def atomic_tables() -> list[Table]:
    """The atomic facade's tables: its store creates them (``AtomicStore``), in that dialect's file only."""
    models: tuple[Any, ...] = (
        AtomicUserRow, AtomicSessionRow, AtomicApiTokenRow, AtomicInviteRow, AtomicCompanyRow, AtomicContactRow,
        AtomicDealRow, AtomicContactNoteRow, AtomicDealNoteRow, AtomicCompanyNoteRow, AtomicTaskRow, AtomicTagRow,
        AtomicConfigurationRow, AtomicAutomationRuleRow, AtomicObjectConfigRow, AtomicCustomRecordRow,
    )
    return [model.__table__ for model in models]
