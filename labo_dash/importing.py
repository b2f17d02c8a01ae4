"""A generic reader of the tabular files French users actually produce, and template writers.

``read_table(data, filename, required=..., optional=...)`` accepts:

- CSV as Excel writes it in France: ``;`` separator (``,`` and tab are detected too), UTF-8 with or
  without BOM, Windows-1252 (the "CSV (séparateur : point-virgule)" of French Excel), UTF-16 with BOM;
- ``.xlsx`` workbooks (first sheet, through openpyxl), recognised by their content, whatever the name.

Headers match the column names the caller declares whatever their case, accents, spaces, hyphens or
underscores ("Type de participant", "TYPE_DE_PARTICIPANT" and "typedeparticipant" are one column).
Rows come back with their line number as the user sees it in Excel or a text editor (the header is
line 1; an empty line keeps its number and is skipped) and their values as stripped strings, keyed by
the caller's column names (a CSV value that our exports protected from formula injection, ``'=...``,
comes back without its apostrophe: see :mod:`labo_dash.spreadsheet`). Anything wrong with the file as
a whole (empty, unreadable, missing column) raises :class:`ImportRejected` with a French reason;
checking each row's values is the caller's job, which collects every bad row before raising
``ImportRejected(message, rows=[(line, reason), ...])``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field

from labo_dash import spreadsheet
from labo_dash.errors import ImportRejected

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
SEPARATORS = {";": "« ; »", ",": "« , »", "\t": "tabulation"}
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
) -> Table:
    """Read a CSV or .xlsx file into rows keyed by the declared column names, or raise ImportRejected."""
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
        lines = _xlsx_lines(data)
        file_format, encoding, separator = "xlsx", None, None
    else:
        if filename.lower().endswith((".xlsx", ".xlsm")):
            raise ImportRejected(
                f"Le fichier « {filename} » porte l'extension .xlsx mais n'est pas un classeur Excel "
                "lisible.",
                rows=[],
            )
        text, encoding = _decode(data)
        separator = _detect_separator(text)
        lines = _csv_lines(text, separator)
        file_format = "csv"
    return _build_table(lines, file_format, encoding, separator, required, optional, allow_empty)


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


def _cell_text(value: object) -> str:
    """Return a spreadsheet cell as the text a user typed (1.0 -> "1", a date -> 2026-11-26)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    return str(value)


def _xlsx_lines(data: bytes) -> list[tuple[int, list[str]]]:
    """Return (Excel row number, cell texts) of the first sheet of a workbook."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportRejected(
            "Ce classeur Excel est illisible ou endommagé : réenregistrez-le au format .xlsx ou CSV.",
            rows=[(1, type(exc).__name__)],
        ) from None
    try:
        sheet = workbook.worksheets[0]
        records = []
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            records.append((number, [_cell_text(c) for c in cells]))
            if number > MAX_ROWS + 1:
                raise ImportRejected(f"Le classeur dépasse {MAX_ROWS} lignes : découpez-le.", rows=[])
        return records
    finally:
        workbook.close()


def _build_table(
    lines: list[tuple[int, list[str]]],
    file_format: str,
    encoding: str | None,
    separator: str | None,
    required: Sequence[str],
    optional: Sequence[str],
    allow_empty: bool,
) -> Table:
    """Match the header line to the declared columns and key every data row by column name."""
    filled = [(n, [f.strip() for f in fields]) for n, fields in lines if any(f.strip() for f in fields)]
    if not filled:
        raise ImportRejected("Le fichier est vide : il ne contient ni en-tête ni ligne.", rows=[])
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
            raise ImportRejected(
                f"La colonne « {name} » apparaît deux fois dans l'en-tête.", rows=[(header_line, header)]
            )
        else:
            positions[name] = index
    missing = [name for name in required if name not in positions]
    if missing:
        expected = " ; ".join(required)
        hint = ""
        if file_format == "csv" and len(headers) == 1:
            hint = (
                " L'en-tête n'a qu'une colonne : le séparateur n'est sans doute pas le bon "
                "(attendu : « ; » comme dans les CSV d'Excel, ou « , »)."
            )
        raise ImportRejected(
            f"Colonne(s) obligatoire(s) absente(s) : {', '.join(missing)}. "
            f"En-tête attendu : {expected}.{hint}",
            rows=[(header_line, "en-tête lu : " + " | ".join(h for h in headers if h))],
        )
    rows = []
    bad = []
    for number, fields in filled[1:]:
        extra = [f for f in fields[len(headers):] if f]
        if extra:
            bad.append((number, f"{len(fields)} valeurs pour {len(headers)} colonnes dans l'en-tête"))
            continue
        if file_format == "csv" and len([f for f in fields if f]) == 1 and len(positions) > 1:
            other = next((s for s in SEPARATORS if s != separator and s in fields[0]), None)
            if other:
                bad.append((number, f"séparateur {SEPARATORS[other]} au lieu de {SEPARATORS[separator]}"))
                continue
        values = {name: fields[i] if i < len(fields) else "" for name, i in positions.items()}
        rows.append(Row(number, values))
    if bad:
        raise ImportRejected(
            f"{len(bad)} ligne(s) mal découpée(s) : le fichier n'est pas importé.", rows=bad
        )
    if not rows and not allow_empty:
        raise ImportRejected("Le fichier ne contient aucune ligne sous l'en-tête.", rows=[])
    return Table(rows, headers, file_format, encoding, separator, ignored)


def template_csv(headers: Sequence[str], examples: Sequence[Sequence[str]] = ()) -> bytes:
    """Return a CSV template as French Excel opens it directly: UTF-8 with BOM, ``;``, CRLF."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(examples)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(
    headers: Sequence[str], examples: Sequence[Sequence[str]] = (), sheet: str = "Modèle"
) -> bytes:
    """Return an .xlsx template: a bold header row, example rows, readable column widths."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet[:31]
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for example in examples:
        ws.append(list(example))
    for index, header in enumerate(headers):
        width = max([len(header), *(len(str(e[index])) for e in examples if index < len(e))])
        ws.column_dimensions[ws.cell(1, index + 1).column_letter].width = min(max(12, width + 2), 70)
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
