"""A partner user's email preferences: which referral emails they receive (all, unless
they turn some off). Stored per user and audited (app.notifications.preferences)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput
from wtforms import SelectChoice, SelectMultipleField, SubmitField, ValidationError

from app.auth.permissions import roles_required
from app.auth.roles import Role
from app.forms import HubForm
from app.notifications import preferences
from app.referrals.messages import PARTNER_CHOICES

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


class PreferencesForm(HubForm):
    kinds = SelectMultipleField(
        "Email me when",
        widget=GovCheckboxesInput(),
        description="Select all that apply. The emails say only what happened and link to "
        "the referral: you sign in to read it",
        choices=[SelectChoice(kind, label) for kind, label in PARTNER_CHOICES.items()],
        validate_choice=False,  # checked below, with wording of our own
    )
    submit = SubmitField("Save preferences", widget=GovSubmitInput())

    def validate_kinds(self, field) -> None:
        if any(kind not in PARTNER_CHOICES for kind in field.data or []):
            raise ValidationError("Select only emails from the list")


@bp.route("/preferences", methods=["GET", "POST"])
@roles_required(Role.PARTNER)
def edit_preferences():
    form = PreferencesForm()
    if form.validate_on_submit():
        chosen = set(form.kinds.data or [])
        changed = preferences.save(current_user, {k: k in chosen for k in PARTNER_CHOICES})
        flash("Email preferences saved" if changed else "Nothing changed", "success")
        return redirect(url_for("notifications.edit_preferences"))
    if not form.is_submitted():
        current = preferences.chosen(current_user, PARTNER_CHOICES)
        form.kinds.data = [kind for kind, on in current.items() if on]
    return render_template("notifications/preferences.html", form=form), (
        400 if form.errors else 200
    )
