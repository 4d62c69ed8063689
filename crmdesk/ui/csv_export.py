"""Export what the table shows (its rows, its visible columns in their order) to CSV.

Display text, UTF-8 with a byte-order mark so Excel reads accents, and cells that a
spreadsheet would run as a formula are prefixed with ' (CSV injection: a record named
``=HYPERLINK(...)`` from the server must stay text).

An amount of money is two cells: the plain number (so a spreadsheet can add it up) and its
ISO currency code in a "… currency" column next to it — "$" alone does not say USD, CAD or AUD,
and a sum over a column must not mix euros with dollars unseen.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt

from crmdesk.model import AttributeDef, AttributeType
from crmdesk.model.codecs.numeric import currency_of
from crmdesk.ui.models.record_table_model import AttributeRole, RecordTableModel, ValueRole

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[-+]?[$€£¥₹₩]?[\d,]*\.?\d+( [A-Z]{3})?$")
#: Progress is reported every this many rows; the callback returns False to cancel.
PROGRESS_STEP = 500


def safe_cell(text: str) -> str:
    if text.startswith(_FORMULA_START) and not _NUMBER.match(text):
        return "'" + text
    return text


def export_csv(
    model: RecordTableModel,
    columns: Sequence[int],
    path: Path,
    progress: Callable[[int, int], bool] | None = None,
) -> int:
    """Write the model's rows for the given logical columns; returns rows written.

    Written to a temporary file first: a cancelled or failed export never leaves half a
    file under the name the user chose.
    """
    total = model.rowCount()
    partial = path.with_name(path.name + ".part")
    written = 0
    try:
        with partial.open("w", encoding="utf-8-sig", newline="") as handle:
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
                    if c in money:
                        cells += _money_cells(index.data(AttributeRole), index.data(ValueRole))
                    else:
                        cells.append(index.data() or "")
                writer.writerow([safe_cell(text) for text in cells])
                written += 1
        partial.replace(path)
    except _Cancelled:
        partial.unlink(missing_ok=True)
        return -1
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if progress is not None:
        progress(total, total)
    return written


def _is_money(model: RecordTableModel, column: int) -> bool:
    attr = model.columns[column]
    return attr.type is AttributeType.CURRENCY and not attr.multiselect


def _money_cells(attr: AttributeDef, value: object) -> list[str]:
    """[amount, code] of one amount ("31500", "EUR"); empty cells for no value."""
    if not isinstance(value, dict) or "amount" not in value:
        return ["", ""]
    return [str(value["amount"]), currency_of(value, attr) or ""]


class _Cancelled(Exception):
    pass
