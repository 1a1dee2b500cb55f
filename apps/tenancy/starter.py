"""Starter data: what a new organisation starts with, in its own language.

Each app that offers some keeps it as JSON under the top-level `fixtures/` folder, one file per set
and language: `fixtures/<app>/<set>.<language>.json` (`fixtures/targets/seasonal_profiles.zh-hans.json`),
each a list of objects. The app declares the set in its AppConfig.ready(), by name and by the dotted
path of the loader that writes the rows through the app's own services (so they are validated and
audited like any other write):

    # apps/targets/apps.py, in TargetsConfig.ready()
    from apps.tenancy.starter import register_starter_data

    register_starter_data(
        "targets.seasonal_profiles",
        "apps.targets.starter.load_seasonal_profiles",
        label=SeasonalProfile._meta.verbose_name_plural,  # how the settings page's trail names it
    )

A loader is `loader(*, tenant, rows, by) -> int`: it writes the rows it does not find yet (by their
natural key: a name, a code) and returns how many it created. `by` is the member who asked, or None
for the system (`create_organisation`, `load_starter_data`).

`starter_data_load()` runs every registered set the organisation has not had yet, in registration
order (apps in INSTALLED_APPS order), in one transaction inside the tenant, and notes each set loaded
in the organisation's audit log. Running it twice adds nothing: a set already noted is skipped, and
inside a set a row whose key exists is skipped. A set registered later (a new app's complaint
categories) is loaded into existing organisations by `manage.py load_starter_data <slug>`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.module_loading import import_string

from .audit import audit_log
from .context import tenant_context
from .models import AuditLog, Tenant

if TYPE_CHECKING:
    from .models import Membership

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
FALLBACK_LANGUAGE = "en"
LOADED_ACTION = "tenancy.starter_data.loaded"


@dataclass(frozen=True)
class StarterSet:
    name: str  # "<app>.<set>", e.g. "targets.seasonal_profiles"
    path: str  # dotted path of the loader, imported when the set is loaded
    label: Any = None  # a (lazily translated) name for people; the name when none

    @property
    def app(self) -> str:
        return self.name.partition(".")[0]

    @property
    def stem(self) -> str:
        return self.name.partition(".")[2]

    def fixture(self, language: str) -> Path:
        return FIXTURES_DIR / self.app / f"{self.stem}.{language}.json"


_SETS: dict[str, StarterSet] = {}


def register_starter_data(name: str, path: str, *, label: Any = None) -> None:
    """Declare a set of starter data; call it from an AppConfig.ready(). Re-registering a name
    replaces it in place (ready() may run more than once in tests)."""
    app, _dot, stem = name.partition(".")
    if not app or not stem:
        raise ImproperlyConfigured(f"Starter data is named '<app>.<set>', not {name!r}.")
    _SETS[name] = StarterSet(name=name, path=path, label=label)


def starter_label(name: str) -> str:
    """How people read a set's name (a set no longer registered keeps its name)."""
    found = _SETS.get(name)
    return str(found.label) if found is not None and found.label else name


def starter_sets() -> list[StarterSet]:
    """Every registered set, in registration order."""
    return list(_SETS.values())


def starter_rows(starter: StarterSet, language: str) -> list[dict[str, Any]]:
    """The rows of one set in `language`, or in English where that language has no file."""
    path = starter.fixture(language)
    if not path.exists():
        path = starter.fixture(FALLBACK_LANGUAGE)
    rows = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise ImproperlyConfigured(f"{path} must hold a list of objects.")
    return rows


def starter_data_loaded(tenant: Tenant) -> set[str]:
    """The names of the sets this organisation has had."""
    entries = AuditLog.objects.filter(
        tenant=tenant, object_type=Tenant._meta.label_lower, object_id=tenant.pk, action=LOADED_ACTION
    ).values_list("changes", flat=True)
    return {str(entry["set"]) for entry in entries if isinstance(entry, dict) and entry.get("set")}


def starter_data_load(
    *, tenant: Tenant, by: Membership | None = None, only: Iterable[str] | None = None
) -> dict[str, int]:
    """Load the sets this organisation has not had yet (all, or those named in `only`); returns
    {set name: rows created} for the sets loaded now. Atomic: a set that fails loads nothing at all."""
    wanted = set(only) if only is not None else None
    if wanted is not None and (unknown := wanted - set(_SETS)):
        raise ImproperlyConfigured(f"No app registers the starter data {', '.join(sorted(unknown))}.")
    loaded: dict[str, int] = {}
    with tenant_context(tenant), transaction.atomic():
        # Two loads for one organisation queue here; the second then sees the first one's notes.
        tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
        done = starter_data_loaded(tenant)
        for starter in starter_sets():
            if starter.name in done or (wanted is not None and starter.name not in wanted):
                continue
            loader = import_string(starter.path)
            created = loader(tenant=tenant, rows=starter_rows(starter, tenant.default_language), by=by)
            audit_log(
                tenant,
                LOADED_ACTION,
                actor=by,
                changes={"set": starter.name, "language": tenant.default_language, "created": created},
            )
            loaded[starter.name] = created
    return loaded
