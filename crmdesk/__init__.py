"""crmdesk: a local-first desktop CRM client."""

__version__ = "0.1.0"
