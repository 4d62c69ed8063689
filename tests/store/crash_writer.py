"""Child process for the crash-safety test: writes user edits until it is killed.

After each committed transaction it prints one line, so the parent knows exactly
which edits the store has promised to keep:
``CREATE <mutation_id> <record_id> <marker>`` or ``UPDATE <mutation_id> <record_id> <marker>``.
"""

from __future__ import annotations

import sys
import uuid

from crmdesk.model import AttributeDef, AttributeType, ObjectDef
from crmdesk.store import Store

PEOPLE = ObjectDef(
    "people",
    "Person",
    "People",
    attributes=(
        AttributeDef("name", "Name", AttributeType.TEXT),
        AttributeDef("note", "Note", AttributeType.TEXT),
        AttributeDef("score", "Score", AttributeType.NUMBER),
    ),
)


def main(path: str) -> None:
    store = Store.open(path)
    with store.write():
        if store.schema.get_object("people") is None:
            store.schema.save_object(PEOPLE)
    counter = 0
    while True:
        counter += 1
        marker = uuid.uuid4().hex
        created = store.edits.create_record("people", {"name": f"crash {marker}", "score": counter})
        print(f"CREATE {created.mutation_id} {created.target_id} {marker}", flush=True)
        updated = store.edits.update_record(created.target_id, {"note": marker})
        assert updated is not None
        print(f"UPDATE {updated.mutation_id} {created.target_id} {marker}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
