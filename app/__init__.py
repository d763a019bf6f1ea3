"""The virtual offender hub: create_app() wires extensions, blueprints, errors and commands."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from app import security
from app.config import load_config
from app.database import configure_sqlite
from app.extensions import cache, csrf, db, migrate
from app.log_format import configure_logging
from app.rate_limits import apply_view_limits, init_limiter

# Inside the package, so that an installed hub carries its migrations.
MIGRATIONS_DIRECTORY = str(Path(__file__).resolve().parent / "migrations")


def create_app(config: dict | None = None) -> Flask:
    # INSTANCE_PATH: where the default SQLite file lives. Flask's default is instance/ in a
    # checkout, or <venv>/var/app-instance for an installed hub.
    app = Flask(
        __name__,
        static_url_path="/assets",
        instance_relative_config=True,
        instance_path=os.environ.get("INSTANCE_PATH") or None,
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(load_config(app.instance_path, config))
    _configure_logging(app)
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from app import models  # noqa: F401  (the whole schema, for Alembic)

    _configure_templates(app)
    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    migrate.init_app(
        app, db, directory=MIGRATIONS_DIRECTORY, render_as_batch=True, compare_type=True
    )
    init_limiter(app)
    cache.init_app(app)
    security.init_security(app)
    from app.jobs.runner import init_jobs

    # Before the auth hook, so the first request of any kind starts the in-process schedule.
    init_jobs(app)
    from app.webhooks.capture import listen as watch_webhook_events

    watch_webhook_events()

    from app.auth.hooks import init_auth

    init_auth(app)
    # After init_auth, so an anonymous request is sent to sign in before its CSRF token is checked.
    csrf.init_app(app)
    _register_blueprints(app)

    from app.api import init_api

    init_api(app)
    # After every view is registered (pages and API), so no declared limit is missed.
    apply_view_limits(app)

    from app.web_errors import init_error_handlers

    init_error_handlers(app)

    from app.cli import register_commands

    register_commands(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from app import health
    from app.api import reference as api_reference
    from app.assessments import views as assessment_views
    from app.audit import views as audit_views
    from app.auth import admin_views
    from app.auth import views as auth_views
    from app.cases import views as case_views
    from app.consent import views as consent_views
    from app.contracts import views as contract_views
    from app.evidence import views as evidence_views
    from app.help import views as help_views
    from app.imports import views as import_views
    from app.notifications import views as notification_views
    from app.outcomes import views as outcome_views
    from app.partners import views as partner_views
    from app.referrals import views as referral_views
    from app.reports import views as report_views
    from app.retention import views as retention_views
    from app.search import views as search_views
    from app.subject_access import views as subject_access_views
    from app.tasks import views as task_views
    from app.victims import views as victim_views
    from app.webhooks import views as webhook_views

    for blueprint in (
        health.bp,
        api_reference.bp,
        help_views.bp,
        auth_views.bp,
        task_views.bp,
        search_views.bp,
        admin_views.bp,
        audit_views.bp,
        case_views.bp,
        consent_views.bp,
        contract_views.bp,
        assessment_views.bp,
        partner_views.bp,
        referral_views.bp,
        victim_views.bp,
        evidence_views.bp,
        outcome_views.bp,
        report_views.bp,
        import_views.bp,
        retention_views.bp,
        subject_access_views.bp,
        webhook_views.bp,
        notification_views.bp,
    ):
        app.register_blueprint(blueprint)


def _configure_templates(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("app"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    WTFormsHelpers(app)
    from app import template_helpers

    template_helpers.init_template_helpers(app)


def _configure_logging(app: Flask) -> None:
    if not app.testing:
        configure_logging(app.config["LOG_LEVEL"])
