"""The one way page views show a service's refusal (apps.tenancy.views)."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from apps.tenancy.views import refusal_lines, refusal_shown, refusal_text, show_refusal


class NoteForm(forms.Form):
    note = forms.CharField(required=False)


def test_refusal_lines_label_field_and_nested_errors():
    assert refusal_lines(ValidationError({"note": ["Too long."]})) == ["note: Too long."]
    assert refusal_lines({"lines": [{"amount": ["Must be positive."]}], "non_field_errors": ["Late."]}) == [
        "lines › 1 › amount: Must be positive.",
        "Late.",
    ]
    assert refusal_lines(PermissionDenied("Not yours.")) == ["Not yours."]
    assert refusal_lines(PermissionDenied()) == ["You may not make this change."]


def test_refusal_text_is_one_sentence_without_field_names():
    assert (
        refusal_text(ValidationError({"value": ["Short by 40."], "parent": ["Locked."]}))
        == "Short by 40. Locked."
    )


def test_show_refusal_puts_errors_on_their_field_or_above_the_form():
    form = NoteForm(data={"note": "x"})
    assert form.is_valid()
    show_refusal(form, ValidationError({"note": ["Too long."], "elsewhere": ["Closed."]}))
    assert form.errors == {"note": ["Too long."], "__all__": ["Closed."]}
    other = NoteForm(data={})
    other.is_valid()
    show_refusal(other, PermissionDenied())
    assert other.non_field_errors() == ["You may not make this change."]


def test_refusal_shown_catches_a_refusal_and_shows_it_where_the_page_shows_errors():
    form = NoteForm(data={"note": "x"})
    form.is_valid()
    with refusal_shown(form) as outcome:
        raise ValidationError({"note": ["Too long."]})
    assert outcome.refused and form.errors == {"note": ["Too long."]}

    errors: list[str] = []
    with refusal_shown(errors) as outcome:
        raise PermissionDenied("Not yours.")
    assert outcome.refused and errors == ["Not yours."]

    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    with refusal_shown(request) as outcome:
        raise ValidationError({"value": ["Short by 40."], "parent": ["Locked."]})
    assert outcome.refused and [str(m) for m in get_messages(request)] == ["Short by 40. Locked."]

    with refusal_shown() as outcome:
        raise PermissionDenied("Not yours.")
    assert outcome.refused and refusal_text(outcome.error) == "Not yours."

    with refusal_shown(form) as outcome:
        pass
    assert not outcome.refused and outcome.error is None


def test_refusal_shown_lets_any_other_error_through():
    with pytest.raises(KeyError), refusal_shown([]):
        raise KeyError("bug")
