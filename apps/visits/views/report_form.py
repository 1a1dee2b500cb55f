"""The daily report form of the report page: what the rep typed ↔ the API's nested report shape,
and every refusal placed beside the field it is about.

Visit rows are posted as `visits-<i>-<field>`, order lines as `visits-<i>-lines-<j>-<field>` (one
order per visit), collections as `visits-<i>-payments-<j>-<field>`; rows added with htmx take the
next free i or j, so the numbers may have gaps. A row the rep left as it came is left out (nothing
was typed in it); any other row goes to the serializer and the service, so that a half-filled line
is refused with its reason instead of being dropped. A refused post is shown again from these rows,
with the same i and j, each message beside its field and the rest above the form."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from apps.tenancy.form_pages import Path, PostedForm

from ..models import DailyReport, Visit
from ..services import REPORT_FIELDS

FIELD = re.compile(r"^visits-(\d+)-(?:(lines|payments)-(\d+)-)?(\w+)$")
MAX_INDEX = 500  # the htmx rows endpoint's bound too: a larger number is a forged post, ignored
VISIT_FIELDS = ("customer", "prospect_name", "purpose", "outcome", "effective", "cost", "result_note")
ROW_FIELDS = {"lines": ("product", "quantity", "unit_price"), "payments": ("amount", "method", "reference")}
# What a row must have typed to count: a collection's method is a select that always has a value.
TYPED = {"lines": ("product", "quantity", "unit_price"), "payments": ("amount", "reference")}
NEW_VISIT = {"outcome": Visit.Outcome.DONE.value, "cost": "0"}  # an added visit's values as it comes


@dataclass
class Row:
    """An order line or a collection of a visit, as typed: `errors` by field, `messages` about it."""

    j: int
    values: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)


@dataclass
class VisitRow:
    """A visit of the form: a visit of the day (`visit`) or one typed in it (None), with its values,
    its lines and collections, and the errors about each."""

    i: int
    visit: Visit | None
    values: dict[str, str]
    lines: list[Row] = field(default_factory=list)
    payments: list[Row] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    line_messages: list[str] = field(default_factory=list)
    payment_messages: list[str] = field(default_factory=list)

    @property
    def next_line(self) -> int:
        return max((r.j for r in self.lines), default=-1) + 1

    @property
    def next_payment(self) -> int:
        return max((r.j for r in self.payments), default=-1) + 1


def new_visit_row(i: int) -> VisitRow:
    """A blank unplanned visit, as the "Add an unplanned visit" button brings it."""
    return VisitRow(i=i, visit=None, values=dict(NEW_VISIT))


def _visit_values(visit: Visit) -> dict[str, str]:
    effective = "" if visit.effective is None else ("true" if visit.effective else "false")
    return {
        "outcome": visit.outcome,
        "effective": effective,
        "cost": str(visit.cost),
        "result_note": visit.result_note,
    }


def _typed(values: Mapping[str, str], names: Sequence[str]) -> bool:
    return any(values.get(name) for name in names)


class ReportForm(PostedForm):
    """The report form of one request: the day's visits as filed (GET), or the post (`data`)."""

    def __init__(self, *, visits: Sequence[Visit], data: Mapping[str, Any] | None = None) -> None:
        super().__init__(data or {}, field_name=self._name)
        self.visits = list(visits)
        self.posted = data is not None
        self._grouped = self._group(data) if data is not None else {}
        self._order: list[int] = []  # the serializer's visit k -> the form's i
        self._rows_of: dict[tuple[int, str], list[int]] = {}  # (k, group) -> the form's j of each row

    @staticmethod
    def _group(data: Mapping[str, Any]) -> dict[int, dict]:
        grouped: dict[int, dict] = {}
        for key in data:
            match = FIELD.match(key)
            if not match or int(match[1]) >= MAX_INDEX or (match[3] and int(match[3]) >= MAX_INDEX):
                continue
            i, group, j, name = int(match[1]), match[2], match[3], match[4]
            row = grouped.setdefault(i, {"values": {}, "lines": {}, "payments": {}})
            value = str(data.get(key, "")).strip()
            if group:
                row[group].setdefault(int(j), {})[name] = value
            else:
                row["values"][name] = value
        return grouped

    def _kept_rows(self, row: dict, group: str) -> list[tuple[int, dict[str, str]]]:
        return [(j, values) for j, values in sorted(row[group].items()) if _typed(values, TYPED[group])]

    def _kept(self, row: dict) -> bool:
        """A visit of the day, or an added one with anything typed beyond what it came with."""
        values = row["values"]
        if values.get("id"):
            return True
        typed = _typed(values, ("customer", "prospect_name", "result_note", "effective"))
        costly = values.get("cost", "0") not in ("", "0", "0.00")
        return typed or costly or bool(self._kept_rows(row, "lines") or self._kept_rows(row, "payments"))

    def serializer_input(self) -> dict[str, Any]:
        """The post in the API's shape (DailyReportIn), blank rows left out, empty values omitted."""
        data: dict[str, Any] = {k: str(self.data.get(k, "")) for k in REPORT_FIELDS if k in self.data}
        visits: list[dict[str, Any]] = []
        self._order, self._rows_of = [], {}
        for i, row in sorted(self._grouped.items()):
            if not self._kept(row):
                continue
            item: dict[str, Any] = {k: v for k, v in row["values"].items() if v != ""}
            if item.get("effective") in ("true", "false"):
                item["effective"] = item["effective"] == "true"
            k = len(visits)
            for group in ("lines", "payments"):
                rows = self._kept_rows(row, group)
                self._rows_of[k, group] = [j for j, _values in rows]
                kept = [{f: v for f, v in values.items() if v != ""} for _j, values in rows]
                if kept and group == "lines":
                    item["orders"] = [{"lines": kept}]
                elif kept:
                    item["payments"] = kept
            visits.append(item)
            self._order.append(i)
        data["visits"] = visits
        return data

    def _name(self, path: Path) -> str | None:
        """The form field a serializer's or the service's error path is about (see PostedForm)."""
        if len(path) == 1 and path[0] in REPORT_FIELDS:
            return str(path[0])
        if len(path) < 2 or path[0] != "visits" or not isinstance(path[1], int):
            return None
        k, rest = path[1], path[2:]
        if k >= len(self._order):
            return None
        i = self._order[k]
        if rest[:1] == ("orders",):  # one order per visit: its lines are the form's lines
            group, rest = "lines", rest[3:] if rest[2:3] == ("lines",) else ()
        elif rest[:1] == ("payments",):
            group, rest = "payments", rest[1:]
        else:
            return f"visits-{i}-{rest[0]}" if rest and rest[0] in VISIT_FIELDS else f"visits-{i}"
        rows = self._rows_of.get((k, group), [])
        if not rest or not isinstance(rest[0], int) or rest[0] >= len(rows):
            return f"visits-{i}-{group}"
        j = rows[rest[0]]
        if len(rest) > 1 and rest[1] in ROW_FIELDS[group]:
            return f"visits-{i}-{group}-{j}-{rest[1]}"
        return f"visits-{i}-{group}-{j}"

    # ---- what the page shows

    def values(self, report: DailyReport | None) -> dict[str, str]:
        """The report's own fields: as typed after a post, else as filed (blank for a new report)."""
        if self.posted:
            return {k: str(self.data.get(k, "")) for k in REPORT_FIELDS}
        return {k: str(getattr(report, k)) if report else "" for k in REPORT_FIELDS}

    def rows(self) -> list[VisitRow]:
        """Every visit of the form with its values and errors: on GET the day's visits; after a
        refused post the rows as posted (blank added ones left out), then any visit of the day the
        post did not list. Errors of rows no longer shown go above the form."""
        by_pk = {v.pk: v for v in self.visits}
        rows: list[VisitRow] = []
        if self.posted:
            listed: set[int] = set()
            for i, raw in sorted(self._grouped.items()):
                if not self._kept(raw):
                    continue
                values = raw["values"]
                visit = by_pk.get(int(values["id"])) if values.get("id", "").isdigit() else None
                if visit is None and values.get("id"):
                    continue  # not a visit of this day (a stale page): its error goes above the form
                if visit is not None:
                    listed.add(visit.pk)
                row = VisitRow(i=i, visit=visit, values=dict(values))
                for group in ("lines", "payments"):
                    for j, line in self._kept_rows(raw, group):
                        getattr(row, group).append(Row(j=j, values=dict(line)))
                rows.append(row)
            free = max(self._grouped, default=-1) + 1
            for visit in self.visits:
                if visit.pk not in listed:
                    rows.append(VisitRow(i=free, visit=visit, values=_visit_values(visit)))
                    free += 1
        else:
            rows = [VisitRow(i=n, visit=v, values=_visit_values(v)) for n, v in enumerate(self.visits)]
        self.unclaimed(self._place_errors(rows))
        return rows

    def _place_errors(self, rows: list[VisitRow]) -> list[str]:
        """Hand each row its errors; returns every field name the page shows."""
        shown = list(REPORT_FIELDS)
        for row in rows:
            prefix = f"visits-{row.i}"
            row.errors = {f: self.errors.get(f"{prefix}-{f}", []) for f in VISIT_FIELDS}
            row.messages = self.errors.get(prefix, [])
            row.line_messages = self.errors.get(f"{prefix}-lines", [])
            row.payment_messages = self.errors.get(f"{prefix}-payments", [])
            shown += [prefix, f"{prefix}-lines", f"{prefix}-payments"]
            shown += [f"{prefix}-{f}" for f in VISIT_FIELDS]
            for group in ("lines", "payments"):
                for line in getattr(row, group):
                    base = f"{prefix}-{group}-{line.j}"
                    line.errors = {f: self.errors.get(f"{base}-{f}", []) for f in ROW_FIELDS[group]}
                    line.messages = self.errors.get(base, [])
                    shown += [base, *(f"{base}-{f}" for f in ROW_FIELDS[group])]
        return shown

    @staticmethod
    def next_visit(rows: Sequence[VisitRow]) -> int:
        return max((r.i for r in rows), default=-1) + 1
