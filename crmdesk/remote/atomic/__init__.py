"""The ``atomic`` dialect: BasicsOS, the open-source fork of Marmelab's Atomic CRM (DESIGN §4)."""

from crmdesk.remote.atomic.adapter import ATOMIC_DEFAULTS, AtomicBackend, connect_atomic
from crmdesk.remote.atomic.session import normalise_url

__all__ = ["ATOMIC_DEFAULTS", "AtomicBackend", "connect_atomic", "normalise_url"]
