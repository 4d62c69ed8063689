"""Export what the table shows (its rows, its visible columns in their order) to CSV, as data.

A spreadsheet or a script reads the file, so each cell holds the value, not the text the
table shows in the user's locale: numbers as plain numbers ("114000", "2.5", "0.00001", never
"1e-05"; every digit a float holds, no grouping), dates and
times in ISO 8601 ("2027-03-12", "2027-03-12T14:30:00.000Z", UTC), checkboxes "true"/"false",
phone numbers in E.164. Options, referenced records and members are written by their titles
(their ids mean nothing outside the workspace). Several values in one cell are joined with
"; " (a comma would be read as a decimal mark in half of the world's spreadsheets).

An amount of money is two cells: the plain number (so a spreadsheet can add it up) and its
ISO currency code in a "… currency" column next to it — "$" alone does not say USD, CAD or AUD,
and a sum over a column must not mix euros with dollars unseen.

UTF-8 with a byte-order mark so Excel reads accents, and cells that a spreadsheet would run
as a formula are prefixed with ' (CSV injection: a record named ``=HYPERLINK(...)`` from the
server must stay text). Number, rating and money cells are never prefixed: made from numbers
(and currency codes), they cannot be a formula, and "-5" must stay a number.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from crmdesk.model import AttributeDef, AttributeType
from crmdesk.model.codecs.numeric import currency_of
from crmdesk.model.values import display_text, elements
from crmdesk.ui.models.record_table_model import NUMERIC_TYPES, AttributeRole, RecordTableModel, ValueRole

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Text that is a plain number ("-5", "+4915123456789"): no formula, left as it is.
_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)$")
#: Progress is reported every this many rows; the callback returns False to cancel.
PROGRESS_STEP = 500
#: Exports bigger than this show a progress dialog that can cancel.
PROGRESS_ABOVE = 2_000
#: Between the values of one cell (a multiselect, several referenced records).
MULTI_JOINER = "; "
#: Types written as their canonical value: already plain data (ISO dates, E.164…).
_AS_STORED = frozenset({
    AttributeType.DATE, AttributeType.TIMESTAMP,
    AttributeType.TEXT, AttributeType.EMAIL_ADDRESS, AttributeType.DOMAIN, AttributeType.PHONE_NUMBER,
})


def safe_cell(text: str) -> str:
    if text.startswith(_FORMULA_START) and not _NUMBER.match(text):
        return "'" + text
    return text


def plain_number(value: Any) -> str:
    """A number in positional notation, as every spreadsheet reads it: no exponent ("0.00001",
    "-100000000000000000000"), no grouping, and a float's every digit (its shortest repr)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return str(value)
    return format(Decimal(repr(value)), "f")


def data_cell(attr: AttributeDef, value: Any, ctx: Any) -> str:
    """One value as data: what a spreadsheet or a script should read in the cell."""
    items = elements(value)
    if attr.type in (AttributeType.NUMBER, AttributeType.RATING):
        texts = [plain_number(item) for item in items]
    elif attr.type in _AS_STORED:
        texts = [str(item) for item in items]
    elif attr.type is AttributeType.CHECKBOX:
        texts = ["true" if item else "false" for item in items]
    elif attr.type is AttributeType.CURRENCY:
        # "31500 EUR" (only a multiselect lands here)
        texts = [" ".join(filter(None, (plain_number(item["amount"]), item.get("currency")))) for item in items]
    else:
        # Titles of options, records and members; names and addresses in their one written form.
        texts = [display_text(attr, item, ctx) for item in items]
    return MULTI_JOINER.join(texts)


@contextmanager
def written_whole(path: Path) -> Iterator[TextIO]:
    """A UTF-8 (with BOM, for spreadsheets) text handle on ``<path>.part``, moved onto ``path``
    when the block ends; any exception (a cancel too) removes the part file: a failed or cancelled
    export never leaves half a file under the name the user chose."""
    partial = path.with_name(path.name + ".part")
    try:
        with partial.open("w", encoding="utf-8-sig", newline="") as handle:
            yield handle
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def export_csv(
    model: RecordTableModel,
    columns: Sequence[int],
    path: Path,
    progress: Callable[[int, int], bool] | None = None,
) -> int:
    """Write the model's rows for the given logical columns; returns rows written (-1: cancelled).

    Written to a temporary file first: a cancelled or failed export never leaves half a
    file under the name the user chose.
    """
    total = model.rowCount()
    written = 0
    try:
        with written_whole(path) as handle:
            writer = csv.writer(handle)
            money = {c for c in columns if _is_money(model, c)}
            header: list[str] = []
            for c in columns:
                title = str(model.headerData(c, Qt.Orientation.Horizontal))
                header += [title, f"{title} currency"] if c in money else [title]
            writer.writerow([safe_cell(text) for text in header])
            for row in range(total):
                if progress is not None and row % PROGRESS_STEP == 0 and not progress(row, total):
                    raise _Cancelled
                cells: list[str] = []
                for c in columns:
                    index = model.index(row, c)
                    attr, value = index.data(AttributeRole), index.data(ValueRole)
                    if c in money:
                        cells += _money_cells(attr, value)
                    elif attr.type in NUMERIC_TYPES:  # numbers (and currency codes) only: never a formula
                        cells.append(data_cell(attr, value, model.context))  # a number is no formula
                    else:
                        cells.append(safe_cell(data_cell(attr, value, model.context)))
                writer.writerow(cells)
                written += 1
    except _Cancelled:
        return -1
    if progress is not None:
        progress(total, total)
    return written


def confirmation_text(written: int, noun_one: str, noun_many: str, path: Path) -> str:
    """"Exported 50 deals to deals.csv in /home/ada." — how many rows went where."""
    noun = noun_one if written == 1 else noun_many
    return f"Exported {written:,} {noun.lower()} to {path.name} in {path.parent}."


def export_table(parent: QWidget, model: RecordTableModel, columns: Sequence[int],
                 refused: Callable[[str], None]) -> QMessageBox | None:
    """The table's "Export CSV…": ask where, write (with a progress dialog that can cancel
    for long tables), then say how many rows went to which file in a message box opened
    window-modal without blocking (returned; None when nothing was written)."""
    obj = model.object_def
    default = str(Path.home() / f"{obj.plural_name}.csv")
    chosen, _ = QFileDialog.getSaveFileName(parent, "Export to CSV", default, "CSV files (*.csv)")
    if not chosen:
        return None
    path = Path(chosen)
    progress: QProgressDialog | None = None
    if model.rowCount() > PROGRESS_ABOVE:
        progress = QProgressDialog("Exporting…", "Cancel", 0, model.rowCount(), parent)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)

    def report(done: int, total: int) -> bool:
        if progress is None:
            return True
        progress.setValue(done)
        return not progress.wasCanceled()

    try:
        written = export_csv(model, columns, path, report)
    except OSError as error:
        refused(f"Could not write {path}: {error.strerror or error}")
        return None
    finally:
        if progress is not None:
            progress.close()
    if written < 0:
        return None
    box = QMessageBox(QMessageBox.Icon.Information, "Export done",
                      confirmation_text(written, obj.singular_name, obj.plural_name, path),
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("exportDone")
    box.setTextFormat(Qt.TextFormat.PlainText)  # a folder's name is never markup
    box.setInformativeText("Numbers are plain numbers, amounts have their currency code in the column beside "
                           "them, dates and times are ISO 8601 (UTC), and several values in one cell are "
                           f"joined with “{MULTI_JOINER.strip()}”.")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def _is_money(model: RecordTableModel, column: int) -> bool:
    attr = model.columns[column]
    return attr.type is AttributeType.CURRENCY and not attr.multiselect


def _money_cells(attr: AttributeDef, value: object) -> list[str]:
    """[amount, code] of one amount ("31500", "EUR"); empty cells for no value."""
    if not isinstance(value, dict) or "amount" not in value:
        return ["", ""]
    return [plain_number(value["amount"]), currency_of(value, attr) or ""]


class _Cancelled(Exception):
    pass
