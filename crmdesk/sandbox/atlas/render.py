"""Entities and links as Atlas answers them, with absolute ``_links`` built from the request's host."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crmdesk.sandbox.atlas.store import Entity

CRM = "/api/1.0/workspace/CRM"


@dataclass(frozen=True)
class Urls:
    root: str  # ``http://host:port``, no trailing slash

    @property
    def crm(self) -> str:
        return self.root + CRM

    def entity(self, entity_id: str) -> str:
        return f"{self.crm}/entities/{entity_id}"

    def app(self, entity: Entity) -> str:
        # Where the entity opens in Jira's Atlas app; only a link to the sandbox has a meaning here.
        return f"{self.root}/atlas/{entity['type']}/{entity['id']}"


def reference(urls: Urls, entity: Entity) -> dict[str, Any]:
    return {"id": entity["id"], "type": entity["type"],
            "_links": {"self": {"href": urls.entity(entity["id"])}, "app": {"href": urls.app(entity)}}}


def entity_json(urls: Urls, entity: Entity) -> dict[str, Any]:
    ref = reference(urls, entity)
    return {"id": ref["id"], "type": ref["type"], "fields": entity["fields"], "_links": ref["_links"]}


def link_json(urls: Urls, entity_id: str, other: Entity, roles: list[str]) -> dict[str, Any]:
    return {"roles": roles, "entity": reference(urls, other),
            "_links": {"self": {"href": f"{urls.entity(entity_id)}/links/{other['id']}"}}}
