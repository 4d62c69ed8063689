"""The attio route table: (method, path, handler, scopes), the scopes as Attio's spec names them.

Attribute, option and status routes serve objects and lists alike (``{target}``), so their
scopes are read from the path (``object_configuration`` or ``list_configuration``). Creating
an attribute needs ``…:read-write`` although the spec lists no scope for it: it changes the
schema, as its PATCH does.
"""

from __future__ import annotations

from crmdesk.sandbox.attio import (
    comments_api,
    lists_api,
    notes_api,
    records_api,
    schema_api,
    search_api,
    tasks_api,
    workspace_api,
)
from crmdesk.sandbox.attio.http import Handler, Scopes
from crmdesk.sandbox.attio.options_api import options, statuses

P = "/v2"
ATTRS = P + "/{target}/{identifier}/attributes"
ATTR = ATTRS + "/{attribute}"
OBJ = P + "/objects/{object}"
REC = OBJ + "/records/{record_id}"
LIST = P + "/lists/{list}"
ENTRY = LIST + "/entries/{entry_id}"

OBJECTS_READ = ("object_configuration:read",)
OBJECTS_WRITE = ("object_configuration:read-write",)
RECORDS_READ = ("record_permission:read", "object_configuration:read")
RECORDS_WRITE = ("record_permission:read-write", "object_configuration:read")
LISTS_READ = ("list_configuration:read",)
LISTS_WRITE = ("list_configuration:read-write",)
ENTRIES_READ = ("list_entry:read", "list_configuration:read")
ENTRIES_WRITE = ("list_entry:read-write", "list_configuration:read")
MEMBERS_READ = ("user_management:read",)
NOTES_READ = ("note:read", "object_configuration:read", "record_permission:read")
NOTES_WRITE = ("note:read-write", "object_configuration:read", "record_permission:read")
TASKS_READ = ("task:read", "object_configuration:read", "record_permission:read", "user_management:read")
TASKS_WRITE = ("task:read-write", "object_configuration:read", "record_permission:read", "user_management:read")
COMMENTS_READ = ("comment:read",)
COMMENTS_WRITE = ("comment:read-write",)

ROUTES: tuple[tuple[str, str, Handler, Scopes], ...] = (
    ("GET", P + "/self", workspace_api.self_info, ()),
    ("GET", P + "/objects", schema_api.list_objects, OBJECTS_READ),
    ("POST", P + "/objects", schema_api.create_object, OBJECTS_WRITE),
    ("GET", OBJ, schema_api.get_object, OBJECTS_READ),
    ("PATCH", OBJ, schema_api.update_object, OBJECTS_WRITE),
    ("GET", ATTRS, schema_api.list_attributes, schema_api.config_read),
    ("POST", ATTRS, schema_api.create_attribute, schema_api.config_write),
    ("GET", ATTR, schema_api.get_attribute, schema_api.config_read),
    ("PATCH", ATTR, schema_api.update_attribute, schema_api.config_write),
    ("GET", ATTR + "/options", options.list, schema_api.config_read),
    ("POST", ATTR + "/options", options.create, schema_api.config_write),
    ("PATCH", ATTR + "/options/{option}", options.update, schema_api.config_write),
    ("GET", ATTR + "/statuses", statuses.list, schema_api.config_read),
    ("POST", ATTR + "/statuses", statuses.create, schema_api.config_write),
    ("PATCH", ATTR + "/statuses/{status}", statuses.update, schema_api.config_write),
    ("POST", P + "/objects/records/search", search_api.search_records, RECORDS_READ),
    ("POST", OBJ + "/records/query", records_api.query_records, RECORDS_READ),
    ("POST", OBJ + "/records", records_api.create_record, RECORDS_WRITE),
    ("PUT", OBJ + "/records", records_api.assert_record, RECORDS_WRITE),
    ("GET", REC, records_api.get_record, RECORDS_READ),
    ("PUT", REC, records_api.put_record, RECORDS_WRITE),
    ("PATCH", REC, records_api.patch_record, RECORDS_WRITE),
    ("DELETE", REC, records_api.delete_record, RECORDS_WRITE),
    ("GET", REC + "/attributes/{attribute}/values", records_api.attribute_values, RECORDS_READ),
    ("GET", REC + "/entries", lists_api.record_entries, (*RECORDS_READ, "list_entry:read")),
    ("GET", P + "/lists", lists_api.list_lists, LISTS_READ),
    ("POST", P + "/lists", lists_api.create_list, LISTS_WRITE),
    ("GET", LIST, lists_api.get_list, LISTS_READ),
    ("PATCH", LIST, lists_api.update_list, LISTS_WRITE),
    ("POST", LIST + "/entries/query", lists_api.query_entries, ENTRIES_READ),
    ("POST", LIST + "/entries", lists_api.create_entry, ENTRIES_WRITE),
    ("PUT", LIST + "/entries", lists_api.assert_entry, ENTRIES_WRITE),
    ("GET", ENTRY, lists_api.get_entry, ENTRIES_READ),
    ("PATCH", ENTRY, lists_api.patch_entry, ENTRIES_WRITE),
    ("PUT", ENTRY, lists_api.put_entry, ENTRIES_WRITE),
    ("DELETE", ENTRY, lists_api.delete_entry, ENTRIES_WRITE),
    ("GET", ENTRY + "/attributes/{attribute}/values", lists_api.entry_values, ENTRIES_READ),
    ("GET", P + "/workspace_members", workspace_api.list_members, MEMBERS_READ),
    ("GET", P + "/workspace_members/{workspace_member_id}", workspace_api.get_member, MEMBERS_READ),
    ("GET", P + "/notes", notes_api.list_notes, NOTES_READ),
    ("POST", P + "/notes", notes_api.create_note, NOTES_WRITE),
    ("GET", P + "/notes/{note_id}", notes_api.get_note, NOTES_READ),
    ("DELETE", P + "/notes/{note_id}", notes_api.delete_note, ("note:read-write",)),
    ("GET", P + "/tasks", tasks_api.list_tasks, TASKS_READ),
    ("POST", P + "/tasks", tasks_api.create_task, TASKS_WRITE),
    ("GET", P + "/tasks/{task_id}", tasks_api.get_task, TASKS_READ),
    ("PATCH", P + "/tasks/{task_id}", tasks_api.update_task, TASKS_WRITE),
    ("DELETE", P + "/tasks/{task_id}", tasks_api.delete_task, ("task:read-write",)),
    ("GET", P + "/threads", comments_api.list_threads, COMMENTS_READ),
    ("GET", P + "/threads/{thread_id}", comments_api.get_thread, COMMENTS_READ),
    ("POST", P + "/comments", comments_api.create_comment, COMMENTS_WRITE),
    ("GET", P + "/comments/{comment_id}", comments_api.get_comment, COMMENTS_READ),
    ("DELETE", P + "/comments/{comment_id}", comments_api.delete_comment, COMMENTS_WRITE),
)
