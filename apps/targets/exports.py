"""The target progress table as a frame for exports (see apps.tenancy.exports.frame_to_response).

Built from the targets already fetched and the frame of selectors.target_progress: no query per row.
"""

import pandas as pd
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from apps.targets.models import Target
from apps.targets.selectors import STATUSES


def _status(code: str) -> str:
    return str(dict(STATUSES).get(code, code))


def _owner(t: Target, tenant) -> str:
    if t.owner_kind == Target.OwnerKind.REP:
        return str(t.rep)
    if t.owner_kind == Target.OwnerKind.TEAM:
        return str(t.team)
    return str(tenant)


def _dimension(t: Target) -> str:
    if not t.dimension:
        return ""
    return f"{t.get_dimension_display()}: {getattr(t, t.dimension)}"


def progress_columns() -> dict[str, str]:
    """Frame column → translated header, in export order."""
    return {
        "owner": capfirst(_("owner")),
        "metric": capfirst(_("metric")),
        "period": capfirst(_("period")),
        "dimension": capfirst(_("dimension")),
        "value": _("Target value"),
        "actual": _("Actual"),
        "attainment": _("Attainment %"),
        "expected": _("Expected by now"),
        "forecast": _("Forecast"),
        "gap": _("Gap"),
        "status": capfirst(_("status")),
    }


def progress_frame(targets: list[Target], progress: pd.DataFrame, *, tenant, metric_names: dict[str, str]):
    """One row per target with translated headers; attainment in percent (50.0 is half the target).

    Returns (frame, number formats by header)."""
    columns = progress_columns()
    rows = []
    for t in targets:
        p = progress.loc[t.pk]
        rows.append(
            {
                "owner": _owner(t, tenant),
                "metric": metric_names.get(t.metric, t.metric),
                "period": f"{t.get_grain_display()} {t.period_start.isoformat()}",
                "dimension": _dimension(t),
                "value": float(t.value),
                **{k: p[k] for k in ("actual", "attainment", "expected", "forecast", "gap")},
                "status": _status(p["status"]),  # type: ignore[arg-type]  # one row: a str
            }
        )
    df = pd.DataFrame.from_records(rows, columns=list(columns))
    for k in ("value", "actual", "attainment", "expected", "forecast", "gap"):
        df[k] = pd.to_numeric(df[k], errors="coerce").astype(float)
    df["attainment"] = df["attainment"] * 100
    df = df.rename(columns=columns)
    return df, {columns["attainment"]: '0.0"%"'}
