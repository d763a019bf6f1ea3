"""Form fields shared by every feature, with GOV.UK error wording, and the one way a
service's errors are shown on a form."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import ClassVar

from govuk_frontend_wtf.main import wtforms_errors as govuk_wtforms_errors
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovTextArea
from wtforms import Field, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, StopValidation

from app.errors import DomainError

PARTS = ("day", "month", "year")


def strip(value):
    """A filter: trim surrounding white space from text input."""
    return value.strip() if isinstance(value, str) else value


def reason_field(
    label: str, *, maximum: int, description: str = "", required: str | None = None
) -> TextAreaField:
    """A reason, in a GOV.UK text area, trimmed. ``required`` is the message when it is
    left empty; without one the reason is optional (the service says when it is needed).
    Longer than ``maximum`` characters: "Reason must be <maximum> characters or fewer"."""
    return TextAreaField(
        label,
        widget=GovTextArea(),
        description=description,
        filters=[strip],
        validators=[
            DataRequired(message=required) if required else Optional(),
            Length(max=maximum, message=f"Reason must be {maximum} characters or fewer"),
        ],
    )


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
        label = self.label.text
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


class ServiceErrorsMixin:
    """Show a service's domain error on a form (mix into a ``FlaskForm``).

    Each message goes on the field the service named: ``InvalidInput.errors`` (field ->
    message) or ``DomainError.field``. A name the form has no field for, or an error that
    names none, becomes a form-level error, shown in the error summary. A field shows its
    first error only: a service's message never replaces one the form's own validation
    put there, and the same message is not added twice.
    """

    #: A service's name for an input -> this form's field name, where the two differ.
    SERVICE_FIELDS: ClassVar[dict[str, str]] = {}

    def service_field(self, key: str) -> Field | None:
        """The field that shows the service's error about ``key`` (None: the whole form).
        A form whose service names nested inputs (``victims.0.name``) overrides this."""
        return self._fields.get(self.SERVICE_FIELDS.get(key, key))  # type: ignore[attr-defined]

    def apply_service_error(self, error: DomainError) -> None:
        errors = getattr(error, "errors", None) or {error.field: error.message}
        self.add_service_errors(errors)

    def add_service_errors(self, errors: Mapping[str | None, str]) -> None:
        """Field name (as the service names it) -> message; None for the whole form."""
        for key, message in errors.items():
            field = self.service_field(key) if key else None
            if field is None:
                form_errors = self.form_errors  # type: ignore[attr-defined]
                if message not in form_errors:
                    form_errors.append(message)
            elif message not in field.errors:
                field.errors = [*field.errors, message]


def error_summary(form, params=None) -> dict:
    """The GOV.UK error summary of a form (the template global ``wtforms_errors``): the
    package's own, with every form-level error listed first, without a link (there is no
    field to go to)."""
    summary = govuk_wtforms_errors(form, params or {})
    form_level = [{"text": message} for message in getattr(form, "form_errors", None) or []]
    fields = [item for item in summary["errorList"] if item.get("href") != "#"]
    summary["errorList"] = form_level + fields
    return summary
