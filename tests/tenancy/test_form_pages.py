"""The form pages of apps.tenancy.form_pages: a hand-written form's errors beside its fields
(PostedForm). record_form_page is exercised by the pages that use it (tests/web, tests/browser)."""

from django.core.exceptions import PermissionDenied, ValidationError

from apps.tenancy.form_pages import PostedForm
from apps.tenancy.views import refusal_shown


def _rows_form() -> PostedForm:
    """A form of rows: `rows-<n>-amount` for each row, the top-level `title`."""

    def name(path):
        if path == ("title",):
            return "title"
        if len(path) >= 2 and path[0] == "rows" and isinstance(path[1], int):
            return f"rows-{path[1]}-{path[2]}" if len(path) > 2 else f"rows-{path[1]}"
        return None

    return PostedForm({"title": "Shop", "rows-1-amount": "-3"}, field_name=name)


def test_serializer_errors_land_on_their_fields_and_the_rest_above_the_form():
    form = _rows_form()
    form.add_serializer_errors(
        {
            "title": ["Too long."],
            "rows": [{}, {"amount": ["Must be positive."], "non_field_errors": ["Check the row."]}],
            "non_field_errors": ["Late."],
            "unknown": ["Odd."],
        }
    )
    assert form.errors == {
        "title": ["Too long."],
        "rows-1-amount": ["Must be positive."],
        "rows-1": ["Check the row."],
    }
    assert form.non_field_errors == ["Late.", "Odd."]
    assert form.has_errors and form.data["rows-1-amount"] == "-3"  # what was typed, for the page


def test_a_service_refusal_lands_at_its_field_or_at_the_path_it_names():
    form = _rows_form()
    with refusal_shown(form) as outcome:
        raise ValidationError(
            {
                "title": ["Taken."],
                "rows": [
                    ValidationError(
                        "%(row)s: too much.", params={"row": "Row 2", "path": ("rows", 1, "amount")}
                    )
                ],
                "__all__": ["Closed."],
            }
        )
    assert outcome.refused
    assert form.errors == {"title": ["Taken."], "rows-1-amount": ["Row 2: too much."]}
    assert form.non_field_errors == ["Closed."]

    other = PostedForm({}, fields=["title"])
    with refusal_shown(other):
        raise PermissionDenied("Not yours.")
    with refusal_shown(other):
        raise ValidationError("Just no.")
    assert other.non_field_errors == ["Not yours.", "Just no."] and not other.errors


def test_errors_of_fields_the_page_did_not_show_move_above_the_form():
    form = PostedForm({}, fields=["title", "body"])
    form.add_serializer_errors({"title": ["Required."], "body": ["Too long."]})
    form.unclaimed(["title"])
    assert form.errors == {"title": ["Required."]} and form.non_field_errors == ["Too long."]
