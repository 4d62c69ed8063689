"""Copying a cached workspace to another server, of any dialect (File ▸ Copy workspace to…,
``crmdesk copy``): plan, schema, records with their references, lists, notes and tasks, resumable
through an id map in the source's file, and verified afterwards."""

from crmdesk.sync.copy.plan import LEAVE_OUT, CopyPlan, workspace_key
from crmdesk.sync.copy.run import CopyFailed, CopyOutcome, WorkspaceCopy

__all__ = ["LEAVE_OUT", "CopyFailed", "CopyOutcome", "CopyPlan", "WorkspaceCopy", "workspace_key"]
