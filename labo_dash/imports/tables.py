"""The rows an import reads (Row, Table, Preview), the one header key, row checks, the CSV template.

:func:`labo_dash.imports.reading.read_table` returns a :class:`Table`; each importer checks its rows with
:func:`check_rows` (every bad line collected, duplicates in the file or already stored refused) and
returns a :class:`Preview`, or raises ``table.rejected(message, [(line, reason), ...])``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from labo_dash.errors import ImportRejected, ValidationError
from labo_dash.imports import spreadsheet

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
SEPARATORS = {";": "« ; »", ",": "« , »", "\t": "tabulation"}  # detected from the header line
HINTED_SEPARATORS = {**SEPARATORS, "|": "« | »"}  # also honoured when a ``sep=`` line declares them


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its line number in the file and its values by column name ("" when empty)."""

    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass(frozen=True, slots=True)
class Table:
    """A file read by :func:`read_table`: its rows and how it was read."""

    rows: list[Row]
    headers: list[str]
    file_format: str  # "csv" or "xlsx"
    encoding: str | None = None
    separator: str | None = None
    ignored: list[str] = field(default_factory=list)  # headers that match no declared column
    hinted: bool = False  # the CSV's first line ``sep=X`` declared the separator (and was skipped)
    sheet: str | None = None  # the workbook sheet read
    unread: list[str] = field(default_factory=list)  # the workbook's other sheets, "« name » (masquée)"

    @property
    def source(self) -> str:
        """Say in French how the file was read, for previews: the sheet, or the CSV's separator."""
        if self.file_format == "xlsx":
            unread = "non lue" if len(self.unread) == 1 else "non lues"
            others = f" ; {unread} : {', '.join(self.unread)}" if self.unread else ""
            return f"feuille « {self.sheet} »{others}"
        hint = f" (annoncé par la ligne « sep={self.separator} »)" if self.hinted else ""
        return f"CSV, séparateur {HINTED_SEPARATORS[self.separator or ';']}{hint}, {self.encoding}"

    @property
    def note(self) -> str:
        """Return the sentence a refusal adds when its line numbers differ from a text editor's, else ""."""
        if not self.hinted:
            return ""
        return (" Les numéros de ligne sont ceux d'Excel, qui masque la première ligne « sep= » du fichier : "
                "dans un éditeur de texte, ajoutez 1.")

    def rejected(self, message: str, rows: list[tuple[int, str]]) -> ImportRejected:
        """Return the ImportRejected for bad rows of this table (``message`` plus :attr:`note`)."""
        return ImportRejected(message + self.note, rows=rows)


@dataclass(frozen=True, slots=True)
class Preview:
    """What an import would write: checked rows (dicts, each with its ``line``) and the Table.source."""

    rows: list[dict[str, Any]]
    source: str


def header_key(text: str) -> str:
    """Return the comparison key of a header or value: no case, accents, spaces or punctuation."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\ufeff", ""))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return re.sub(r"[^0-9a-z]+", "", plain)


def reason(exc: ValidationError) -> str:
    """Return a refused row's reasons in one French line (its fields' messages, else the message)."""
    return " ; ".join(exc.fields.values()) or str(exc)


def check_rows(
    table: Table,
    check: Callable[[Row], dict[str, Any]],
    key: Callable[[dict[str, Any]], Hashable],
    duplicate: Callable[[dict[str, Any], int], str],
    stored: Callable[[dict[str, Any], Hashable], str | None],
) -> tuple[list[dict[str, Any]], list[tuple[int, str]]]:
    """Check every row of ``table``; return the rows kept and the bad lines, all of them.

    ``check`` returns a row's values or raises ValidationError (its :func:`reason` is the line's);
    a row whose ``key`` is already stored is refused with ``stored(values, key)`` (None when it is not),
    one whose key repeats an earlier line with ``duplicate(values, that line)``. Kept rows are the
    values with their ``line``; bad lines are (line, French reason).
    """
    seen: dict[Hashable, int] = {}
    kept: list[dict[str, Any]] = []
    bad: list[tuple[int, str]] = []
    for row in table.rows:
        try:
            values = check(row)
        except ValidationError as exc:
            bad.append((row.line, reason(exc)))
            continue
        row_key = key(values)
        known = stored(values, row_key)
        if known is not None:
            bad.append((row.line, known))
        elif row_key in seen:
            bad.append((row.line, duplicate(values, seen[row_key])))
        else:
            seen[row_key] = row.line
            kept.append({"line": row.line, **values})
    return kept, bad


def template_csv(headers: Sequence[str], examples: Sequence[Sequence[Any]] = ()) -> bytes:
    """Return a CSV file as French Excel opens it directly: UTF-8 with BOM, ``;``, CRLF.

    Text that Excel would run as a formula gets an apostrophe (:func:`spreadsheet.csv_text`), which
    :func:`read_table` removes: any row written here reads back as it was.
    """
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([spreadsheet.csv_text(value) for value in row] for row in examples)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
