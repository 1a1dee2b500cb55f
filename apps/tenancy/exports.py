"""Tables as downloadable files: one helper that any report can hand a pandas frame to.

`frame_to_response(df, filename=..., fmt="xlsx" | "csv")` writes the frame's columns as headers (so
pass them already translated) and returns an attachment. XLSX gets a bold, frozen header row, number
formats and column widths; CSV is UTF-8 with a BOM so that Excel opens Chinese text correctly.
"""

import io
import unicodedata
from typing import cast

import pandas as pd
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.styles import Font
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
    return value


def frame_to_xlsx(df: pd.DataFrame, *, number_formats: dict | None = None, sheet: str = "Sheet1") -> bytes:
    """The frame as an .xlsx workbook; float columns get NUMBER_FORMAT unless number_formats says else."""
    number_formats = number_formats or {}
    wb = Workbook()
    ws = cast(Worksheet, wb.active)  # a new Workbook always has its one sheet
    ws.title = sheet[:31]
    columns = [str(c) for c in df.columns]
    ws.append(columns)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for row in df.itertuples(index=False, name=None):
        ws.append([_cell(v) for v in row])
    for i, (name, column) in enumerate(zip(df.columns, columns, strict=True), start=1):
        fmt = number_formats.get(name)
        if fmt is None and pd.api.types.is_float_dtype(df[name]):
            fmt = NUMBER_FORMAT
        if fmt:
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = fmt
        widest = max([_width(column), *(_width(v) for v in df[name].head(1000))])
        ws.column_dimensions[get_column_letter(i)].width = min(max(widest + 2, 8), 60)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


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
