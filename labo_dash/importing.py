"""A generic reader of the tabular files French users actually produce, and template writers.

``read_table(data, filename, required=..., optional=..., sheet=...)`` accepts:

- CSV as Excel writes it in France: ``;`` separator (``,`` and tab are detected too), UTF-8 with or
  without BOM, Windows-1252 (the "CSV (séparateur : point-virgule)" of French Excel), UTF-16 with BOM.
  A first line ``sep=;`` (``sep=,``, ``sep=<tab>``, ``sep=|``) is Excel's separator hint: it is honoured
  and skipped, in every encoding, with or without BOM;
- ``.xlsx`` workbooks (through openpyxl), recognised by their content, whatever the name. The sheet read
  is the visible sheet the importer's template names (``sheet``), else the active visible sheet; a hidden
  sheet is never read (a workbook whose only rows are on a hidden sheet is refused, saying so), and
  :attr:`Table.source` says in French which sheet was read, for the preview. Each cell is read as Excel
  shows it: a number with a percent format (stored 0.4, shown « 40 % ») comes back as « 40 % »
  (:func:`labo_dash.parsing.percent_cell`), a date-formatted serial number as an ISO date, other numbers
  in plain digits (never « 1e+16 »), text typed with a leading apostrophe as the text.

Headers match the column names the caller declares whatever their case, accents, spaces, hyphens or
underscores ("Type de participant", "TYPE_DE_PARTICIPANT" and "typedeparticipant" are one column).
Rows come back with their line number as the user sees it in Excel (the header is line 1; an empty line
keeps its number and is skipped). That is also the text editor's numbering (in a CSV, a record starts on
its first line, and a line break inside a quoted cell counts), except for a file with a ``sep=`` line,
which Excel hides: lines are then counted without it, as in Excel, and every refusal says so
(:attr:`Table.note`: "dans un éditeur de texte, ajoutez 1"). Values are stripped strings keyed by the
caller's column names (a CSV value that our exports protected from formula injection, ``'=...``, comes
back without its apostrophe: see :mod:`labo_dash.spreadsheet`); numbers are read from them by
:mod:`labo_dash.parsing`, the one reader.
Anything wrong with the file as a whole (empty, unreadable, missing column) raises
:class:`ImportRejected` with a French reason; checking each row's values is the caller's job, which
collects every bad row before raising ``table.rejected(message, [(line, reason), ...])``.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from labo_dash import french, spreadsheet
from labo_dash.errors import ImportRejected
from labo_dash.parsing import percent_cell

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
SEPARATORS = {";": "« ; »", ",": "« , »", "\t": "tabulation"}  # detected from the header line
HINTED_SEPARATORS = {**SEPARATORS, "|": "« | »"}  # also honoured when a ``sep=`` line declares them
_SEP_HINT = re.compile(r'"?sep=(.)"?', re.IGNORECASE)
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls
# UTF-8 sequences of French accented letters: in a file that is not valid UTF-8, they mean mixed encodings.
_UTF8_FRENCH = re.compile(rb"\xc3[\x80-\xbf]|\xc5[\x92\x93]|\xe2\x80[\x99\x9c\x9d\xa6]")


@dataclass(frozen=True)
class Row:
    """One data row: its line number in the file and its values by column name ("" when empty)."""

    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Preview:
    """What an import would write: checked rows (dicts, each with its ``line``) and the Table.source."""

    rows: list[dict[str, Any]]
    source: str


def header_key(text: str) -> str:
    """Return the comparison key of a header or value: no case, accents, spaces or punctuation."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\ufeff", ""))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return re.sub(r"[^0-9a-z]+", "", plain)


def read_table(
    data: bytes,
    filename: str = "",
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    allow_empty: bool = False,
    sheet: str | None = None,
) -> Table:
    """Read a CSV or .xlsx file into rows keyed by the declared column names, or raise ImportRejected.

    ``sheet`` is the sheet name of the importer's template: in a workbook, that visible sheet is read,
    else the active visible one (never a hidden one).
    """
    if not _without_bom(data).strip(b" \t\r\n\x00"):
        raise ImportRejected("Le fichier est vide : il ne contient ni en-tête ni ligne.", rows=[])
    if len(data) > MAX_BYTES:
        raise ImportRejected(
            f"Le fichier est trop volumineux ({len(data) // 1024} Ko) : la limite est de "
            f"{MAX_BYTES // (1024 * 1024)} Mo.",
            rows=[],
        )
    if data.startswith(_OLE_MAGIC):
        raise ImportRejected(
            "Ce fichier est au format Excel 97-2003 (.xls), qui n'est pas pris en charge : "
            "enregistrez-le au format .xlsx ou CSV (séparateur : point-virgule).",
            rows=[],
        )
    if data.startswith(_ZIP_MAGIC):
        lines, name, unread = _xlsx_lines(data, sheet)
        origin = Table([], [], "xlsx", sheet=name, unread=unread)
    else:
        if filename.lower().endswith((".xlsx", ".xlsm")):
            raise ImportRejected(
                f"Le fichier « {filename} » porte l'extension .xlsx mais n'est pas un classeur Excel "
                "lisible.",
                rows=[],
            )
        text, encoding = _decode(data)
        text, hinted = _separator_hint(text)
        separator = hinted or _detect_separator(text)
        lines = _csv_lines(text, separator)
        origin = Table([], [], "csv", encoding, separator, hinted=hinted is not None)
    return _build_table(lines, origin, required, optional, allow_empty)


def _without_bom(data: bytes) -> bytes:
    """Return the bytes without a leading UTF-8 or UTF-16 byte order mark."""
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if data.startswith(bom):
            return data[len(bom):]
    return data


def _decode(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-16 (BOM), UTF-8 (BOM or not), else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise ImportRejected(
                "Ce fichier commence comme un CSV en UTF-16 mais la suite est illisible (fichier tronqué ou "
                "abîmé ?). Réenregistrez-le depuis Excel au format « CSV UTF-8 » ou .xlsx.",
                rows=[],
            ) from None
    if b"\x00" in data:
        raise ImportRejected(
            "Ce fichier n'est pas un fichier texte CSV lisible (encodage non reconnu). "
            "Enregistrez-le depuis Excel au format « CSV (séparateur : point-virgule) » ou .xlsx.",
            rows=[],
        )
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        if _UTF8_FRENCH.search(data):
            raise ImportRejected(
                "L'encodage du fichier est incohérent : il mélange UTF-8 et Windows-1252 (par exemple "
                "après un copier-coller). Réenregistrez-le en « CSV UTF-8 » depuis Excel.",
                rows=[(line, "caractère illisible en UTF-8 alors que le reste du fichier est en UTF-8")],
            ) from None
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ImportRejected(
            "L'encodage du fichier n'est pas reconnu (ni UTF-8 ni Windows-1252). "
            "Enregistrez-le depuis Excel au format « CSV UTF-8 » ou .xlsx.",
            rows=[(line, f"octet illisible (0x{data[exc.start]:02X})")],
        ) from None


def _detect_separator(text: str) -> str:
    """Return the separator used in the header line (the most frequent of ; , and tab outside quotes)."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {sep: unquoted.count(sep) for sep in SEPARATORS}
    best = max(counts, key=lambda sep: (counts[sep], sep == ";"))
    return best if counts[best] else ";"


def _csv_lines(text: str, separator: str) -> list[tuple[int, list[str]]]:
    """Return (line number, fields) of every CSV record; the line is where the record starts."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    records = []
    previous_end = 0
    try:
        for fields in reader:
            records.append((previous_end + 1, [spreadsheet.from_csv(f) for f in fields]))
            previous_end = reader.line_num
            if len(records) > MAX_ROWS + 1:
                raise ImportRejected(f"Le fichier dépasse {MAX_ROWS} lignes : découpez-le.", rows=[])
    except csv.Error as exc:
        raise ImportRejected(
            "Le fichier CSV est mal formé (guillemet non refermé ?).", rows=[(previous_end + 1, str(exc))]
        ) from None
    return records


def _separator_hint(text: str) -> tuple[str, str | None]:
    """Return (the text without its ``sep=X`` first line, X) when Excel's separator hint opens it.

    Raises ImportRejected when the hint names a separator the reader does not handle.
    """
    first = text.splitlines(keepends=True)[0] if text else ""
    line = first.rstrip("\r\n ")
    if not re.match(r'"?sep=', line, re.IGNORECASE):
        return text, None
    match = _SEP_HINT.match(line)
    if (
        match is None
        or match.group(1) not in HINTED_SEPARATORS
        or line[match.end():].strip(match.group(1) + " ")
    ):
        raise ImportRejected(
            f"La première ligne « {line[:20]} » annonce un séparateur non pris en charge (attendu : sep=; "
            "sep=, sep=| ou une tabulation).",
            rows=[(1, line[:40])],
        )
    return text[len(first):], match.group(1)


def _cell_text(value: Any, number_format: str | None = None) -> str:
    """Return a spreadsheet cell as the text a user sees (1.0 -> "1", 0.4 formatted 0% -> "40 %").

    Dates (openpyxl returns a datetime for a serial number with a date format) become ISO dates.
    """
    value = percent_cell(value, number_format)
    if value is None:
        return ""
    if isinstance(value, float) and math.isfinite(value):
        return format(Decimal(repr(value)).normalize(), "f")  # 1e16 -> "10000000000000000", 2.0 -> "2"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    return str(value)


def _open_workbook(data: bytes) -> Any:
    """Return the workbook (read-only, values) or raise ImportRejected when it cannot be read."""
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportRejected(
            "Ce classeur Excel est illisible ou endommagé : réenregistrez-le au format .xlsx ou CSV.",
            rows=[(1, type(exc).__name__)],
        ) from None


def workbook_sheets(data: bytes) -> dict[str, bool]:
    """Return the worksheets of an .xlsx file in order: name -> visible (False when hidden)."""
    workbook = _open_workbook(data)
    try:
        return {ws.title: ws.sheet_state == "visible" for ws in workbook.worksheets}
    finally:
        workbook.close()


def _has_rows(sheet: Any) -> bool:
    """True when a worksheet holds at least one non-blank cell."""
    return any(
        any(v is not None and str(v).strip() for v in values) for values in sheet.iter_rows(values_only=True)
    )


def _choose_sheet(workbook: Any, preferred: str | None) -> Any:
    """Return the visible sheet named ``preferred``, else the active visible sheet, else the first visible.

    Raises ImportRejected when no sheet is visible, or when the chosen sheet is empty while hidden
    sheets hold rows (they are never read silently).
    """
    visible = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
    named = [ws for ws in visible if preferred and header_key(ws.title) == header_key(preferred)]
    active = workbook.active if workbook.active in visible else None
    chosen = next(iter(named), None) or active or next(iter(visible), None)
    if chosen is None or not _has_rows(chosen):
        hidden = [f"« {ws.title} »" for ws in workbook.worksheets if ws not in visible and _has_rows(ws)]
        if hidden:
            raise ImportRejected(
                f"Les lignes de ce classeur sont dans une feuille masquée ({', '.join(hidden)}), qui n'est "
                "pas lue : affichez-la dans Excel (clic droit sur un onglet › Afficher…) ou copiez ses "
                "lignes dans une feuille visible, puis importez le fichier de nouveau.",
                rows=[],
            )
    if chosen is None:
        raise ImportRejected("Ce classeur n'a aucune feuille visible à lire.", rows=[])
    return chosen


def _xlsx_lines(data: bytes, preferred: str | None) -> tuple[list[tuple[int, list[str]]], str, list[str]]:
    """Return (Excel row number, cell texts) of the sheet to read, its name and the other sheets."""
    workbook = _open_workbook(data)
    try:
        sheet = _choose_sheet(workbook, preferred)
        unread = [f"« {ws.title} »" + ("" if ws.sheet_state == "visible" else " (masquée)")
                  for ws in workbook.worksheets if ws is not sheet]
        records = []
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            records.append((number, [_cell_text(c.value, getattr(c, "number_format", None)) for c in cells]))
            if number > MAX_ROWS + 1:
                raise ImportRejected(f"Le classeur dépasse {MAX_ROWS} lignes : découpez-le.", rows=[])
        return records, sheet.title, unread
    finally:
        workbook.close()


def _build_table(
    lines: list[tuple[int, list[str]]],
    origin: Table,
    required: Sequence[str],
    optional: Sequence[str],
    allow_empty: bool,
) -> Table:
    """Match the header line to the declared columns and key every data row by column name."""
    filled = [(n, [f.strip() for f in fields]) for n, fields in lines if any(f.strip() for f in fields)]
    if not filled:
        where = f" (feuille « {origin.sheet} »)" if origin.sheet else ""
        raise ImportRejected(f"Le fichier est vide{where} : il ne contient ni en-tête ni ligne.", rows=[])
    header_line, headers = filled[0]
    declared = {header_key(name): name for name in [*required, *optional]}
    positions: dict[str, int] = {}
    ignored = []
    for index, header in enumerate(headers):
        name = declared.get(header_key(header))
        if name is None:
            if header:
                ignored.append(header)
        elif name in positions:
            raise origin.rejected(
                f"La colonne « {name} » apparaît deux fois dans l'en-tête.", [(header_line, header)]
            )
        else:
            positions[name] = index
    missing = [name for name in required if name not in positions]
    if missing:
        expected = " ; ".join(required)
        hint = ""
        if origin.file_format == "csv" and len(headers) == 1:
            hint = (
                " L'en-tête n'a qu'une colonne : le séparateur n'est sans doute pas le bon "
                "(attendu : « ; » comme dans les CSV d'Excel, ou « , »)."
            )
        raise origin.rejected(
            f"{'Colonne obligatoire absente' if len(missing) == 1 else 'Colonnes obligatoires absentes'} : "
            f"{', '.join(missing)}. "
            f"En-tête attendu : {expected}.{hint} Lu : {origin.source}.",
            [(header_line, "en-tête lu : " + " | ".join(h for h in headers if h))],
        )
    separator = origin.separator
    rows = []
    bad = []
    for number, fields in filled[1:]:
        extra = [f for f in fields[len(headers):] if f]
        if extra:
            bad.append((number, f"{len(fields)} valeurs pour {len(headers)} colonnes dans l'en-tête"))
            continue
        if origin.file_format == "csv" and len([f for f in fields if f]) == 1 and len(positions) > 1:
            other = next((s for s in SEPARATORS if s != separator and s in fields[0]), None)
            if other:
                bad.append((number, f"séparateur {SEPARATORS[other]} au lieu de "
                                    f"{HINTED_SEPARATORS[separator or ';']}"))
                continue
        values = {name: fields[i] if i < len(fields) else "" for name, i in positions.items()}
        rows.append(Row(number, values))
    if bad:
        raise origin.rejected(f"{french.plural(len(bad), 'ligne mal découpée', 'lignes mal découpées')} : "
                              "le fichier n'est pas importé.", bad)
    if not rows and not allow_empty:
        where = f" (feuille « {origin.sheet} »)" if origin.sheet else ""
        raise ImportRejected(f"Le fichier ne contient aucune ligne sous l'en-tête{where}.", rows=[])
    return dataclasses.replace(origin, rows=rows, headers=headers, ignored=ignored)


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


def template_xlsx(
    headers: Sequence[str], examples: Sequence[Sequence[Any]] = (), sheet: str = "Modèle"
) -> bytes:
    """Return an .xlsx template: a bold header row, example rows, readable column widths.

    Text is stored as text, never as a formula (:mod:`labo_dash.spreadsheet`): rows read back as written.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    workbook = Workbook()
    ws = workbook.active
    if not isinstance(ws, Worksheet):  # a new workbook opens on its one worksheet
        raise TypeError("a new workbook has no active worksheet")
    ws.title = sheet[:31]
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for example in examples:
        ws.append([spreadsheet.xlsx_text(value) for value in example])
    spreadsheet.text_cells(ws)
    for index, header in enumerate(headers):
        width = max([len(header), *(len(str(e[index])) for e in examples if index < len(e))])
        ws.column_dimensions[get_column_letter(index + 1)].width = min(max(12, width + 2), 70)
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
