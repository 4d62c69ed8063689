"""The atlas facade's tables, in the core's SQLite file (the core creates only its own).

Atlas entities are not the core's records: their fields are typed by fixed templates and
filtered by operators the core's query code does not have, so an entity is a row with its
fields as one JSON document, filtered and sorted in SQL (``json_extract``) with an index on
(type, folded name, id) for the default order — a 20,000-entity scan pages from the index.

* ``atlas_entities``: companies, contacts and sales;
* ``atlas_links``: one row per linked pair (``low`` < ``high``: links are symmetric) and its roles;
* ``atlas_issue_links``: the Jira issue keys linked to an entity;
* ``atlas_comments``: comments written (the API cannot read them back);
* ``atlas_clients``: the OAuth clients (id, secret, the account id they act as).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Index, Table, UniqueConstraint
from sqlmodel import Field

from crmdesk.sandbox.core.tables import Row, text_field


class AtlasEntityRow(Row, table=True):
    __tablename__ = "atlas_entities"
    __table_args__ = (Index("atlas_entities_by_name", "type", "sort_name", "id"), {"sqlite_autoincrement": True})

    seq: int | None = Field(default=None, primary_key=True)
    id: str = text_field(unique=True)
    type: str = text_field()
    #: the name field casefolded: the default order
    sort_name: str = text_field()
    #: field id → value (empty fields absent)
    data: str = text_field()
    created_at: str = text_field()


class AtlasLinkRow(Row, table=True):
    __tablename__ = "atlas_links"
    __table_args__ = (Index("atlas_links_by_high", "high"),)

    low: str = text_field(primary_key=True)
    high: str = text_field(primary_key=True)
    #: a JSON list of role names
    roles: str = text_field()


class AtlasIssueLinkRow(Row, table=True):
    __tablename__ = "atlas_issue_links"
    __table_args__ = (UniqueConstraint("entity_id", "issue_id"), {"sqlite_autoincrement": True})

    seq: int | None = Field(default=None, primary_key=True)
    entity_id: str = text_field()
    issue_id: str = text_field()


class AtlasCommentRow(Row, table=True):
    __tablename__ = "atlas_comments"
    __table_args__ = (Index("atlas_comments_by_entity", "entity_id"), {"sqlite_autoincrement": True})

    seq: int | None = Field(default=None, primary_key=True)
    id: str = text_field(unique=True)
    entity_id: str = text_field()
    comment: str = text_field()
    account_id: str = text_field()
    created_at: str = text_field()


class AtlasClientRow(Row, table=True):
    __tablename__ = "atlas_clients"
    __table_args__ = ({"sqlite_autoincrement": True},)

    seq: int | None = Field(default=None, primary_key=True)
    client_id: str = text_field(unique=True)
    secret: str = text_field()
    #: ``admin`` or ``member`` (which of the server's two credentials it is)
    role: str = text_field()
    account_id: str = text_field()


def atlas_tables() -> list[Table]:
    models: tuple[Any, ...] = (AtlasEntityRow, AtlasLinkRow, AtlasIssueLinkRow, AtlasCommentRow, AtlasClientRow)
    return [model.__table__ for model in models]
