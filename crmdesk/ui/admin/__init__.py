"""Schema and member administration: objects, attributes, options/statuses, members.

Every change goes to the server at once, off the GUI thread (``access.AdminAccess``); the
local schema follows with the sync that is triggered after each change.
"""
