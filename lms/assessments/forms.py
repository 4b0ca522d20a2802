"""Forms of the cadre's self-assessment pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

# What the cadre agrees to, stored with the consent as it was shown.
PURPOSE = _(
    "Psychological self-screening for my own self-care, for suggesting suitable courses and, "
    "only if I allow it, for a counsellor's follow-up."
)


class ConsentForm(forms.Form):
    """Two separate boxes: processing (required) and counsellor access (optional)."""

    agree = forms.BooleanField(
        label=_("I have read this notice and agree to the processing of my assessment data."),
        error_messages={
            "required": _("Tick this box to agree; without it no assessment data is processed.")
        },
    )
    share = forms.BooleanField(
        label=_("Counsellors may see my results and contact me."),
        required=False,
    )
    contact = forms.CharField(
        label=_("How a counsellor may reach me (phone, office; optional, only with sharing)"),
        max_length=200,
        required=False,
    )


def item_field(number: int) -> str:
    return f"item-{number}"


def answers_from(data, count: int) -> dict[int, int | str]:
    """Item number → chosen value. Unanswered items are left out; anything that is not a
    whole number is passed on as it came, for the scorer to report as invalid."""
    answers: dict[int, int | str] = {}
    for number in range(1, count + 1):
        raw = data.get(item_field(number), "").strip()
        if not raw:
            continue
        try:
            answers[number] = int(raw)
        except ValueError:
            answers[number] = raw
    return answers


def problem_items(details: list[str]) -> tuple[list[int], list[int]]:
    """Missing and invalid item numbers from IncompleteAssessment.details ("missing:12")."""
    missing, invalid = [], []
    for detail in details:
        kind, _sep, number = detail.partition(":")
        if not number.isdigit():
            continue
        if kind == "missing":
            missing.append(int(number))
        elif kind == "invalid":
            invalid.append(int(number))
    return sorted(missing), sorted(invalid)


class ReadableJSON(forms.Textarea):
    """JSON laid out one entry per line, so a reviewer reads and edits the rules (and a
    revision's comparison shows which line changed); a value that does not parse is shown
    as typed, with the field's error beside it."""

    def __init__(self, attrs=None):
        super().__init__({"rows": 30, "class": "readable-json", **(attrs or {})})

    def format_value(self, value):
        import json

        try:
            return json.dumps(json.loads(value), ensure_ascii=False, indent=2)
        except (TypeError, ValueError):
            return super().format_value(value)
