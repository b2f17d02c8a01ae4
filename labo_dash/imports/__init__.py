"""Imports: the files organisers and scribes bring (CSV as French Excel writes it, .xlsx workbooks).

- :mod:`~labo_dash.imports.reading`: :func:`read_table`, the one reader of tabular files;
- :mod:`~labo_dash.imports.workbook`: workbooks (the sheet read, cells as Excel shows them), .xlsx template;
- :mod:`~labo_dash.imports.tables`: Row, Table, Preview, the header key, row checks, CSV template;
- :mod:`~labo_dash.imports.spreadsheet`: cells safe to open in a spreadsheet (no formula injection);
- :mod:`~labo_dash.imports.diagnosis`: findings and défis; :mod:`~labo_dash.imports.actions`: actions and
  their progress points, :mod:`~labo_dash.imports.actions_sheet` the exported « Actions » sheet it compares
  a file with. The participants' import is :func:`labo_dash.participants.import_participants`.

The generic reader's names are re-exported here (``imports.read_table``, ``imports.header_key``...).
"""

from labo_dash.imports.reading import read_table
from labo_dash.imports.tables import (
    HINTED_SEPARATORS,
    MAX_BYTES,
    MAX_ROWS,
    SEPARATORS,
    Preview,
    Row,
    Table,
    check_rows,
    header_key,
    reason,
    template_csv,
)
from labo_dash.imports.workbook import template_xlsx, workbook_sheets

__all__ = [
    "HINTED_SEPARATORS", "MAX_BYTES", "MAX_ROWS", "SEPARATORS", "Preview", "Row", "Table", "check_rows",
    "header_key", "read_table", "reason", "template_csv", "template_xlsx", "workbook_sheets",
]
