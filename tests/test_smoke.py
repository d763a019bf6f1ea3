from urllib.parse import parse_qs, urlsplit

from cryptography.fernet import Fernet

from tests import factories
from tests.factories import PASSWORD, next_code
from tests.helpers import assert_landed_on, post_form, sign_in


def test_keyworker_signs_in_and_lands_on_their_tasks(client):
    user = factories.user("keyworker")
    sign_in(client, user)
    response = client.get("/", follow_redirects=True)
    assert_landed_on(response, "/tasks/")
    assert "Your tasks" in response.get_data(as_text=True)


def test_after_sign_in_the_person_returns_to_the_page_they_asked_for(client):
    admin = factories.user("admin")
    location = client.get("/audit/?page=2").headers["Location"]
    assert urlsplit(location).path == "/sign-in"
    next_path = parse_qs(urlsplit(location).query)["next"][0]
    assert next_path == "/audit/?page=2"
    post_form(client, location, {"email": admin.email, "password": PASSWORD})
    response = post_form(client, "/sign-in/code", {"code": next_code(admin)})
    assert response.headers["Location"] == "/audit/?page=2"


def test_sign_in_never_sends_the_person_to_another_site(app):
    from app.auth.views import _safe_next

    for target in ["//evil.example", "https://evil.example", "/\\evil.example", "/\tx", "cases"]:
        assert _safe_next(target) is None, target
    assert _safe_next("/cases/?page=2") == "/cases/?page=2"


def test_production_always_uses_secure_cookies(tmp_path, monkeypatch):
    from app.config import load_config

    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    config = load_config(
        str(tmp_path),
        {
            "HUB_ENV": "production",
            "SECRET_KEY": "x" * 40,
            "AUDIT_KEYS": "k1:" + "y" * 40,
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://hub@db/hub",
            "TOTP_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "NOTIFY_TRANSPORT": "smtp",
            "BASE_URL": "https://hub.example.police.uk",
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/1",
        },
    )
    assert config["SESSION_COOKIE_SECURE"] is True
