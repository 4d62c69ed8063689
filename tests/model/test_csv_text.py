"""Reading a CSV file's bytes the way spreadsheets write them (``model/csv_text.py``): the encoding
and the delimiter found from the bytes, blank rows skipped, each row's line in the file, ragged rows,
the export's formula guard, and a round trip of whatever Python's csv module writes."""

from __future__ import annotations

import codecs
import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmdesk.model.csv_text import DELIMITERS, CsvError, decode, detect_delimiter, read_csv

CRLF = "\r\n"


def _lines(*lines: str) -> str:
    return CRLF.join(lines) + CRLF


# -- encodings ---------------------------------------------------------------------------------


def test_excel_csv_utf8_with_a_byte_order_mark_reads_without_the_mark() -> None:
    data = codecs.BOM_UTF8 + _lines("Name,City", "Zoë,Köln").encode("utf-8")
    table = read_csv(data)
    assert table.encoding == "utf-8"
    assert table.headers == ["Name", "City"]  # no "\ufeffName": the first column still maps
    assert table.rows == [["Zoë", "Köln"]]


def test_windows_1252_bytes_read_correctly_and_are_reported_as_cp1252() -> None:
    data = _lines("Name;City", "Müller;Café").encode("cp1252")
    table = read_csv(data)
    assert table.encoding == "cp1252"
    assert table.delimiter == ";"
    assert table.rows == [["Müller", "Café"]]


def test_windows_1252_only_characters_are_not_read_as_latin1_control_codes() -> None:
    # "€" and "’" are bytes 0x80 and 0x92 in Windows-1252: Latin-1 would make them invisible controls.
    table = read_csv(_lines("Name,Price", "O’Brien,5 €").encode("cp1252"))
    assert (table.encoding, table.rows) == ("cp1252", [["O’Brien", "5 €"]])


def test_excel_unicode_text_utf16_with_a_bom_and_tabs() -> None:
    data = _lines("Name\tCity", "Zoë\tKöln", "Ada\tLondon").encode("utf-16")  # BOM first, as Excel writes it
    assert data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    table = read_csv(data)
    assert (table.encoding, table.delimiter, table.delimiter_name) == ("utf-16", "\t", "tab")
    assert table.headers == ["Name", "City"]
    assert table.rows == [["Zoë", "Köln"], ["Ada", "London"]]


@pytest.mark.parametrize(
    "text",
    [_lines("Name\tCity", "Zoë\tKöln"), _lines("Name\tEmail", "Ada\tada@example.com")],
    ids=["non-ascii", "ascii-only"],
)
def test_utf16_le_without_a_bom_is_recognised(text: str) -> None:
    # ASCII-only UTF-16 is valid UTF-8 byte for byte (every other byte NUL): it must not be read as that.
    table = read_csv(text.encode("utf-16-le"))
    assert table.encoding == "utf-16"
    assert table.delimiter == "\t"
    assert [table.headers, *table.rows] == [line.split("\t") for line in text.split(CRLF) if line]


def test_a_named_encoding_that_does_not_fit_says_which_byte_cannot_be_read() -> None:
    data = _lines("Name;City", "Müller;Café").encode("cp1252")
    with pytest.raises(CsvError) as raised:
        read_csv(data, encoding="utf-8")
    # "Name;City\r\nM" is 12 bytes: the ü is the 13th.
    assert str(raised.value) == "The file is not utf-8 text: byte 13 cannot be read (choose another encoding)"


def test_a_named_encoding_is_used_as_named() -> None:
    data = _lines("Name;City", "Müller;Café").encode("cp1252")
    assert read_csv(data, encoding="latin-1").encoding == "latin-1"
    assert decode(codecs.BOM_UTF8 + b"a,b", "utf-8") == ("a,b", "utf-8")  # Excel's BOM skipped when named too


def test_an_unknown_encoding_name_is_refused_naming_the_ones_offered() -> None:
    with pytest.raises(CsvError, match=r"“klingon” is not an encoding this computer knows \(try one of utf-8"):
        read_csv(b"a,b\r\n1,2\r\n", encoding="klingon")


# -- delimiters --------------------------------------------------------------------------------


def test_semicolons_win_over_decimal_commas() -> None:
    data = _lines("Name;Amount;Rate", "Ada;1,5;2,25", "Bob;3,0;4", "Cy;10;0,5").encode()
    table = read_csv(data)
    assert (table.delimiter, table.delimiter_name) == (";", "semicolon")
    assert table.headers == ["Name", "Amount", "Rate"]
    assert table.rows == [["Ada", "1,5", "2,25"], ["Bob", "3,0", "4"], ["Cy", "10", "0,5"]]


def test_semicolons_win_when_every_row_has_one_decimal_comma() -> None:
    # With "," every data row splits into 2 cells too, but the header does not: ";" agrees on more rows.
    table = read_csv(_lines("Name;Price", "Ada;1,5", "Bob;2,5").encode())
    assert table.delimiter == ";" and table.rows == [["Ada", "1,5"], ["Bob", "2,5"]]


def test_tabs_are_detected() -> None:
    table = read_csv(_lines("Name\tNote", "Ada\tx, y; z", "Bob\tp").encode())
    assert table.delimiter == "\t"
    assert table.rows == [["Ada", "x, y; z"], ["Bob", "p"]]


def test_commas_win_over_semicolons_and_commas_inside_quoted_cells() -> None:
    data = _lines("Name,Note,Score", 'Ada,"x; y, z",1', 'Bob,"p;q",2', 'Cy,"a, b",3').encode()
    table = read_csv(data)
    assert table.delimiter == ","
    assert table.rows == [["Ada", "x; y, z", "1"], ["Bob", "p;q", "2"], ["Cy", "a, b", "3"]]


def test_a_one_column_file_reads_as_one_column() -> None:
    table = read_csv(_lines("Email", "ada@example.com", "bob@example.com").encode())
    assert table.delimiter == ","
    assert table.headers == ["Email"]
    assert table.rows == [["ada@example.com"], ["bob@example.com"]]


def test_detect_delimiter_on_text() -> None:
    assert detect_delimiter("a|b|c\n1|2|3\n") == "|"
    assert detect_delimiter("just one column\nanother\n") == ","


def test_a_named_delimiter_overrides_detection_and_must_be_one_character() -> None:
    data = _lines("Name;Amount", "Ada;1,5").encode()
    named = read_csv(data, delimiter=",")
    assert (named.delimiter, named.headers, named.rows, named.overlong) == (",", ["Name;Amount"], [["Ada;1"]], {0: 2})
    with pytest.raises(CsvError, match="one character"):
        read_csv(data, delimiter=";;")


# -- rows --------------------------------------------------------------------------------------


def test_blank_rows_are_skipped_and_lines_are_each_rows_first_line_in_the_file() -> None:
    text = _lines(
        "Name,Note",  # 1
        "",  # 2
        'Ada,"first line',  # 3
        'second line"',  # 4
        ",",  # 5: only empty cells
        " , ",  # 6: only blanks
        "Bob,x",  # 7
    )
    table = read_csv(text.encode())
    assert table.rows == [["Ada", "first line\r\nsecond line"], ["Bob", "x"]]
    assert table.lines == [3, 7]


def test_short_rows_are_padded_and_overlong_rows_recorded() -> None:
    table = read_csv(_lines("Name,Email,Phone", "Ada", "Bob,b@x.com,1,extra,more", "Cy,c@x.com,2").encode())
    assert table.rows == [["Ada", "", ""], ["Bob", "b@x.com", "1"], ["Cy", "c@x.com", "2"]]
    assert table.overlong == {1: 5}  # row 1 (Bob) had 5 cells for 3 columns


def test_the_exports_formula_guard_is_taken_off() -> None:
    table = read_csv(_lines("Formula,Sum,Handle,Note", "'=2+2,'+1,'@ada,it's fine").encode())
    assert table.rows == [["=2+2", "+1", "@ada", "it's fine"]]


@pytest.mark.parametrize("data", [b"", b"\r\n\r\n", b" , \r\n", codecs.BOM_UTF8], ids=["empty", "blank-lines",
                                                                                       "blank-cells", "bom-only"])
def test_a_file_without_a_header_is_refused(data: bytes) -> None:
    with pytest.raises(CsvError, match=r"^The file has no header row \(it is empty\)$"):
        read_csv(data)


def test_blank_header_cells_are_named_by_their_column() -> None:
    table = read_csv(_lines(",Name, ", "1,2,3").encode())
    assert table.headers == ["Column 1", "Name", "Column 3"]
    assert table.rows == [["1", "2", "3"]]


# -- round trip --------------------------------------------------------------------------------

_GUARDS = ("'=", "'+", "'-", "'@")


def _cell_text(delimiter: str) -> st.SearchStrategy[str]:
    """Printable text with quotes, newlines, non-ASCII and this delimiter — but none of the other
    delimiters, so that detection has one right answer (a "," inside a ";" file is not quoted by
    the writer, and then "," may split the rows as evenly as ";")."""
    others = set(DELIMITERS) - {delimiter}
    printable = st.characters(codec="utf-8", exclude_characters="".join(others)).filter(str.isprintable)
    specials = st.sampled_from(['"', "\n", "\r\n", "\r", delimiter, " ", "é", "ß", "中", "😀", "'"])
    return st.lists(st.one_of(printable, specials), max_size=12).map("".join)


@st.composite
def _tables(draw: st.DrawFn) -> tuple[str, list[str], list[list[str]]]:
    delimiter = draw(st.sampled_from(DELIMITERS))
    columns = draw(st.integers(min_value=2, max_value=5))
    cell = _cell_text(delimiter)
    header = cell.filter(lambda h: h != "" and h == h.strip())
    headers = draw(st.lists(header, min_size=columns, max_size=columns))
    row = st.lists(cell.filter(lambda c: not c.startswith(_GUARDS)), min_size=columns, max_size=columns)
    rows = draw(st.lists(row.filter(lambda r: any(c.strip() for c in r)), max_size=6))
    return delimiter, headers, rows


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(_tables())
def test_what_pythons_csv_writer_writes_reads_back_exactly(table: tuple[str, list[str], list[list[str]]]) -> None:
    delimiter, headers, rows = table
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter).writerows([headers, *rows])
    read = read_csv(out.getvalue().encode("utf-8"))
    assert read.delimiter == delimiter
    assert read.encoding == "utf-8"
    assert read.headers == headers
    assert read.rows == rows
    assert read.overlong == {}
