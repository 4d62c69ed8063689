"""The ``aria`` dialect: OpenClaw CRM's API and its "Aria" fork (DESIGN §4)."""

from crmdesk.remote.aria.adapter import ARIA_DEFAULTS, AriaBackend, connect_aria

__all__ = ["ARIA_DEFAULTS", "AriaBackend", "connect_aria"]
