"""Editors for attribute values, one small module per family, and the table delegate.

Every editor widget offers the same three methods, so the delegate, the bulk-edit dialog and
the record page can treat them alike:

- ``set_value(value)`` shows a canonical value (``None`` for empty);
- ``result()`` returns ``(role, value)``: ``(EditRole, text)`` for editors that hand the
  user's text to ``parse_user_text``, ``(ValueRole, canonical)`` for the others; it raises
  ``ValidationError`` when the widget's contents cannot be turned into a value;
- ``problem()`` returns the validation message for the current contents, or ``None``.
"""

from crmdesk.ui.editors.factory import create_editor

__all__ = ["create_editor"]
