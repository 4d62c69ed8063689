"""The 17 attribute types of the common data model (DESIGN §3)."""

from __future__ import annotations

from enum import StrEnum


class AttributeType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    CURRENCY = "currency"
    DATE = "date"
    TIMESTAMP = "timestamp"
    CHECKBOX = "checkbox"
    SELECT = "select"
    STATUS = "status"
    RATING = "rating"
    EMAIL_ADDRESS = "email_address"
    PHONE_NUMBER = "phone_number"
    DOMAIN = "domain"
    LOCATION = "location"
    PERSONAL_NAME = "personal_name"
    RECORD_REFERENCE = "record_reference"
    ACTOR_REFERENCE = "actor_reference"
    INTERACTION = "interaction"


#: Types whose values may be lists (``multiselect``). Status, checkbox and the
#: structured single-value types never are.
MULTISELECT_TYPES = frozenset(
    {
        AttributeType.TEXT,
        AttributeType.NUMBER,
        AttributeType.SELECT,
        AttributeType.EMAIL_ADDRESS,
        AttributeType.PHONE_NUMBER,
        AttributeType.DOMAIN,
        AttributeType.LOCATION,
        AttributeType.RECORD_REFERENCE,
        AttributeType.ACTOR_REFERENCE,
        AttributeType.INTERACTION,
    }
)

#: Types with a list of options (select) or statuses (status).
CHOICE_TYPES = frozenset({AttributeType.SELECT, AttributeType.STATUS})

#: Types whose display text goes into the full-text index.
SEARCHABLE_TYPES = frozenset(
    {
        AttributeType.TEXT,
        AttributeType.EMAIL_ADDRESS,
        AttributeType.PHONE_NUMBER,
        AttributeType.DOMAIN,
        AttributeType.LOCATION,
        AttributeType.PERSONAL_NAME,
        AttributeType.INTERACTION,
    }
)
