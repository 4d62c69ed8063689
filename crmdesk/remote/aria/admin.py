"""Schema and member administration through the Aria API."""

from __future__ import annotations

from typing import Any

from crmdesk.model import AttributeDef, AttributeType, Member, ObjectDef, Option
from crmdesk.remote.aria import wire
from crmdesk.remote.aria.session import AriaSession
from crmdesk.remote.errors import ProtocolError, ServerRejected
from crmdesk.remote.session import seg
from crmdesk.remote.transport import RequestKind

#: Model config keys → Aria's.
_CONFIG_OUT = {"target_object": "targetObjectSlug", "currency_code": "currencyCode"}
#: What the attribute and option writes have no field for (``Capabilities.reasons``).
ATTRIBUTE_ORDER_FIXED = "This server's API cannot store an attribute order."
OPTION_ORDER_FIXED = "This server's API cannot store an option's order."
#: ``update_option``'s error when the read-back status has not the outcome just sent.
OUTCOME_NOT_KEPT = "The server did not keep “{title}” as {outcome}."


def _choice_body(option: Option, status: bool) -> dict[str, Any]:
    body: dict[str, Any] = {"title": option.title}
    if option.color:
        body["color"] = option.color
    if status:
        # A won or lost status is an inactive one (the server's own Won and Lost are).
        body.update(wire.outcome_fields(option.outcome) if option.outcome else {"isActive": option.active})
    return body


def attribute_body(attribute: AttributeDef) -> dict[str, Any]:
    body: dict[str, Any] = {
        "slug": attribute.slug,
        "title": attribute.title,
        "type": attribute.type.value,
        "isRequired": attribute.required,
        "isUnique": attribute.unique,
        "isMultiselect": attribute.multiselect,
    }
    if attribute.config:
        body["config"] = {_CONFIG_OUT.get(k, k): v for k, v in attribute.config.items()}
    if attribute.type is AttributeType.STATUS:
        body["statuses"] = [_choice_body(o, True) for o in attribute.options]
    elif attribute.type is AttributeType.SELECT:
        body["options"] = [_choice_body(o, False) for o in attribute.options]
    return body


class AdminMixin(AriaSession):
    # -- members --------------------------------------------------------------------------

    def invite_member(self, email: str, role: str = "member") -> Member | None:
        data = self.call("POST", "/workspace-members", body={"email": email, "role": role})
        # The server either adds an existing user (a member) or records an invite.
        row = data.get("member") if isinstance(data, dict) and "member" in data else data
        try:
            return wire.member(row) if isinstance(row, dict) else None
        except ProtocolError:
            return None

    def set_member_role(self, member_id: str, role: str) -> None:
        self.call("PATCH", f"/workspace-members/{seg(member_id)}", body={"role": role})

    def remove_member(self, member_id: str) -> None:
        self.call("DELETE", f"/workspace-members/{seg(member_id)}")

    # -- objects ----------------------------------------------------------------------------

    def create_object(
        self, slug: str, singular_name: str, plural_name: str, icon: str | None = None
    ) -> ObjectDef:
        body: dict[str, Any] = {"slug": slug, "singularName": singular_name, "pluralName": plural_name}
        if icon:
            body["icon"] = icon
        row = self.call("POST", "/objects", body=body)
        # A new object comes with the server's default attributes, if any: read them.
        obj = wire.object_def(row, self.load_attributes(str(wire.require(row, "slug"))))
        self.schema.put(obj)
        return obj

    def update_object(
        self, slug: str, *, singular_name: str | None = None, plural_name: str | None = None,
        icon: str | None = None,
    ) -> ObjectDef:
        body = {
            key: value
            for key, value in (("singularName", singular_name), ("pluralName", plural_name), ("icon", icon))
            if value is not None
        }
        row = self.call("PATCH", f"/objects/{seg(slug)}", body=body)
        obj = wire.object_def(row, self.object_def(slug).attributes)
        self.schema.put(obj)
        return obj

    def delete_object(self, slug: str) -> None:
        self.call("DELETE", f"/objects/{seg(slug)}")
        self.load_objects()

    # -- attributes ---------------------------------------------------------------------------

    def create_attribute(self, object_slug: str, attribute: AttributeDef) -> AttributeDef:
        self.call(
            "POST", f"/objects/{seg(object_slug)}/attributes", body=attribute_body(attribute),
            kind=RequestKind.CREATE,
        )
        # The create answer leaves out the options/statuses; read the attribute back whole.
        created = self.refresh_object(object_slug).attribute(attribute.slug)
        if created is None:
            raise ProtocolError(f"The server created “{attribute.slug}” but does not list it.")
        return created

    def update_attribute(
        self, object_slug: str, attribute_id: str, *, title: str | None = None,
        required: bool | None = None, unique: bool | None = None, order: int | None = None,
    ) -> AttributeDef:
        if order is not None:
            # ARIA_DEFAULTS says so (attribute_order_writable off): the dialog never asks.
            raise ServerRejected(ATTRIBUTE_ORDER_FIXED)
        body: dict[str, Any] = {"attributeId": attribute_id}
        for key, value in (("title", title), ("isRequired", required), ("isUnique", unique)):
            if value is not None:
                body[key] = value
        self.call("PATCH", f"/objects/{seg(object_slug)}/attributes", body=body)
        for attr in self.refresh_object(object_slug).attributes:
            if attr.id == attribute_id:
                return attr
        raise ProtocolError("The updated attribute is not in the server's list.")

    def delete_attribute(self, object_slug: str, attribute_id: str) -> None:
        self.call("DELETE", f"/objects/{seg(object_slug)}/attributes", params={"attributeId": attribute_id})
        self.refresh_object(object_slug)

    # -- options and statuses -------------------------------------------------------------------

    def create_option(self, object_slug: str, attribute: AttributeDef, option: Option) -> Option:
        body = {"attributeId": attribute.id, **_choice_body(option, attribute.type is AttributeType.STATUS)}
        row = self.call("POST", f"/objects/{seg(object_slug)}/attributes/options", body=body)
        self.refresh_object(object_slug)
        return wire.option(row)

    def update_option(self, object_slug: str, attribute: AttributeDef, option: Option) -> Option:
        body: dict[str, Any] = {"optionId": option.id, "attributeType": attribute.type.value, "title": option.title}
        if option.color:
            body["color"] = option.color
        was = attribute.option_by_id(option.id)
        # (A status the attribute does not know yet gets its flags only for an outcome to give it.)
        new_outcome = attribute.type is AttributeType.STATUS and (
            option.outcome != was.outcome if was is not None else option.outcome is not None)
        if new_outcome:
            # Only a changed outcome is sent: a rename leaves the server's flags as they are (a
            # status may celebrate and stay open, which crmdesk reads as open and never rewrites).
            body.update(wire.outcome_fields(option.outcome))
        row = self.call("PATCH", f"/objects/{seg(object_slug)}/attributes/options", body=body)
        kept = self.refresh_object(object_slug).attribute(attribute.slug)
        kept_option = kept.option_by_id(option.id) if kept is not None else None
        if new_outcome and kept_option is not None and kept_option.outcome != option.outcome:
            # The OpenAPI file lists only title and colour for this PATCH; the fork's API list says
            # "...fields" and the server's code takes the flags. Should a server drop them, say so
            # rather than show a change that was not made.
            raise ServerRejected(OUTCOME_NOT_KEPT.format(title=option.title, outcome=option.outcome or "open"))
        return wire.option(row) if isinstance(row, dict) and row.get("id") else option

    def delete_option(self, object_slug: str, attribute: AttributeDef, option_id: str) -> None:
        self.call(
            "DELETE", f"/objects/{seg(object_slug)}/attributes/options",
            params={"optionId": option_id, "attributeType": attribute.type.value},
        )
        self.refresh_object(object_slug)
