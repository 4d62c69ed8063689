"""The one rule for "my task", shared by Home's "My work" and by reminders so both list the same tasks.

A task is mine when it is assigned to me (by any id I am known by: a server names an assignee by the
member id or by the user id), or when it has no assignee and I created it — nobody else will do it.
A task with no assignee and no known author (``created_by`` NULL: a server that does not say, e.g. a
task an integration or an API token made) is NOT mine: the rule cannot tell, and reminding everybody
of everything is worse than listing it in the Tasks view only. The one exception is a task made here
and not yet sent (its id still local): this workspace file is mine, so I made it.

While "me" is unknown (nobody chose who they are: Workspace ▸ Settings ▸ Members… ▸ This is me, or the
server has not said) no task is mine; the views say how to choose rather than guess.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crmdesk.model import LOCAL_ID_PREFIX

if TYPE_CHECKING:
    from crmdesk.store.schema_repo import SchemaRepo

#: The condition that holds for no row, for "me" unknown (keeps callers' SQL one shape).
NOBODY = "0"


def my_ids(schema: SchemaRepo) -> frozenset[str]:
    """Every id "me" is known by: the chosen id, the actor id, and the member's and user's ids of the
    member it names; empty while "me" is unknown."""
    me = schema.me()
    if not me:
        return frozenset()
    ids = {me}
    actor = schema.my_actor_id()
    if actor:
        ids.add(actor)
    for member in schema.members():
        if me in (member.id, member.user_id):
            ids.update(i for i in (member.id, member.user_id) if i)
    return frozenset(ids)


def mine_condition(schema: SchemaRepo, alias: str = "t") -> tuple[str, list[str]]:
    """An SQL condition over ``tasks <alias>`` that holds for my tasks, and its parameters (in order).

    ``("0", [])`` — no task — while "me" is unknown."""
    mine = sorted(my_ids(schema))
    if not mine:
        return NOBODY, []
    marks = ", ".join("?" * len(mine))
    condition = (
        f"(EXISTS (SELECT 1 FROM task_assignees a WHERE a.task_id = {alias}.id AND a.member_id IN ({marks}))"
        f" OR (NOT EXISTS (SELECT 1 FROM task_assignees a WHERE a.task_id = {alias}.id)"
        f" AND ({alias}.created_by IN ({marks}) OR {alias}.id LIKE ?)))"
    )
    return condition, [*mine, *mine, LOCAL_ID_PREFIX + "%"]
