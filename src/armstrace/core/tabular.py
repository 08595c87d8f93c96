"""Reading an uploaded CSV or XLSX into header + rows, refusing bad files with a clear reason.

Every refusal is a TabularError carrying a translated message that names the file (and the
row/column where one applies); no stack trace ever reaches the user.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from charset_normalizer import from_bytes
from django.conf import settings
from django.utils.translation import gettext as _

DELIMITERS = ",;\t|"


class TabularError(Exception):
    def __init__(self, message: str, *, row: int | None = None, column: str | None = None) -> None:
        super().__init__(message)
        self.message, self.row, self.column = message, row, column


@dataclass
class Table:
    file_name: str
    headers: list[str]
    rows: list[list[str]]  # data rows; row i is line/row i + 2 of the file (1 is the header)


def _check_headers(file_name: str, headers: list[str]) -> list[str]:
    cleaned = [h.strip() for h in headers]
    while cleaned and not cleaned[-1]:
        cleaned.pop()
    if not any(cleaned):
        raise TabularError(_("%(file)s: the first row must name the columns, but it is empty.") % {"file": file_name})
    seen: dict[str, int] = {}
    for index, name in enumerate(cleaned, start=1):
        if not name:
            raise TabularError(_("%(file)s: column %(col)d has no name in the header row.")
                               % {"file": file_name, "col": index}, row=1)
        key = name.casefold()
        if key in seen:
            raise TabularError(_("%(file)s: the column name “%(name)s” appears twice (columns %(a)d and %(b)d).")
                               % {"file": file_name, "name": name, "a": seen[key], "b": index}, row=1, column=name)
        seen[key] = index
    return cleaned


# Among equally plausible guesses, the encodings spreadsheets in the field are usually saved in.
PREFERRED_ENCODINGS = ("utf_8", "cp1252", "latin_1", "cp1256", "cp1251", "utf_16", "gb18030", "cp1250")


def _guess_encoding(data: bytes) -> str | None:
    """Detect the encoding; on a near tie prefer the common office encodings (short files are ambiguous)."""
    matches = list(from_bytes(data[:200_000]))
    if not matches:
        return None
    least = min(m.chaos for m in matches)
    plausible = [m.encoding for m in matches if m.chaos <= least + 0.05]
    preferred = [e for e in PREFERRED_ENCODINGS if e in plausible]
    return preferred[0] if preferred else plausible[0]


def _decode(file_name: str, data: bytes) -> str:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TabularError(_("%(file)s is not a text table (it contains binary data). "
                             "Upload a CSV file or an Excel .xlsx workbook.") % {"file": file_name})
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    encoding = _guess_encoding(data)
    if encoding is None:
        raise TabularError(_("%(file)s: the text encoding could not be recognised. Save the file as UTF-8 CSV.")
                           % {"file": file_name})
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise TabularError(_("%(file)s: the text encoding could not be recognised. Save the file as UTF-8 CSV.")
                           % {"file": file_name}) from exc
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text[:20_000])
    if printable < 0.95 * min(len(text), 20_000):
        raise TabularError(_("%(file)s does not look like a text table (too many unreadable characters).")
                           % {"file": file_name})
    return text


def _read_csv(file_name: str, data: bytes) -> Table:
    text = _decode(file_name, data)
    first_line = text.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in DELIMITERS}
    delimiter = max(counts, key=lambda d: counts[d])
    if counts[delimiter] == 0 and len(text.splitlines()) > 1 and len(first_line) > 40:
        raise TabularError(_("%(file)s: no column separator found in the header row (expected comma, semicolon, "
                             "tab or |).") % {"file": file_name}, row=1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = [row for row in reader]
    except csv.Error as exc:
        raise TabularError(_("%(file)s, line %(line)d: the CSV is malformed (%(error)s).")
                           % {"file": file_name, "line": reader.line_num, "error": exc}, row=reader.line_num) from exc
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise TabularError(_("%(file)s is empty.") % {"file": file_name})
    headers = _check_headers(file_name, rows[0])
    return Table(file_name, headers, rows[1:])


def _read_xlsx(file_name: str, data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TabularError(_("%(file)s is not a readable Excel .xlsx workbook.") % {"file": file_name}) from exc
    sheet = workbook.worksheets[0]
    rows: list[list[str]] = []
    for row_number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = []
        for col_number, value in enumerate(row, start=1):
            if isinstance(value, str) and value.startswith("="):
                raise TabularError(_("%(file)s, row %(row)d, column %(col)d: formulas are not accepted; "
                                     "paste the values instead.") % {"file": file_name, "row": row_number,
                                                                      "col": col_number},
                                   row=row_number, column=str(col_number))
            if value is None:
                cells.append("")
            elif isinstance(value, float) and value.is_integer():
                cells.append(str(int(value)))
            elif hasattr(value, "isoformat"):
                cells.append(value.date().isoformat() if hasattr(value, "date") else value.isoformat())
            else:
                cells.append(str(value))
        rows.append(cells)
    workbook.close()
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise TabularError(_("%(file)s is empty.") % {"file": file_name})
    headers = _check_headers(file_name, rows[0])
    return Table(file_name, headers, rows[1:])


def read_table(file_name: str, data: bytes) -> Table:
    """Read a CSV (any common encoding and delimiter) or an XLSX workbook's first sheet."""
    limit = settings.ARMSTRACE_MAX_IMPORT_BYTES
    if len(data) > limit:
        raise TabularError(_("%(file)s is %(size)d MB; the largest accepted file is %(limit)d MB.")
                           % {"file": file_name, "size": len(data) // 2**20, "limit": limit // 2**20})
    if not data.strip():
        raise TabularError(_("%(file)s is empty.") % {"file": file_name})
    if data[:4] == b"PK\x03\x04" or file_name.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(file_name, data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise TabularError(_("%(file)s is an old Excel .xls file; save it as .xlsx or CSV.") % {"file": file_name})
    return _read_csv(file_name, data)


def iter_cells(table: Table) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number in the file, {header: cell}) for every data row."""
    width = len(table.headers)
    for index, row in enumerate(table.rows, start=2):
        yield index, {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(table.headers[:width])}
