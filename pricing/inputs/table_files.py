"""Reading a CSV or XLSX file into a table of text, refusing what is not a table.

Every file is read here, within fixed limits (:mod:`pricing.inputs.limits`) checked before the work
they bound: its size before it is read, an XLSX archive's unpacked size and its first sheet's
declared row count before a row is parsed, rows streamed and counted so reading stops at the
limit. A few kilobytes that unpack to gigabytes (a zip bomb) are refused unread. The header must
name each column once. Cells stay text: what they mean is checked by the reader of each file.

Errors are :class:`pricing.errors.DataFileError` and name the file by its name only, never by
the folder it is in.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import pandas as pd

from pricing.errors import DataFileError
from pricing.inputs.limits import (
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_SHOWN_CHARS,
    MAX_XLSX_UNPACKED_BYTES,
    shown_value,
)

Source = str | Path | bytes | IO[bytes]

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and .doc) format
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # Excel's "Unicode text" is UTF-16 with tabs


def read_bytes(source: Source, max_bytes: int = MAX_FILE_BYTES, name: str | None = None):
    """The bytes of a file and the name to call it by; missing, unreadable, oversized and
    empty files are refused. ``name`` names uploaded bytes (only its last part is shown)."""
    label = Path(name).name if name else "uploaded file"
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, str | Path):
        path = Path(source)
        label = Path(name).name if name else path.name
        try:
            if path.is_dir():
                raise DataFileError(f"{label}: a folder, not a file", value=label)
            if not path.is_file():
                raise DataFileError(f"{label}: no such file", value=label)
            size = path.stat().st_size
            if size > max_bytes:
                raise DataFileError(f"{label}: {size:,} bytes is over the {max_bytes:,}-byte limit")
            with path.open("rb") as file:
                data = file.read(max_bytes + 1)
        except OSError as exc:  # permissions, a name too long: say which file, not where
            raise DataFileError(f"{label}: cannot be read ({exc.strerror or 'error'})") from None
    else:
        data = source.read(max_bytes + 1)
        label = Path(name or getattr(source, "name", "") or label).name
    if len(data) > max_bytes:
        raise DataFileError(f"{label}: over the {max_bytes:,}-byte limit", value=len(data))
    if not data.strip():
        raise DataFileError(f"{label}: the file is empty")
    return data, label


def read_table(
    source: Source, *, max_bytes: int = MAX_FILE_BYTES, name: str | None = None
) -> tuple[pd.DataFrame, str]:
    """A CSV or XLSX file as a DataFrame of text cells ('' when blank), and the file's name."""
    data, label = read_bytes(source, max_bytes, name)
    if data.startswith(ZIP_MAGIC):
        rows, label = _xlsx_rows(data, label)
    elif data.startswith(OLE_MAGIC):
        raise DataFileError(f"{label}: an old binary .xls workbook; save it as .xlsx or CSV")
    else:
        rows = _csv_rows(_text(data, label), label)
    return _frame(rows, label), label


def _text(data: bytes, label: str) -> str:
    try:
        if data.startswith(UTF16_BOMS):
            return data.decode("utf-16")
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFileError(
            f"{label}: not a UTF-8 CSV file (byte {exc.start} cannot be decoded); "
            "save it as 'CSV UTF-8' or upload an XLSX"
        ) from None
    if "\x00" in text:
        raise DataFileError(f"{label}: binary content, not a CSV file")
    return text


def _csv_rows(text: str, label: str) -> Iterator[list[str]]:
    """Rows of a CSV text; comma, semicolon (European spreadsheets) or tab separated."""
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    try:
        delimiter = csv.Sniffer().sniff(first, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)
    try:
        yield from reader
    except csv.Error as exc:  # a cell over the csv module's size limit, a stray quote
        raise DataFileError(
            f"{label} row {reader.line_num}: not a readable CSV table ({exc})"
        ) from None


def _xlsx_rows(data: bytes, label: str) -> tuple[Iterator[list[object]], str]:
    """Rows of a workbook's first visible sheet (the one a user sees first), checked unread
    first, then streamed; and the label to name it by, with the sheet's name when the workbook
    has several (a hidden sheet before it is never read in its place)."""
    from openpyxl import load_workbook  # loads only when a workbook comes in

    _check_archive(data, label)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise DataFileError(f"{label}: not a readable XLSX workbook ({_short(exc)})") from None
    visible = [sheet for sheet in book.worksheets if sheet.sheet_state == "visible"]
    if not visible:
        book.close()
        raise DataFileError(
            f"{label}: the workbook has no visible sheet"
            + (" (every sheet is hidden)" if book.worksheets else "")
        )
    sheet = visible[0]
    if len(book.worksheets) > 1:
        label = f"{label}, sheet {shown_value(sheet.title)}"
    return _sheet_rows(book, sheet, label), label


def _sheet_rows(book, sheet, label: str) -> Iterator[list[object]]:
    try:
        declared = sheet.max_row  # the sheet's own <dimension>, read without parsing rows
        if declared is not None and declared > MAX_ROWS + 1:
            raise DataFileError(
                f"{label}: the sheet declares {declared:,} rows, over the {MAX_ROWS:,}-row limit"
            )
        # Rows are read to the sheet's end, not to the declared size: openpyxl would silently
        # stop at a dimension that understates the sheet. The row count stops the reading.
        sheet.reset_dimensions()
        for row in sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True):
            yield list(row)
    except DataFileError:
        raise
    except Exception as exc:  # a broken sheet shows only once its rows are read
        raise DataFileError(f"{label}: not a readable XLSX workbook ({_short(exc)})") from None
    finally:
        book.close()


def _check_archive(data: bytes, label: str) -> None:
    """Refuse an archive that is not a workbook or unpacks to more than the limit."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise DataFileError(f"{label}: not a readable XLSX workbook ({_short(exc)})") from None
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names:
        raise DataFileError(f"{label}: a ZIP archive but not an XLSX workbook")
    # zipfile stops at each member's declared size, so the declared sizes bound the work.
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise DataFileError(
            f"{label}: unpacks to {unpacked:,} bytes, over the "
            f"{MAX_XLSX_UNPACKED_BYTES:,}-byte limit for a workbook"
        )


def _short(exc: Exception) -> str:
    """An exception as one short line for a message (it may quote a part of the archive)."""
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    return text if len(text) <= 3 * MAX_SHOWN_CHARS else text[: 3 * MAX_SHOWN_CHARS - 1] + "…"


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))  # 420.0 from a workbook is the 420 typed into it
    return str(value).strip()


def _frame(rows: Iterable[list[object]], label: str) -> pd.DataFrame:
    """The rows as a table under the header's names; the header is spreadsheet row 1."""
    rows = iter(rows)
    header = next(rows, None)
    if header is None:
        raise DataFileError(f"{label}: the file is empty")
    if not any(_cell_text(cell) for cell in header):
        raise DataFileError(f"{label}: row 1 is blank; it must hold the column names")
    names = [_cell_text(cell) for cell in header]
    while names and not names[-1]:  # a trailing separator or an empty column at the right
        names.pop()
    if len(names) > MAX_COLUMNS:
        raise DataFileError(f"{label}: over the {MAX_COLUMNS}-column limit")
    for position, column in enumerate(names, start=1):
        if not column:
            raise DataFileError(f"{label}: column {position} of the header has no name")
        if names.index(column) != position - 1:
            first = names.index(column) + 1
            raise DataFileError(
                f"{label}: duplicate column {shown_value(column)} "
                f"(columns {first} and {position} of the header)",
                field=column,
            )
    records = []
    for number, row in enumerate(rows, start=2):
        if len(records) >= MAX_ROWS:
            raise DataFileError(f"{label}: over the {MAX_ROWS:,}-row limit")
        cells = [_cell_text(cell) for cell in row]
        extra = [cell for cell in cells[len(names) :] if cell]
        if extra:
            raise DataFileError(
                f"{label} row {number}: {len(cells)} cells, but the header names "
                f"{len(names)} columns (value: {shown_value(extra[0])})",
                row=number,
            )
        records.append(cells[: len(names)] + [""] * (len(names) - len(cells)))
    if not records or not any(any(cells) for cells in records):
        raise DataFileError(f"{label}: the table has a header but no rows")
    return pd.DataFrame(records, columns=names, dtype=str)


def cell_problems(errors: Iterable[dict], cells: dict, label: str, row: int) -> list[str]:
    """A row's validation errors (pydantic's ``errors()``), each naming the file, the row, the
    column and the cell's value."""
    found = []
    for error in errors:
        column = ".".join(str(part) for part in error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        if not column:  # a rule over several cells of the row: the message names them
            found.append(f"{label} row {row}: {message}")
            continue
        value = shown_value(cells.get(column, ""))
        found.append(f"{label} row {row}, column {column!r}: {message} (value: {value})")
    return found
