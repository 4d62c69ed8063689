"""Schema administration: objects, attributes, options and statuses (scope
``object_configuration:read-write``; ``probe_capabilities`` turns ``schema_admin`` off without it).

Attio deletes none of these through its API: an attribute, option or status is archived
(``is_archived``), which hides it and keeps the values that hold it; an object cannot be deleted
at all (refused, ``UNSUPPORTED``). Attio has no icons, colours or orders for them: what is not
stored is not sent (``option_order_writable`` and ``attribute_order_writable`` are off).
"""

from __future__ import annotations

from typing import Any

from crmdesk.model import AttributeDef, AttributeType, ObjectDef, Option
from crmdesk.remote.attio import schema
from crmdesk.remote.attio.objects import CHOICES, SchemaMixin
from crmdesk.remote.attio.session import row_of
from crmdesk.remote.errors import ProtocolError, ServerRejected, unsupported
from crmdesk.remote.session import seg
from crmdesk.remote.transport import RequestKind

#: Why an object cannot be deleted (``unsupported``), and what is not stored (``Capabilities.reasons``).
OBJECTS_STAY = "Attio's API cannot delete an object (its web app can)"
ATTRIBUTE_ORDER_FIXED = "Attio's API cannot store an attribute's place in its object."
OPTION_ORDER_FIXED = "Attio's API cannot store an option's order."
#: Attio's statuses say only whether arriving at one is celebrated: that could be "won", but nothing
#: says "lost", so an outcome read or written there would be half a truth.
STATUS_OUTCOME_FIXED = ("Won and lost cannot be marked: Attio's statuses say only whether reaching one is "
                        "celebrated, never that a deal is lost.")


def body_of(attr: AttributeDef, target: str) -> dict[str, Any]:
    """``schema.attribute_body``, a refusal naming the attribute where Attio cannot make it."""
    if attr.type is AttributeType.STATUS and target == "objects":
        message = "Attio keeps status attributes on lists only; use a select on an object"
        raise ServerRejected(f"{attr.slug}: {message}", field_errors={attr.slug: message})
    try:
        return {"data": schema.attribute_body(attr)}
    except ValueError as error:
        raise ServerRejected(f"{attr.slug}: {error}", field_errors={attr.slug: str(error)}) from None


class AdminMixin(SchemaMixin):
    # -- objects ---------------------------------------------------------------------------------

    def create_object(self, slug: str, singular_name: str, plural_name: str, icon: str | None = None) -> ObjectDef:
        """``icon`` is not sent: Attio's objects have none."""
        body = {"data": {"api_slug": slug, "singular_noun": singular_name, "plural_noun": plural_name}}
        row = row_of(self.call("POST", "/objects", body=body, kind=RequestKind.CREATE), "a created object")
        # Read back with the attributes Attio gives a new object.
        return self.load_object(schema.slug_of(row, "The created object"))

    def update_object(
        self, slug: str, *, singular_name: str | None = None, plural_name: str | None = None,
        icon: str | None = None,
    ) -> ObjectDef:
        names = {"singular_noun": singular_name, "plural_noun": plural_name}
        body = {"data": {key: value for key, value in names.items() if value is not None}}
        row = row_of(self.call("PATCH", f"/objects/{seg(slug)}", body=body), f"object {slug}")
        obj = schema.object_def(row, self.object_def(slug).attributes)
        self.schema.put(obj)
        return obj

    def delete_object(self, slug: str) -> None:
        raise unsupported("Deleting an object", OBJECTS_STAY)

    # -- attributes ------------------------------------------------------------------------------

    def create_attribute(self, object_slug: str, attribute: AttributeDef) -> AttributeDef:
        """The attribute, then its options (a select's are made one by one), read back whole."""
        created = self.make_attribute("objects", object_slug, attribute)
        for option in attribute.options:
            self._make_choice("objects", object_slug, created, option)
        made = self.refresh_object(object_slug).attribute(attribute.slug)
        if made is None:
            raise ProtocolError(f"The server made the attribute “{attribute.slug}” but does not list it.")
        return made

    def make_attribute(self, target: str, identifier: str, attribute: AttributeDef) -> AttributeDef:
        path = f"/{target}/{seg(identifier)}/attributes"
        row = row_of(self.call("POST", path, body=body_of(attribute, target), kind=RequestKind.CREATE),
                      "a created attribute")
        made = schema.attribute(row, self.object_slugs, attribute.order)
        if made is None:
            raise ProtocolError(f"The server made “{attribute.slug}” with a type crmdesk does not know.")
        return made

    def update_attribute(
        self, object_slug: str, attribute_id: str, *, title: str | None = None,
        required: bool | None = None, unique: bool | None = None, order: int | None = None,
    ) -> AttributeDef:
        if order is not None:
            raise unsupported("Moving an attribute", ATTRIBUTE_ORDER_FIXED)  # the capability says so
        changes = {"title": title, "is_required": required, "is_unique": unique}
        self._patch_attribute(object_slug, attribute_id, {k: v for k, v in changes.items() if v is not None})
        for attr in self.refresh_object(object_slug).attributes:
            if attribute_id in (attr.id, attr.slug):
                return attr
        raise ProtocolError("The updated attribute is not in the server's list.")

    def delete_attribute(self, object_slug: str, attribute_id: str) -> None:
        """Archived (``is_archived``): Attio deletes no attribute through its API."""
        self._patch_attribute(object_slug, attribute_id, {"is_archived": True})
        self.refresh_object(object_slug)

    def _patch_attribute(self, object_slug: str, attribute_id: str, data: dict[str, Any]) -> None:
        self.call("PATCH", f"/objects/{seg(object_slug)}/attributes/{seg(attribute_id)}", body={"data": data})

    # -- options and statuses ----------------------------------------------------------------------

    def create_option(self, object_slug: str, attribute: AttributeDef, option: Option) -> Option:
        made = self._make_choice("objects", object_slug, attribute, option)
        self.refresh_object(object_slug)
        return made

    def update_option(self, object_slug: str, attribute: AttributeDef, option: Option) -> Option:
        """Title and active (archived when not); Attio stores no order or colour."""
        data = {"title": option.title, "is_archived": not option.active}
        row = self._patch_choice(object_slug, attribute, option.id, data)
        self.refresh_object(object_slug)
        return schema.option(row, CHOICES[_wire_choice(attribute)][1], option.order)

    def delete_option(self, object_slug: str, attribute: AttributeDef, option_id: str) -> None:
        """Archived: a record holding it keeps it (shown inactive)."""
        self._patch_choice(object_slug, attribute, option_id, {"is_archived": True})
        self.refresh_object(object_slug)

    def _make_choice(self, target: str, identifier: str, attribute: AttributeDef, option: Option) -> Option:
        endpoint, key = CHOICES[_wire_choice(attribute)]
        path = f"/{target}/{seg(identifier)}/attributes/{seg(attribute.id or attribute.slug)}/{endpoint}"
        answer = self.call("POST", path, body={"data": {"title": option.title}}, kind=RequestKind.CREATE)
        return schema.option(row_of(answer, "a created option"), key, len(attribute.options))

    def _patch_choice(self, object_slug: str, attribute: AttributeDef, choice_id: str, data: dict[str, Any]) -> Any:
        endpoint, _key = CHOICES[_wire_choice(attribute)]
        path = (f"/objects/{seg(object_slug)}/attributes/{seg(attribute.id or attribute.slug)}/{endpoint}/"
                f"{seg(choice_id)}")
        return row_of(self.call("PATCH", path, body={"data": data}), "an option")


def _wire_choice(attribute: AttributeDef) -> str:
    if attribute.type is AttributeType.STATUS:
        return "status"
    if attribute.type is AttributeType.SELECT:
        return "select"
    raise ServerRejected(f"{attribute.title or attribute.slug} has no options (it is a {attribute.type.value}).")


__all__ = ["ATTRIBUTE_ORDER_FIXED", "OBJECTS_STAY", "OPTION_ORDER_FIXED", "STATUS_OUTCOME_FIXED", "AdminMixin",
           "body_of"]
