"""Export what the table shows (its rows, its visible columns in their order) to CSV.

Display text, UTF-8 with a byte-order mark so Excel reads accents, and cells that a
spreadsheet would run as a formula are prefixed with ' (CSV injection: a record named
``=HYPERLINK(...)`` from the server must stay text).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt

from crmdesk.ui.models.record_table_model import RecordTableModel

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
            writer.writerow([safe_cell(str(model.headerData(c, Qt.Orientation.Horizontal))) for c in columns])
            for row in range(total):
                if progress is not None and row % PROGRESS_STEP == 0 and not progress(row, total):
                    raise _Cancelled
                writer.writerow([safe_cell(model.data(model.index(row, c)) or "") for c in columns])
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


class _Cancelled(Exception):
    pass
