"""Tables as downloadable files: one helper that any report can hand a pandas frame to.

`frame_to_response(df, filename=..., fmt="xlsx" | "csv")` writes the frame's columns as headers (so
pass them already translated) and returns an attachment. XLSX gets a bold, frozen header row, number
formats and column widths; CSV is UTF-8 with a BOM so that Excel opens Chinese text correctly.

A report of several parts is a workbook of named sheets: `sheets_to_response([Sheet(title, tables,
heading), …], filename=...)`, each sheet a few heading lines (the report's title, team, period) and
its tables (`Table(frame, caption, number_formats)`) one below the other, written the same way.
"""

import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

import pandas as pd
from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FORMATS = ("xlsx", "csv")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
NUMBER_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.0%"


def _width(value) -> int:
    """Display width of a cell: East Asian wide characters take two columns."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cell(value):
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    if isinstance(value, Promise):  # a lazily translated label
        return str(value)
    return value


@dataclass(frozen=True)
class Table:
    """A frame on a sheet: its columns as the header row (translated), an optional bold caption above
    it, and number formats by column: one format for the whole column, or a list of one per row
    (a column of figures of different kinds). Float columns get NUMBER_FORMAT unless told else; an
    empty frame writes `empty` under its header."""

    frame: pd.DataFrame
    caption: str = ""
    number_formats: dict = field(default_factory=dict)
    empty: str = ""


@dataclass(frozen=True)
class Sheet:
    """A named sheet: heading lines (the first in bold), then its tables, a blank row apart."""

    title: str
    tables: Sequence[Table]
    heading: Sequence[str] = ()


MAX_WIDTH = 60
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")


def sheets_to_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as one .xlsx workbook, in order; the first is the one the workbook opens on."""
    wb = Workbook()
    first = cast(Worksheet, wb.active)  # a new Workbook always has its one sheet
    for number, sheet in enumerate(sheets):
        ws = first if number == 0 else wb.create_sheet()
        # Excel refuses titles over 31 characters or with []:*?/\ in them.
        ws.title = _SHEET_TITLE_FORBIDDEN.sub(" ", sheet.title)[:31] or f"Sheet{number + 1}"
        _write_sheet(ws, sheet)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _write_sheet(ws: Worksheet, sheet: Sheet) -> None:
    widths: dict[int, int] = {}
    for number, line in enumerate(sheet.heading):
        ws.append([line])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True, size=13 if number == 0 else 11)
    for number, table in enumerate(sheet.tables):
        if number or sheet.heading:
            ws.append([])
        if table.caption:
            ws.append([table.caption])
            ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
        header = _write_table(ws, table, widths)
        if len(sheet.tables) == 1:
            ws.freeze_panes = f"A{header + 1}"
    for i, widest in widths.items():
        ws.column_dimensions[get_column_letter(i)].width = min(max(widest + 2, 8), MAX_WIDTH)


def _write_table(ws: Worksheet, table: Table, widths: dict[int, int]) -> int:
    """Writes the table below what the sheet holds; returns its header's row number."""
    df = table.frame
    columns = [str(c) for c in df.columns]
    ws.append(columns)
    header = ws.max_row
    for cell in ws[header]:
        cell.font = Font(bold=True)
    for row in df.itertuples(index=False, name=None):
        ws.append([_cell(v) for v in row])
    if df.empty and table.empty:
        ws.append([table.empty])
    last = header + len(df)
    for i, (name, column) in enumerate(zip(df.columns, columns, strict=True), start=1):
        fmt = table.number_formats.get(name)
        if fmt is None and pd.api.types.is_float_dtype(df[name]):
            fmt = NUMBER_FORMAT
        if fmt:
            per_row = fmt if isinstance(fmt, list) else [fmt] * len(df)
            for (cell,), row_format in zip(
                ws.iter_rows(min_row=header + 1, max_row=last, min_col=i, max_col=i), per_row, strict=True
            ):
                if row_format:
                    cell.number_format = row_format
        widest = max([_width(column), *(_width(v) for v in df[name].head(1000))])
        widths[i] = max(widths.get(i, 0), widest)
        if widest > MAX_WIDTH:  # long text: wrapped in its capped column rather than cut off
            for (cell,) in ws.iter_rows(min_row=header + 1, max_row=last, min_col=i, max_col=i):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    return header


def frame_to_xlsx(df: pd.DataFrame, *, number_formats: dict | None = None, sheet: str = "Sheet1") -> bytes:
    """The frame as an .xlsx workbook; float columns get NUMBER_FORMAT unless number_formats says else."""
    return sheets_to_xlsx([Sheet(sheet, [Table(df, number_formats=number_formats or {})])])


def frame_to_csv(df: pd.DataFrame) -> bytes:
    """The frame as CSV in UTF-8 with a byte-order mark (Excel reads Chinese right only with it)."""
    return df.to_csv(index=False).encode("utf-8-sig")


def frame_to_response(
    df: pd.DataFrame, *, filename: str, fmt: str, number_formats: dict | None = None
) -> HttpResponse:
    """An attachment response with the frame as `fmt` ("xlsx" or "csv"); `filename` has no extension."""
    if fmt == "xlsx":
        body = frame_to_xlsx(df, number_formats=number_formats)
    elif fmt == "csv":
        body = frame_to_csv(df)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.{fmt}")
    return response


def sheets_to_response(sheets: Sequence[Sheet], *, filename: str) -> HttpResponse:
    """An attachment response with the sheets as an .xlsx workbook; `filename` has no extension."""
    response = HttpResponse(sheets_to_xlsx(sheets), content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.xlsx")
    return response
