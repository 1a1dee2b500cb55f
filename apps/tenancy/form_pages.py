"""The two shapes of page a form lives on, written once for every app.

- `record_form_page`: a record's create page, or its edit page with a Delete button. A valid post
  calls the service and goes back; an invalid or refused one re-renders the form (400) with every
  value typed and each reason on its field.
- `button_action`: a button that acts on a record (approve, submit, delete, resend…): POST only,
  the service's refusal as a message, back to the page it came from.
- `PostedForm`: a form written out in its template instead of a Django form (rows added with htmx,
  validated by the API's serializer): its typed values and its errors by field name, so that a
  refused post re-renders what was typed with each message beside its field, in the user's language,
  never as an internal path such as "visits › 0 › cost"."""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .http import TenantRequest
from .views import refusal_shown, refusal_text

Path = tuple[str | int, ...]
NON_FIELD = (NON_FIELD_ERRORS, "non_field_errors")  # Django's key, DRF's key


def record_form_page(
    request: TenantRequest,
    form: BaseForm,
    *,
    save: Callable[[dict[str, Any]], object],
    saved: str,
    done: str,
    template: str,
    context: Mapping[str, Any] | Callable[[], Mapping[str, Any]] = {},  # noqa: B006 - never changed
    delete: Callable[[], object] | None = None,
    deleted: str = "",
    delete_refused: str | None = None,
) -> HttpResponse:
    """A record's create or edit page: GET shows `form`; a POST saves it through `save` (given the
    cleaned data) and goes to `done` with the message `saved`, or re-renders `template` with status
    400 and the form's errors (a service's refusal on its fields). With `delete`, a POST that has a
    `delete` button deletes the record instead and goes to `done` (`delete_refused` when the
    service refuses, with its reason as a flash message). `context` (or a callable that makes it, for
    a page whose other parts cost queries) goes to the template with `form`."""
    if request.method == "POST":
        if delete is not None and "delete" in request.POST:
            with refusal_shown(request) as outcome:
                delete()
            if outcome.refused:
                return redirect(delete_refused or done)
            messages.success(request, deleted)
            return redirect(done)
        if form.is_valid():
            with refusal_shown(form) as outcome:
                save(form.cleaned_data)
            if not outcome.refused:
                messages.success(request, saved)
                return redirect(done)
        messages.error(request, _("Nothing was saved. Please correct the errors below."))
    extra = context() if callable(context) else context
    return render(request, template, {**extra, "form": form}, status=400 if request.method == "POST" else 200)


def button_action(
    request: TenantRequest, *, act: Callable[[], object], success: str, done: str
) -> HttpResponse:
    """A button's POST on a record the view has looked up first (so that an id the member may not
    see is a 404 whatever the method): runs `act`, says `success` or the service's refusal, and goes
    to `done`. Any other method is a 405."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    with refusal_shown(request) as outcome:
        act()
    if not outcome.refused:
        messages.success(request, success)
    return redirect(done)


class PostedForm:
    """What was posted to a form written out in its template, and its errors by field name.

    `data` holds the typed values for the re-rendered form; `errors[name]` the messages of one field
    (or of a row, a group of rows: whatever name the page gives it), `non_field_errors` the rest,
    shown above the form. Errors arrive at paths such as ("visits", 2, "cost") — from a serializer
    (`add_serializer_errors`), or from a service's refusal (`refusal_shown(posted)`: a field's key,
    or an error's `params["path"]` when the service names a row of a list) — and `field_name(path)`
    says which field of the page a path is, None for the form as a whole. By default a path of one
    name in `fields` is that field."""

    def __init__(
        self,
        data: Mapping[str, Any],
        *,
        fields: Iterable[str] = (),
        field_name: Callable[[Path], str | None] | None = None,
    ) -> None:
        self.data = data
        self.errors: dict[str, list[str]] = {}
        self.non_field_errors: list[str] = []
        self._fields = set(fields)
        self._field_name = field_name or self._top_level_field

    def _top_level_field(self, path: Path) -> str | None:
        return str(path[0]) if len(path) == 1 and path[0] in self._fields else None

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.non_field_errors)

    def add(self, path: Path, message: str) -> None:
        name = self._field_name(path)
        if name is None:
            self.non_field_errors.append(message)
        else:
            self.errors.setdefault(name, []).append(message)

    def add_serializer_errors(self, errors: Any, path: Path = ()) -> None:
        """A serializer's `errors`: nested dicts (by field) and lists (by position), as DRF makes them."""
        if isinstance(errors, Mapping):
            for key, sub in errors.items():
                self.add_serializer_errors(sub, path if key in NON_FIELD else (*path, key))
        elif isinstance(errors, list | tuple):
            for n, sub in enumerate(errors):
                self.add_serializer_errors(
                    sub, (*path, n) if isinstance(sub, Mapping | list | tuple) else path
                )
        else:
            self.add(path, str(errors))

    def add_refusal(self, error: ValidationError | PermissionDenied) -> None:
        """A service's refusal (what `refusal_shown(posted)` calls)."""
        if isinstance(error, PermissionDenied):
            self.non_field_errors.append(refusal_text(error))
            return
        if hasattr(error, "error_dict"):
            groups = [
                ((() if key == NON_FIELD_ERRORS else (key,)), errors)
                for key, errors in error.error_dict.items()
            ]
        else:
            groups = [((), error.error_list)]
        for path, errors in groups:
            for item in errors:
                params = item.params or {}
                message = item.message % params if params else item.message
                self.add(tuple(params.get("path", path)), str(message))

    def unclaimed(self, names: Iterable[str]) -> None:
        """Move the errors of fields the page did not show (`names` are those it did) above the form,
        so that no message is lost — a row that is no longer there, say."""
        shown = set(names)
        for name in [n for n in self.errors if n not in shown]:
            self.non_field_errors.extend(self.errors.pop(name))
