"""Headless sub-commands over a workspace's local file: ``crmdesk records …`` and ``crmdesk notes …``.

They make the same offline edits as the window, through the same store path (``store.edits``:
one transaction with its outbox row), and reach no server; ``crmdesk sync`` sends them.
"""
