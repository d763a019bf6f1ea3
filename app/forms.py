"""Form fields shared by every feature, with GOV.UK error wording."""

from __future__ import annotations

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import Field
from wtforms.validators import StopValidation

PARTS = ("day", "month", "year")


def strip(value):
    """A filter: trim surrounding white space from text input."""
    return value.strip() if isinstance(value, str) else value


def field_name(label: str) -> str:
    """A field's name as an error message says it: the label without "(optional)"."""
    return label.replace("(optional)", "").strip()


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{parts[0]} and {parts[1]}" if len(parts) == 2 else ""


class GovukDateField(Field):
    """A day, month and year date input (the GOV.UK date input pattern).

    Unlike WTForms' DateField with GovDateInput, a missing or odd part never raises: it
    becomes the GOV.UK message ("Start date must include a month", "... must be a real
    date"). Leaving all three parts empty gives ``None``; add ``DataRequired`` (with a
    message such as "Enter the start date") to make the date required.
    """

    widget = GovDateInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self._problem: str | None = None

    def process_formdata(self, valuelist):
        values = [(v or "").strip() for v in (valuelist or [])][:3]
        values += [""] * (3 - len(values))
        self.raw_data = values
        self.data = None
        self._problem = None
        if not any(values):
            return
        missing = [name for name, value in zip(PARTS, values, strict=True) if not value]
        label = field_name(self.label.text)
        if missing:
            self._problem = f"{label} must include a {_join(missing)}" if len(missing) < 3 else None
            return
        day, month, year = values
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            self._problem = f"{label} must be a real date"
            return
        if len(year) != 4:
            self._problem = "Year must include 4 numbers"
            return
        try:
            self.data = date(int(year), int(month), int(day))
        except ValueError:
            self._problem = f"{label} must be a real date"

    def pre_validate(self, form):
        if self._problem:
            raise StopValidation(self._problem)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime("%d %m %Y") if self.data else ""
