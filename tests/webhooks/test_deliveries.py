"""Deliveries to a real receiver on 127.0.0.1: signed per Standard Webhooks, retried with
growing waits when the receiver fails, and never carrying anything about the person."""

from __future__ import annotations

import json
import socket
import threading
import uuid
from datetime import timedelta

import pytest

from app.evidence import attendance
from app.evidence import services as evidence_services
from app.extensions import db
from app.referrals import lifecycle, services
from app.webhooks import sender, signing
from app.webhooks.models import DeliveryStatus, EventType, WebhookEndpoint
from tests import factories
from tests.evidence import support as evidence
from tests.referrals import support as referrals
from tests.smtp import POLL_SECONDS
from tests.webhooks.receiver import Receiver
from tests.webhooks.support import deliveries, lead, register, run_jobs


def test_a_new_referral_reaches_the_receiver_signed(app, client, receiver):
    org = referrals.organisation()
    headers = referrals.headers_for(lead(org))
    registered = register(client, headers, receiver.url, ["referral.sent"])
    assert registered["secret"].startswith("whsec_")
    assert registered["events"] == ["referral.sent"]
    case = referrals.active_case()
    referrals.consent(case, org)

    referral = referrals.send(case, org)
    run_jobs(app)

    [request] = receiver.requests
    assert request.path == "/hooks"
    assert request.headers["content-type"] == "application/json"
    body = signing.verify(registered["secret"], request.body, request.headers)
    assert body["type"] == "referral.sent"
    assert body["data"] == {"object": "referral", "id": str(referral.id), "version": 1}
    assert body["timestamp"].endswith("Z")
    assert request.headers["webhook-id"] == str(deliveries()[0].id)
    assert request.headers["webhook-signature"].startswith("v1,")
    [delivery] = deliveries()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 1
    assert delivery.last_status_code == 204


def test_a_wrong_secret_or_a_changed_body_fails_the_check(app, client, receiver):
    org = referrals.organisation()
    registered = register(client, referrals.headers_for(lead(org)), receiver.url)
    case = referrals.active_case()
    referrals.consent(case, org)
    referrals.send(case, org)
    run_jobs(app)
    [request] = receiver.requests
    with pytest.raises(signing.WebhookVerificationError):
        signing.verify(signing.new_secret(), request.body, request.headers)
    with pytest.raises(signing.WebhookVerificationError):
        signing.verify(registered["secret"], request.body.replace(b"1", b"2"), request.headers)


def test_a_failing_receiver_gets_retries_with_growing_waits_then_succeeds(
    app, client, failing_receiver
):
    org = referrals.organisation()
    registered = register(client, referrals.headers_for(lead(org)), failing_receiver.url)
    case = referrals.active_case()
    referrals.consent(case, org)
    referrals.send(case, org)
    run_jobs(app)  # the first attempt: 500

    [delivery] = deliveries()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    first_wait = delivery.next_attempt_at - delivery.last_attempt_at
    assert first_wait == sender.retry_delay(1) == timedelta(minutes=1)
    # Not due yet: the sweep leaves it alone.
    assert sender.sweep(now=delivery.last_attempt_at + timedelta(seconds=30)) == (0, 0)
    assert sender.sweep(now=delivery.next_attempt_at) == (0, 1)  # 500 again

    [delivery] = deliveries()
    assert delivery.attempts == 2
    second_wait = delivery.next_attempt_at - delivery.last_attempt_at
    assert second_wait == timedelta(minutes=3) > first_wait
    assert sender.sweep(now=delivery.next_attempt_at) == (1, 0)  # 200

    [delivery] = deliveries()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 3, 200)
    bodies = {r.body for r in failing_receiver.requests}
    assert len(bodies) == 1  # every attempt carries the same body...
    assert len({r.headers["webhook-id"] for r in failing_receiver.requests}) == 1  # ...and id
    for request in failing_receiver.requests:
        signing.verify(registered["secret"], request.body, request.headers)


def test_a_receiver_that_never_answers_well_is_given_up_on_after_the_last_attempt(app, client):
    with Receiver(statuses=(503,)) as down:
        org = referrals.organisation()
        register(client, referrals.headers_for(lead(org)), down.url)
        case = referrals.active_case()
        referrals.consent(case, org)
        referrals.send(case, org)
        run_jobs(app)
        for _ in range(sender.MAX_ATTEMPTS + 2):
            [delivery] = deliveries()
            sender.sweep(now=delivery.next_attempt_at)
    [delivery] = deliveries()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == sender.MAX_ATTEMPTS
    assert len(down.requests) == sender.MAX_ATTEMPTS
    assert delivery.last_status_code == 503


def test_no_answer_at_all_is_a_failed_attempt_too(app, client):
    with Receiver() as gone:
        url = gone.url
    org = referrals.organisation()
    register(client, referrals.headers_for(lead(org)), url)
    case = referrals.active_case()
    referrals.consent(case, org)
    referrals.send(case, org)
    run_jobs(app)
    [delivery] = deliveries()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert delivery.last_status_code is None
    assert delivery.last_error == "ConnectionError"


PERSONAL = (
    "Zebedee",
    "Quarrington",
    "Marigold Crescent",
    "ZQ9 8XY",
    "zebedee@example.org",
    "07700 900999",
    "CR/77777/26",
    "settled accommodation near Marigold",
    "prefers mornings",
    "He seemed well today",
    "Marigold Clinic",
)


def test_nothing_about_the_person_is_ever_in_a_delivery(app, client, receiver):
    world = evidence.World.build()
    keyworker, org = world.keyworker, world.org
    register(client, referrals.headers_for(lead(org)), receiver.url, [e.value for e in EventType])
    case = factories.case(
        keyworker,
        crime_reference="CR/77777/26",
        person_fields={
            "given_name": "Zebedee",
            "family_name": "Quarrington-Vole",
            "address": "17 Marigold Crescent",
            "postcode": "ZQ9 8XY",
            "email": "zebedee@example.org",
            "phone": "07700 900999",
        },
    )
    factories.contract(case)
    consent = referrals.consent(case, org)
    db.session.refresh(case)
    referral = referrals.send(
        case,
        org,
        keyworker,
        need="Help with settled accommodation near Marigold",
        message="He prefers mornings",
    )
    partner = world.partner
    lifecycle.transition(partner, referral.id, "acknowledged")
    services.post_update(partner, referral.id, "He seemed well today")
    appointment = evidence_services.book_appointment(
        partner,
        referral.id,
        starts_at=evidence.past(),
        mode="in_person",
        location="Marigold Clinic",
    )
    attendance.record_attendance(
        partner, appointment.id, attendance.AttendanceAnswer(status="attended")
    )
    referrals.withdraw(consent, keyworker)
    run_jobs(app)

    types = sorted(json.loads(r.body)["type"] for r in receiver.requests)
    assert types == [
        "appointment.changed",
        "appointment.changed",
        "referral.on_hold",
        "referral.sent",
        "referral.updated",
        "referral.updated",
    ]
    for request in receiver.requests:
        seen = request.body.decode() + json.dumps(request.headers) + request.path
        for personal in PERSONAL:
            assert personal.lower() not in seen.lower()
        assert set(json.loads(request.body)) == {"type", "timestamp", "data"}
        assert set(json.loads(request.body)["data"]) == {"object", "id", "version"}


def test_the_documented_verifier_accepts_a_real_delivery_and_refuses_a_forged_one(
    app, client, receiver
):
    document = client.get("/api/v1/openapi.json").get_json()
    assert set(document["x-webhooks"]["events"]) == {e.value for e in EventType}
    assert "WebhookEvent" in document["components"]["schemas"]
    assert "## Webhook deliveries" in document["info"]["description"]
    source = document["x-webhooks"]["verifier"]["source"]
    reference = client.get("/api-docs").get_data(as_text=True)
    assert 'id="webhook-deliveries"' in reference
    assert "verify_by_hand" in reference

    org = referrals.organisation()
    registered = register(client, referrals.headers_for(lead(org)), receiver.url)
    case = referrals.active_case()
    referrals.consent(case, org)
    referrals.send(case, org)
    run_jobs(app)
    [request] = receiver.requests

    example = {}
    exec(source.replace("whsec_...", registered["secret"]), example)  # noqa: S102 (our own docs)
    assert example["receive"](request.body, request.headers)["type"] == "referral.sent"
    assert example["verify_by_hand"](registered["secret"], request.body, request.headers)
    forged = request.body.replace(b"referral.sent", b"referral.cancelled")
    assert not example["verify_by_hand"](registered["secret"], forged, request.headers)
    with pytest.raises(example["WebhookVerificationError"]):
        example["receive"](forged, request.headers)


def test_an_address_inside_the_hubs_network_is_checked_again_before_each_attempt(
    app, client, receiver
):
    """Registered while allowed (127.0.0.1 outside production), the endpoint is refused
    when the delivery is attempted in production: what a name resolves to is checked at
    send time too, not only when the URL was registered."""
    org = referrals.organisation()
    register(client, referrals.headers_for(lead(org)), receiver.url, ["referral.sent"])
    case = referrals.active_case()
    referrals.consent(case, org)
    app.config["HUB_ENV"] = "production"

    referrals.send(case, org)
    run_jobs(app)

    assert receiver.requests == []
    [delivery] = deliveries()
    assert delivery.last_error == sender.INTERNAL_ADDRESS
    assert delivery.last_status_code is None
    assert delivery.status != DeliveryStatus.DELIVERED.value


def test_a_name_that_changes_to_an_internal_address_between_the_check_and_the_connection(
    app, client, receiver, monkeypatch
):
    """DNS rebinding: the name resolves to a public address when it is checked, then to
    the hub's own network when the connection is made. The attempt connects only to the
    address it checked, so it is refused and nothing reaches the internal receiver."""
    org = referrals.organisation()
    registered = register(client, referrals.headers_for(lead(org)), receiver.url, ["referral.sent"])
    port = receiver.url.split(":")[2].split("/")[0]
    endpoint = db.session.get(WebhookEndpoint, uuid.UUID(registered["id"]))
    endpoint.url = f"http://rebinding.partner.example:{port}/hooks"
    db.session.commit()
    real_getaddrinfo = socket.getaddrinfo
    answers = iter(["93.184.216.34"])  # public, once; then the hub's own loopback

    def rebinding(host, port, *args, **kwargs):
        if host != "rebinding.partner.example":
            return real_getaddrinfo(host, port, *args, **kwargs)
        address = next(answers, "127.0.0.1")
        return real_getaddrinfo(address, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    app.config["HUB_ENV"] = "production"
    case = referrals.active_case()
    referrals.consent(case, org)

    referrals.send(case, org)
    run_jobs(app)

    assert next(answers, None) is None, "the name was not checked before the attempt"
    assert receiver.requests == []
    [delivery] = deliveries()
    assert delivery.last_error == sender.INTERNAL_ADDRESS
    assert delivery.status != DeliveryStatus.DELIVERED.value


def _certificate(tmp_path, name: str):
    """A self-signed certificate (and its key) for the DNS name ``name``: (cert, key) paths."""
    from datetime import UTC, datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=1))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.mark.parametrize(("served_as", "answered"), [("partner.test", 204), ("other.test", None)])
def test_a_pinned_connection_still_checks_the_certificate_against_the_name(
    app, tmp_path, monkeypatch, served_as, answered
):
    """Connected to the address it checked, the delivery's TLS is still verified against
    the URL's host name: a certificate for that name is accepted, another name's refused.
    (The name is made to resolve to loopback here and allowed, for this test only.)"""
    import ssl
    from http.server import ThreadingHTTPServer

    import requests

    from app.webhooks import destinations

    cert_path, key_path = _certificate(tmp_path, served_as)
    receiver = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), receiver.server.RequestHandlerClass)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(POLL_SECONDS,), daemon=True)
    thread.start()
    real_getaddrinfo = socket.getaddrinfo

    def partner_on_loopback(host, port, *args, **kwargs):
        return real_getaddrinfo(
            "127.0.0.1" if host == "partner.test" else host, port, *args, **kwargs
        )

    monkeypatch.setattr(socket, "getaddrinfo", partner_on_loopback)
    monkeypatch.setattr(destinations, "_allowed_locally", lambda hostname: True)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert_path))
    url = f"https://partner.test:{server.server_address[1]}/hooks"
    try:
        if answered is None:
            with pytest.raises(requests.exceptions.SSLError):
                sender.post(url, "{}", {})
        else:
            assert sender.post(url, "{}", {}) == answered
    finally:
        server.shutdown()
        server.server_close()
        receiver.server.server_close()  # only its request handler was used
    assert len(receiver.requests) == (1 if answered else 0)
