"""A generic reader of the tabular files French users actually produce.

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
back without its apostrophe: see :mod:`labo_dash.imports.spreadsheet`); numbers are read from them by
:mod:`labo_dash.parsing`, the one reader.
Anything wrong with the file as a whole (empty, unreadable, missing column) raises
:class:`ImportRejected` with a French reason; checking each row's values is the caller's job, which
collects every bad row before raising ``table.rejected(message, [(line, reason), ...])``
(:func:`labo_dash.imports.tables.check_rows` collects them).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Sequence

from labo_dash import french
from labo_dash.errors import ImportRejected
from labo_dash.imports import spreadsheet
from labo_dash.imports.tables import (
    HINTED_SEPARATORS,
    MAX_BYTES,
    MAX_ROWS,
    SEPARATORS,
    Row,
    Table,
    header_key,
)
from labo_dash.imports.workbook import xlsx_lines

_SEP_HINT = re.compile(r'"?sep=(.)"?', re.IGNORECASE)
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls
# UTF-8 sequences of French accented letters: in a file that is not valid UTF-8, they mean mixed encodings.
_UTF8_FRENCH = re.compile(rb"\xc3[\x80-\xbf]|\xc5[\x92\x93]|\xe2\x80[\x99\x9c\x9d\xa6]")


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
        lines, name, unread = xlsx_lines(data, sheet)
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
    positions, ignored = _columns(origin, header_line, headers, required, optional)
    rows = []
    bad = []
    for number, fields in filled[1:]:
        problem = _cut_badly(origin, fields, len(headers), len(positions))
        if problem:
            bad.append((number, problem))
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


def _columns(
    origin: Table, header_line: int, headers: list[str], required: Sequence[str], optional: Sequence[str]
) -> tuple[dict[str, int], list[str]]:
    """Return each declared column's position in the header and the headers matching none.

    Raises ImportRejected for a column named twice or a required column missing.
    """
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
    return positions, ignored


def _cut_badly(origin: Table, fields: list[str], headers: int, columns: int) -> str | None:
    """Return why a data row is cut wrongly (more values than headers, another separator), else None."""
    if any(fields[headers:]):
        return f"{len(fields)} valeurs pour {headers} colonnes dans l'en-tête"
    if origin.file_format == "csv" and len([f for f in fields if f]) == 1 and columns > 1:
        other = next((s for s in SEPARATORS if s != origin.separator and s in fields[0]), None)
        if other:
            return f"séparateur {SEPARATORS[other]} au lieu de {HINTED_SEPARATORS[origin.separator or ';']}"
    return None
