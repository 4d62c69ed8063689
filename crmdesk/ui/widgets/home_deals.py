"""Home's "My open deals": deals I own that are neither won nor lost, by expected close date (none
last), with their stage, value and close date as the table shows them, and how long since
anything happened on each — "Stale · 21 days" once past the workspace's stale days (in words,
not only in colour). A close date already past is in the Tasks view's overdue red, its tooltip
says how long ago ("Close date passed 58 days ago"), and the section's note counts them
("3 past close date"): the deals that slipped. Enter opens the deal.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QTreeWidgetItem, QWidget

from crmdesk.model.codecs.base import DisplayContext
from crmdesk.store.my_work import MyDeal, MyDeals
from crmdesk.ui.formatting import ValueFormatter
from crmdesk.ui.text import plain_tooltip
from crmdesk.ui.widgets.home_section import OVERDUE_INK, HomeList, HomeSection, KeyRole

COL_DEAL, COL_STAGE, COL_VALUE, COL_CLOSE, COL_QUIET = range(5)
#: Amber: a warning, readable on light and dark bases alike (the words say it too).
STALE_INK = QColor("#d97706")
NO_ME = ("Home shows the deals you own once crmdesk knows which member you are: choose yourself in "
         "Workspace ▸ Settings ▸ Members… ▸ This is me.")
NO_PIPELINE = "This workspace has no deals: no object has a stage (a status attribute) to follow."
NO_OWNER = "The {deals} have no owner attribute, so none of them can be yours."
NONE_OPEN = ("No open {deals} of yours. Deals whose Owner is you show here until they are won or lost — "
             "set the Owner on a deal, or create one from the {deals} table.")


def past_close_words(days: int) -> str:
    """The Close cell's tooltip on a deal that slipped: "Close date passed 58 days ago"."""
    return "Close date passed yesterday" if days == 1 else f"Close date passed {days} days ago"


def quiet_words(deal: MyDeal) -> str:
    if deal.quiet_days is None:
        return "Stale · no activity" if deal.stale else ""
    days = deal.quiet_days
    span = "today" if days == 0 else ("1 day" if days == 1 else f"{days} days")
    if deal.stale:
        return f"Stale · {span}"
    return "Today" if days == 0 else f"{span} ago"


class DealsSection(HomeSection):
    #: A navigation target: ``record:<id>``.
    open_requested = Signal(str)

    def __init__(self, formatter: ValueFormatter, parent: QWidget | None = None) -> None:
        super().__init__("My open deals", HomeList("My open deals", ("Deal", "Stage", "Value", "Close", "Activity")),
                         parent)
        self.formatter = formatter
        self.list.itemActivated.connect(self._activated)

    def fill(self, work: MyDeals | None, stale_days: int, ctx: DisplayContext) -> None:
        """``work`` None: nobody said who "me" is."""
        key, row = self.list.current_key(), self.list.current_row()
        self.list.clear()
        if work is None:
            self.show_empty(NO_ME)
            return
        shape = work.shape
        if shape is None:
            self.show_empty(NO_PIPELINE)
            return
        deals_word = shape.obj.plural_name.lower()
        if shape.owner is None:
            self.show_empty(NO_OWNER.format(deals=deals_word))
            return
        if not work.deals:
            self.show_empty(NONE_OPEN.format(deals=deals_word))
            return
        self.list.headerItem().setText(COL_DEAL, shape.obj.singular_name)
        for deal in work.deals:
            stage_id = deal.values.get(shape.stage.slug)
            option = shape.stage.option_by_id(stage_id) if isinstance(stage_id, str) else None
            value = deal.values.get(shape.value.slug) if shape.value is not None else None
            close = deal.values.get(shape.close_date.slug) if shape.close_date is not None else None
            item = QTreeWidgetItem([
                deal.title or "(untitled)",
                option.title if option is not None else "",
                self.formatter.display(shape.value, value, ctx) if shape.value and value is not None else "",
                self.formatter.display(shape.close_date, close, ctx) if shape.close_date and close is not None else "",
                quiet_words(deal),
            ])
            item.setData(COL_DEAL, KeyRole, deal.id)
            item.setToolTip(COL_DEAL, plain_tooltip(deal.title))
            item.setTextAlignment(COL_VALUE, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if deal.days_past_close:
                item.setForeground(COL_CLOSE, QBrush(OVERDUE_INK))
                item.setToolTip(COL_CLOSE, plain_tooltip(past_close_words(deal.days_past_close)))
            if deal.stale:
                font = QFont(self.list.font())
                font.setBold(True)
                item.setFont(COL_QUIET, font)
                item.setForeground(COL_QUIET, QBrush(STALE_INK))
                item.setToolTip(COL_QUIET, plain_tooltip(
                    f"No note, task or change for {stale_days} days or more (Workspace ▸ Settings sets how many)"))
            self.list.addTopLevelItem(item)
        stale = sum(1 for deal in work.deals if deal.stale)
        slipped = sum(1 for deal in work.deals if deal.days_past_close)
        parts = [f"{work.total} open"]
        if stale:
            parts.append(f"{stale} stale")
        if slipped:
            # By close date, the slipped deals come first: past the rows shown there may be more.
            more = "+" if slipped == len(work.deals) < work.total else ""
            parts.append(f"{slipped}{more} past close date")
        if work.total > len(work.deals):
            parts.append(f"first {len(work.deals)} by close date")
        self.show_list(" · ".join(parts))
        self.list.put_back(key, max(row, 0))

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        record_id = item.data(COL_DEAL, KeyRole)
        if isinstance(record_id, str):
            self.open_requested.emit(f"record:{record_id}")
