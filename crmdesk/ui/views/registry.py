"""Which widget shows which navigation target. Modules are imported when first needed,
so start-up loads only the first view."""

from __future__ import annotations

import importlib
from typing import Any

#: kind → "module:Class". Each class is built as ``Class(context, argument, parent)``
#: and may define ``on_changed(changes)`` and ``save_state()``. (A function with the same
#: arguments may stand in for a class: ``view`` shows a saved view, or says it is gone.)
VIEWS: dict[str, str] = {
    "home": "crmdesk.ui.views.home_view:HomeView",
    "dashboard": "crmdesk.ui.views.dashboard_view:DashboardView",
    "reminders": "crmdesk.ui.views.reminders_view:RemindersView",
    "object": "crmdesk.ui.views.object_view:ObjectView",
    "view": "crmdesk.ui.views.saved_view_page:open_saved_view",
    "list": "crmdesk.ui.views.list_view:ListView",
    "record": "crmdesk.ui.views.record_page:RecordPage",
    "tasks": "crmdesk.ui.views.tasks_view:TasksView",
    "notes": "crmdesk.ui.views.notes_view:NotesView",
    "notifications": "crmdesk.ui.views.notifications_view:NotificationsView",
}


def view_class(kind: str) -> Any | None:
    """The class for ``kind``, or None when that view is not built yet."""
    spec = VIEWS.get(kind)
    if spec is None:
        return None
    module_name, _, class_name = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name == module_name:
            return None
        raise
    return getattr(module, class_name)
