"""The generic reader of French CSV and Excel files: encodings, separators, headers, line numbers."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from labo_dash.errors import ImportRejected
from labo_dash.imports import header_key, read_table, template_csv, template_xlsx
from tests.workbooks import saved, workbook_bytes

COLUMNS = {"required": ["atelier", "type", "texte"], "optional": ["type de participant"]}
TEXT = "atelier;type;texte;Type de participant\r\n1;frein;Élus peu sensibilisés à la coopération;PTCE\r\n"


def xlsx(rows: list[list[object]]) -> bytes:
    return workbook_bytes(("Sheet", "visible", rows))  # as openpyxl names a new sheet


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "UTF-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "UTF-8"),
        (TEXT.encode("cp1252"), "Windows-1252"),
        (TEXT.encode("utf-16"), "UTF-16"),
    ],
    ids=["utf8", "utf8-bom", "windows-1252", "utf16"],
)
def test_french_excel_csv_in_every_encoding(data, encoding):
    table = read_table(data, "constats.csv", **COLUMNS)
    assert table.encoding == encoding and table.separator == ";" and table.file_format == "csv"
    [row] = table.rows
    assert row.line == 2
    assert row.values == {
        "atelier": "1",
        "type": "frein",
        "texte": "Élus peu sensibilisés à la coopération",
        "type de participant": "PTCE",
    }


def test_headers_match_whatever_their_case_accents_and_spaces():
    assert header_key(" Type_de-Participant ") == header_key("TYPE DE PARTICIPANT") == "typedeparticipant"
    assert header_key("\ufeffAtelier") == header_key("ATELIER") == "atelier"
    assert header_key("Objectifs concernés") == "objectifsconcernes"
    data = "ATELIER,Type,Texte,Type_de_participant,Commentaire\n2,levier,\"Fonds, mutualisés\",\n"
    table = read_table(data.encode(), "x.csv", **COLUMNS)
    assert table.separator == ","
    assert table.rows[0].values["texte"] == "Fonds, mutualisés"
    assert table.rows[0]["type de participant"] == ""
    assert table.ignored == ["Commentaire"]


def test_line_numbers_count_blank_lines_and_multiline_cells():
    data = 'atelier;type;texte\n1;frein;"sur deux\nlignes"\n\n;;\n3;constat;dernier\n'
    rows = read_table(data.encode(), **COLUMNS).rows
    assert [(r.line, r["texte"]) for r in rows] == [(2, "sur deux\nlignes"), (6, "dernier")]


def test_xlsx_first_sheet_numbers_as_text_and_row_numbers():
    data = xlsx(
        [["Atelier", "Type", "Texte"], [1, "frein", "Manque de temps"], [], [2.0, "levier", " Fonds "]]
    )
    table = read_table(data, "constats.xlsx", **COLUMNS)
    assert table.file_format == "xlsx"
    assert [(r.line, r["atelier"], r["texte"]) for r in table.rows] == [
        (2, "1", "Manque de temps"),
        (4, "2", "Fonds"),
    ]


def test_xlsx_is_recognised_by_content_whatever_its_name():
    data = xlsx([["atelier", "type", "texte"], [1, "frein", "a"]])
    assert read_table(data, "export.csv", **COLUMNS).file_format == "xlsx"


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (b"", "vide.csv", "vide"),
        (b"\xef\xbb\xbf\r\n  \r\n", "vide.csv", "vide"),
        (b"atelier;type;texte\r\n", "entete.csv", "aucune ligne"),
        (b"atelier;type\r\n1;frein\r\n", "x.csv", "absente : texte"),
        (b"atelier|type|texte\r\n1|frein|a\r\n", "x.csv", "séparateur"),
        (b"atelier;type;texte;atelier\r\n1;frein;a;2\r\n", "x.csv", "deux fois"),
        (b"\x00\x01\x02binaire\x00", "x.csv", "encodage non reconnu"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, "x.xls", ".xls"),
        (b"PK\x03\x04 pas un vrai zip", "x.xlsx", "illisible"),
        (b"atelier;type;texte\n1;frein;a", "x.xlsx", "extension .xlsx"),
    ],
    ids=["empty", "blank", "header-only", "missing-column", "wrong-separator", "duplicate-column",
         "binary", "xls", "broken-xlsx", "fake-xlsx"],
)
def test_file_level_problems_are_refused_in_french(data, filename, expected):
    with pytest.raises(ImportRejected) as info:
        read_table(data, filename, **COLUMNS)
    assert expected in str(info.value) or expected in info.value.report()


def test_mixed_encodings_are_reported_with_the_line():
    data = "atelier;type;texte\n1;frein;déjà vu\n".encode() + "2;levier;problème\n".encode("cp1252")
    with pytest.raises(ImportRejected) as info:
        read_table(data, **COLUMNS)
    assert "mélange UTF-8 et Windows-1252" in str(info.value)
    assert info.value.rows[0][0] == 3


def test_rows_cut_with_another_separator_or_too_many_values_are_reported_by_line():
    data = b"atelier;type;texte\n1;frein;bon\n2,levier,mauvais\n3;constat;a;b\n"
    with pytest.raises(ImportRejected) as info:
        read_table(data, **COLUMNS)
    assert info.value.rows == [
        (3, "séparateur « , » au lieu de « ; »"),
        (4, "4 valeurs pour 3 colonnes dans l'en-tête"),
    ]


def test_templates_read_back_identically():
    headers = ["atelier", "type", "texte", "type de participant"]
    examples = [["1", "frein", "Un texte ; avec point-virgule", ""]]
    csv_bytes = template_csv(headers, examples)
    assert csv_bytes.startswith(b"\xef\xbb\xbf") and b"\r\n" in csv_bytes
    for data in (csv_bytes, template_xlsx(headers, examples)):
        [row] = read_table(data, **COLUMNS).rows
        assert row["texte"] == "Un texte ; avec point-virgule"


# --- Excel's own conventions: the sep= line, number formats, hidden sheets -------------------------------

SEP_BODY = ("atelier{s}type{s}texte\r\n1{s}frein{s}Élus peu sensibilisés\r\n\r\n"
            "3{s}levier{s}Fonds{s} partagés\r\n")


@pytest.mark.parametrize("separator", [";", ",", "\t", "|"], ids=["semicolon", "comma", "tab", "pipe"])
@pytest.mark.parametrize(
    "encode",
    [lambda t: t.encode("utf-8"), lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), lambda t: t.encode("cp1252"),
     lambda t: t.encode("utf-16")],
    ids=["utf8", "utf8-bom", "windows-1252", "utf16"],
)
def test_a_sep_line_is_honoured_and_skipped_and_lines_are_counted_as_in_excel(separator, encode):
    body = SEP_BODY.replace("Fonds{s} partagés", '"Fonds{s} partagés"').format(s=separator)
    table = read_table(encode(f"sep={separator}\r\n" + body), "constats.csv", **COLUMNS)
    assert table.separator == separator and table.hinted
    # Excel hides the sep= line: the header is its row 1, so the rows are lines 2 and 4 (blank line 3)
    assert [(r.line, r["atelier"], r["texte"]) for r in table.rows] == [
        (2, "1", "Élus peu sensibilisés"), (4, "3", f"Fonds{separator} partagés")]
    assert "annoncé par la ligne « sep=" in table.source


def test_a_refusal_from_a_sep_file_counts_lines_as_excel_and_says_so():
    data = b"sep=;\r\natelier;type;texte\r\n1;frein;bon\r\n2,levier,mauvais\r\n"
    with pytest.raises(ImportRejected) as info:
        read_table(data, "constats.csv", **COLUMNS)
    assert info.value.rows == [(3, "séparateur « , » au lieu de « ; »")]
    assert "ceux d'Excel, qui masque la première ligne « sep= »" in str(info.value)
    assert "ajoutez 1" in str(info.value)


@pytest.mark.parametrize("first_line", ['"sep=;"', "sep=;;;", "SEP=;"])
def test_sep_line_variants_written_by_other_tools(first_line):
    table = read_table(f"{first_line}\natelier;type;texte\n1;frein;a\n".encode(), **COLUMNS)
    assert table.separator == ";" and [r.line for r in table.rows] == [2]


def test_a_sep_line_with_an_unsupported_separator_is_refused_in_french():
    with pytest.raises(ImportRejected, match="séparateur non pris en charge"):
        read_table(b"sep=#\natelier#type#texte\n1#frein#a\n", **COLUMNS)


def test_xlsx_cells_are_read_as_excel_shows_them():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["atelier", "type", "texte"])
    values = [(1, "0%"), (0.405, "0.0%"), (40, '0" %"'), (46352, "DD/MM/YYYY"), (1e16, "General"),
              (45000.5, '#,##0.00 "€"'), ("0012", "@"), (0.1, "General")]
    for value, number_format in values:
        sheet.append([value, "frein", "x"])
        sheet.cell(sheet.max_row, 1).number_format = number_format
    sheet.cell(sheet.max_row - 1, 1).quotePrefix = True  # '0012 typed with a leading apostrophe
    rows = read_table(saved(workbook), **COLUMNS).rows
    assert [r["atelier"] for r in rows] == [
        "100\u00a0%", "40,5\u00a0%", "40", "2026-11-26", "10000000000000000", "45000.5", "0012", "0.1"]


HEADER = ["atelier", "type", "texte"]


def test_a_hidden_first_sheet_is_not_read_the_active_visible_one_is():
    data = workbook_bytes(("Ancienne liste", "hidden", [HEADER, [1, "frein", "caché"]]),
                          ("Atelier 2", "visible", [HEADER, [2, "levier", "visible"]]), active=1)
    table = read_table(data, **COLUMNS)
    assert [r["texte"] for r in table.rows] == ["visible"] and table.sheet == "Atelier 2"
    assert table.source == "feuille « Atelier 2 » ; non lue : « Ancienne liste » (masquée)"


def test_the_template_sheet_wins_over_the_active_one_unless_hidden():
    data = workbook_bytes(("Notes", "visible", [["à lire"]]),
                          ("constats", "visible", [HEADER, [1, "frein", "ok"]]))
    assert read_table(data, sheet="Constats", **COLUMNS).sheet == "constats"
    hidden = workbook_bytes(("Notes", "visible", [HEADER, [1, "frein", "actif"]]),
                            ("Constats", "hidden", [HEADER, [1, "frein", "caché"]]))
    assert [r["texte"] for r in read_table(hidden, sheet="Constats", **COLUMNS).rows] == ["actif"]


def test_a_workbook_whose_rows_are_only_on_a_hidden_sheet_is_refused():
    data = workbook_bytes(("Données", "hidden", [HEADER, [1, "frein", "caché"]]), ("Feuil2", "visible", []),
                          active=1)
    with pytest.raises(ImportRejected) as info:
        read_table(data, **COLUMNS)
    assert "feuille masquée (« Données »), qui n'est pas lue" in str(info.value)
    assert "Afficher" in str(info.value)
