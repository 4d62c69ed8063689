"""The views' name for ``crmdesk.store.display_context``, where the class lives so that the
command line formats values exactly as the views do."""

from crmdesk.store.display_context import MAX_CACHED_TITLES, StoreDisplayContext

__all__ = ["MAX_CACHED_TITLES", "StoreDisplayContext"]
