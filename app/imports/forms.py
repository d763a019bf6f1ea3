"""The historic-cases upload form."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import SubmitField

from app.forms import HubForm


class HistoricImportForm(HubForm):
    file = FileField(
        "Upload a file",
        widget=GovFileInput(),
        validators=[FileRequired(message="Select a CSV file")],
        description="A CSV file made from the template, saved as UTF-8",
    )
    check = SubmitField("Check the file (imports nothing)", widget=GovSubmitInput())
    submit = SubmitField("Import the cases", widget=GovSubmitInput())
