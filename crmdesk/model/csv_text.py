"""A CSV file's bytes → a header and rows of text, the way spreadsheets write them.

Spreadsheets write CSV in many ways: Excel on Windows in the machine's code page (Windows-1252
in the West) or as "CSV UTF-8" with a byte-order mark, LibreOffice in UTF-8, Numbers in UTF-8,
"Unicode text" as UTF-16 with tabs; half of Europe separates cells with ";" because "," is its
decimal mark. So nothing is assumed: the encoding and the delimiter are found from the bytes
(each can be named instead), and the first row is the header.

Pure: no store, no Qt. Reading the file is the caller's (the CLI and the import dialog).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from dataclasses import dataclass, field

#: What the detector tries, in its order of preference when two read equally well, with their names.
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}
DELIMITERS = tuple(DELIMITER_NAMES)
#: What the import dialog offers and the CLI accepts; detection picks among the first four.
ENCODINGS = ("utf-8", "utf-16", "cp1252", "latin-1", "mac-roman")
#: Lines the delimiter detector reads: enough for a header and a screenful of rows.
_SAMPLE_LINES = 50
#: A cell crmdesk's CSV export guarded against being run as a formula ("'=SUM(…)"): the quote goes.
_GUARDED = ("'=", "'+", "'-", "'@")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class CsvError(ValueError):
    """A file that cannot be read as CSV; the message says why, for the user."""


@dataclass
class CsvTable:
    """A header and its rows; every row has exactly one cell per column (short rows padded).

    ``lines`` is each row's first line in the file (what a user looks for in an editor);
    ``overlong`` the rows that had more cells than the header (their extra cells are not kept).
    """

    headers: list[str]
    rows: list[list[str]]
    lines: list[int]
    encoding: str
    delimiter: str
    overlong: dict[int, int] = field(default_factory=dict)

    def copy(self) -> CsvTable:
        """A table of its own (rows copied): one the caller may edit while another thread reads this."""
        return CsvTable(list(self.headers), [list(row) for row in self.rows], list(self.lines), self.encoding,
                        self.delimiter, dict(self.overlong))

    @property
    def delimiter_name(self) -> str:
        return DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was read in (``encoding`` when named).

    Found by: a byte-order mark; else UTF-16 when every other byte is zero (a BOM-less "Unicode
    text"); else UTF-8 when the bytes are valid UTF-8 (text in another encoding almost never is);
    else Windows-1252, what Excel writes on a Western Windows machine; else Latin-1, which reads
    any bytes.
    """
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise CsvError(f"“{encoding}” is not an encoding this computer knows "
                           f"(try one of {', '.join(ENCODINGS)})") from None
        try:
            return _strip_bom(data.decode(_with_bom_skipped(data, encoding))), encoding
        except UnicodeDecodeError as error:
            raise CsvError(f"The file is not {encoding} text: byte {error.start + 1} cannot be read "
                           "(choose another encoding)") from None
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name).lstrip("\ufeff"), "utf-8" if name == "utf-8-sig" else name
            except UnicodeDecodeError:
                break
    # UTF-16 first: ASCII-only UTF-16 (every other byte NUL) is valid UTF-8 too.
    sample = data[:4096]
    if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4:
        try:
            return data.decode("utf-16-le"), "utf-16"
        except UnicodeDecodeError:
            pass
    if len(sample) >= 4 and sample[0::2].count(0) > len(sample) // 4:
        try:
            return data.decode("utf-16-be"), "utf-16"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _with_bom_skipped(data: bytes, encoding: str) -> str:
    """UTF-8 named by the user still skips a byte-order mark Excel put there."""
    if codecs.lookup(encoding).name == "utf-8" and data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    return encoding


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def detect_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the same number (more than one) of cells
    most often; a file of one column reads as comma-separated."""
    sample = "\n".join(text.splitlines()[:_SAMPLE_LINES])
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        try:
            widths = [len(row) for row in csv.reader(io.StringIO(sample), delimiter=delimiter) if row]
        except csv.Error:
            continue
        if not widths:
            continue
        width, agreeing = Counter(widths).most_common(1)[0]
        if width < 2:
            continue
        # Rows that agree first, then the header's own width: a quoted "a, b" must not win for ",".
        score = (agreeing, width if widths[0] == width else 0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv(data: bytes, *, encoding: str | None = None, delimiter: str | None = None) -> CsvTable:
    """The header and rows of a CSV file's bytes. Blank rows are skipped; a cell crmdesk's export
    guarded with a leading ' ("'=2+2") is read without it. Raises ``CsvError`` when there is no
    header or the text is not CSV (the message names the line)."""
    text, used = decode(data, encoding)
    if delimiter is not None and len(delimiter) != 1:
        raise CsvError(f"The delimiter must be one character, not “{delimiter}”")
    chosen = delimiter or detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=chosen)
    headers: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    overlong: dict[int, int] = {}
    try:
        line = reader.line_num + 1
        for cells in reader:
            first_line, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if headers is None:
                headers = [cell.strip().lstrip("\ufeff") or f"Column {i}" for i, cell in enumerate(cells, 1)]
                continue
            if len(cells) > len(headers):
                overlong[len(rows)] = len(cells)
            cells = [_unguarded(cell) for cell in cells[: len(headers)]]
            cells += [""] * (len(headers) - len(cells))
            rows.append(cells)
            lines.append(first_line)
    except csv.Error as error:
        raise CsvError(f"Line {reader.line_num}: {error}") from None
    if headers is None:
        raise CsvError("The file has no header row (it is empty)")
    return CsvTable(headers, rows, lines, used, chosen, overlong)


def _unguarded(cell: str) -> str:
    return cell[1:] if cell.startswith(_GUARDED) else cell
