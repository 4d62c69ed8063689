"""The common data model: attribute types and their codecs, schema, records,
filters and mutations. Pure Python: no Qt, no I/O."""

from crmdesk.model.attribute_types import (
    CHOICE_TYPES,
    MULTISELECT_TYPES,
    SEARCHABLE_TYPES,
    AttributeType,
)
from crmdesk.model.codecs import DisplayContext, NullContext, codec_for
from crmdesk.model.errors import InvalidFilter, ValidationError
from crmdesk.model.filters import (
    Condition,
    FilterGroup,
    Operator,
    Sort,
    compile_predicate,
    filter_from_json,
    filter_to_json,
    operators_for,
)
from crmdesk.model.links import RecordLink
from crmdesk.model.mutations import EntityKind, Mutation, MutationOp, MutationState
from crmdesk.model.records import (
    COMMENT_KIND,
    LOCAL_ID_PREFIX,
    Entry,
    Note,
    Notification,
    Record,
    Task,
    TimelineEvent,
    is_local_id,
)
from crmdesk.model.schema import LOST, WON, AttributeDef, ListDef, Member, ObjectDef, Option, Workspace
from crmdesk.model.titles import UNTITLED, record_title

__all__ = [
    "CHOICE_TYPES",
    "COMMENT_KIND",
    "LOCAL_ID_PREFIX",
    "LOST",
    "MULTISELECT_TYPES",
    "SEARCHABLE_TYPES",
    "UNTITLED",
    "WON",
    "AttributeDef",
    "AttributeType",
    "Condition",
    "DisplayContext",
    "EntityKind",
    "Entry",
    "FilterGroup",
    "InvalidFilter",
    "ListDef",
    "Member",
    "Mutation",
    "MutationOp",
    "MutationState",
    "Note",
    "Notification",
    "NullContext",
    "ObjectDef",
    "Operator",
    "Option",
    "Record",
    "RecordLink",
    "Sort",
    "Task",
    "TimelineEvent",
    "ValidationError",
    "Workspace",
    "codec_for",
    "compile_predicate",
    "filter_from_json",
    "filter_to_json",
    "is_local_id",
    "operators_for",
    "record_title",
]
