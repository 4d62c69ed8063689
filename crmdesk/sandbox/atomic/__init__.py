"""The atomic dialect (BasicsOS, a fork of Marmelab's Atomic CRM: ``/api/:resource``) in
front of the sandbox core, answering as the recorded real server does
(``tests/fixtures/atomic-real/README.md``)."""

from __future__ import annotations

from crmdesk.sandbox.atomic.app import Atomic, create_app
from crmdesk.sandbox.atomic.http import RateLimits, Settings
from crmdesk.sandbox.atomic.store import AtomicStore

__all__ = ["Atomic", "AtomicStore", "RateLimits", "Settings", "create_app"]
