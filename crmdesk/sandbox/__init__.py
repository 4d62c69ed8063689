"""A local CRM server for the demo, tests and benchmarks (DESIGN §2).

One SQLite core (``core``), a facade per dialect over HTTP in front of it (``aria``,
``atomic``, ``attio``, ``atlas``; the registry is ``facades``), demo data (``demo``; the atomic
and atlas facades build their own, in tables of their own) and fault injection (``faults``).
Imports ``crmdesk.model`` only — never the client's store, remote or ui.
"""

from crmdesk.sandbox.faults import FaultConfig
from crmdesk.sandbox.server import SandboxServer, start_demo_sandbox

__all__ = ["FaultConfig", "SandboxServer", "start_demo_sandbox"]
