"""Form fields shared by every feature, with GOV.UK error wording, and the one way a
service's errors are shown on a form."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import ClassVar

from flask_wtf import FlaskForm
from govuk_frontend_wtf.main import wtforms_errors as govuk_wtforms_errors
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovTextArea, GovTextInput
from wtforms import Field, Form, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, StopValidation

from app.dates import LONDON
from app.errors import DomainError
from app.schema_fields import EARLIEST_YEAR, LATEST_YEAR
from app.text import unstorable

PARTS = ("day", "month", "year")
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")
_NAMED_TIMES = {"midday": time(12, 0), "noon": time(12, 0), "midnight": time(0, 0)}
TIME_HINT = "For example, 2:30pm or 14:30"
NOT_A_TIME = "Enter a real time, like 2:30pm or 14:30"


def strip(value):
    """A filter: trim surrounding white space from text input."""
    return value.strip() if isinstance(value, str) else value


def field_name(label: str) -> str:
    """A field's name as an error message says it: the label without "(optional)"."""
    return label.replace("(optional)", "").strip()


def storable_text(form, field) -> None:
    """A validator: text no column can store (app.text.unstorable) is refused, with the
    GOV.UK message "<Field> must not contain a NUL character"."""
    problem = unstorable(field.data) if isinstance(field.data, str) else None
    if problem:
        raise StopValidation(f"{field_name(field.label.text)} must not contain {problem}")


class _StorableTextMeta:
    """Every text field of the form (StringField and its kinds: text areas, emails,
    passwords, searches) checks ``storable_text`` before its own validators."""

    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)  # type: ignore[misc]
        if isinstance(field, StringField):
            field.validators = [storable_text, *field.validators]
        return field


class HubForm(FlaskForm):
    """The base of every page's form: CSRF (FlaskForm) and ``storable_text`` on every
    text field."""

    class Meta(_StorableTextMeta):
        pass


class HubSubForm(Form):
    """The base of a form nested in another (``FormField``): ``storable_text`` too."""

    class Meta(_StorableTextMeta):
        pass


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
            return
        if not EARLIEST_YEAR <= self.data.year <= LATEST_YEAR:  # the API's years too
            self.data = None
            self._problem = f"{label} must be between {EARLIEST_YEAR} and {LATEST_YEAR}"

    def pre_validate(self, form):
        if self._problem:
            raise StopValidation(self._problem)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime("%d %m %Y") if self.data else ""


def parse_time(text: str | None) -> time | None:
    """'14:30', '2:30pm', '2pm', '2.30 PM', '09.15', 'midday' -> a time; None if it is
    not one ("14" alone is not: it could be a duration or a date)."""
    value = (text or "").strip().lower().replace("a.m.", "am").replace("p.m.", "pm")
    if value in _NAMED_TIMES:
        return _NAMED_TIMES[value]
    match = _TIME.match(value)
    if not match:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match.group(2) is None:
        return None
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


class GovukTimeField(Field):
    """The one time of day input of every form: accepts 14:30, 2:30pm, 2pm (and 09.15,
    midday). Empty gives ``None``; add ``DataRequired`` (with a message such as "Enter the
    time") to make it required. Anything else is refused with one GOV.UK message."""

    widget = GovTextInput()

    def __init__(self, label=None, validators=None, description=TIME_HINT, **kwargs):
        super().__init__(label, validators, description=description, **kwargs)
        self._problem: str | None = None

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "") or ""
        self.raw_data = [text.strip()]
        self.data = None
        self._problem = None
        if text.strip():
            self.data = parse_time(text)
            if self.data is None:
                self._problem = NOT_A_TIME

    def pre_validate(self, form):
        if self._problem:
            raise StopValidation(self._problem)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%H:%M") if self.data else ""


def london_moment(day: date, at: time) -> datetime:
    """A date and time of day in UK time, as a UTC timestamp."""
    return datetime.combine(day, at, tzinfo=LONDON).astimezone(UTC)


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


def form_version(raw) -> int:
    """The version a form's hidden field carried back (the one the person read). A missing
    or garbled one counts as stale (0): a post that lost it must not overwrite a change."""
    try:
        return int(raw)
    except (TypeError, ValueError):
        return 0
