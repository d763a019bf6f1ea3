"""Checkpoints: a signed statement of the log's head, kept away from the database, shows
that entries were deleted from the end of the log (which leaves a chain that verifies)."""

from __future__ import annotations

import json

import pytest

from tests.audit.support import delete_newest, entries, make_entries, plain_sha256, rewrite_chain

# Tampering goes straight to the database, on a connection of its own.
pytestmark = pytest.mark.committed


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["audit", *args])


@pytest.fixture
def checkpoint_file(tmp_path, cli):
    def take():
        path = tmp_path / "checkpoint.json"
        answer = cli("checkpoint", "--to", str(path))
        assert answer.exit_code == 0, answer.output
        return path

    return take


def test_a_checkpoint_states_the_head_and_is_signed(cli):
    make_entries(3)
    last = entries()[-1]
    answer = cli("checkpoint")
    assert answer.exit_code == 0
    checkpoint = json.loads(answer.output)
    assert checkpoint["count"] == 3
    assert checkpoint["last_id"] == last.id
    assert checkpoint["last_hash"] == last.entry_hash
    assert checkpoint["key_id"] == last.key_id
    assert len(checkpoint["signature"]) == 64
    assert checkpoint["taken_at"].endswith("+00:00")


def test_the_log_still_holding_the_checkpoints_head_verifies(cli, checkpoint_file):
    make_entries(3)
    path = checkpoint_file()
    make_entries(2, start=3)  # the log grows after the checkpoint
    answer = cli("verify", "--against", str(path))
    assert answer.exit_code == 0, answer.output
    assert "Audit log verified: 5 entries, chain intact" in answer.output
    assert f"entry {entries()[2].id} is still entry 3 of the log" in answer.output


def test_deleting_the_newest_entries_is_found_against_a_checkpoint(cli, checkpoint_file):
    make_entries(5)
    path = checkpoint_file()

    delete_newest(2)

    answer = cli("verify", "--against", str(path))
    assert answer.exit_code == 1
    assert "FAILED" in answer.output
    assert "fewer than the 5 at the checkpoint" in answer.output
    assert "entries were removed from the end" in answer.output


def test_deleting_the_newest_entries_and_writing_others_in_their_place_is_found(
    cli, checkpoint_file
):
    make_entries(5)
    path = checkpoint_file()
    delete_newest(2)
    make_entries(3, start=10)  # the log is as long as before, and longer
    answer = cli("verify", "--against", str(path))
    assert answer.exit_code == 1
    assert "is entry 5 of the log, where the checkpoint" in answer.output


def test_rewriting_the_whole_log_as_entries_from_before_keys_is_found(cli, checkpoint_file):
    make_entries(4)
    path = checkpoint_file()
    rewrite_chain(0, change={"action": "other"}, rehash=plain_sha256, clear_key_ids=True)
    answer = cli("verify", "--against", str(path))
    assert answer.exit_code == 1
    assert "is entry 4 of the log, where the checkpoint" in answer.output


def test_an_empty_log_can_be_checkpointed(cli, checkpoint_file):
    path = checkpoint_file()
    assert json.loads(path.read_text())["count"] == 0
    make_entries(2)
    assert cli("verify", "--against", str(path)).exit_code == 0
    assert cli("checkpoint", "--to", str(path)).exit_code == 0
    assert json.loads(path.read_text())["count"] == 2


@pytest.mark.parametrize(
    ("forgery", "message"),
    [
        (lambda c: {**c, "count": c["count"] - 2}, "signature does not match"),
        (lambda c: {**c, "last_hash": "0" * 64}, "signature does not match"),
        (lambda c: {**c, "signature": "0" * 64}, "signature does not match"),
        (lambda c: {**c, "key_id": "other"}, "not in AUDIT_KEYS"),
        (lambda c: {k: v for k, v in c.items() if k != "signature"}, "not a complete"),
        (lambda c: {**c, "format": "something else"}, "not a checkpoint"),
        (lambda c: "not json at all", "not a checkpoint"),
    ],
)
def test_a_forged_checkpoint_is_refused(cli, checkpoint_file, forgery, message):
    make_entries(5)
    path = checkpoint_file()
    forged = forgery(json.loads(path.read_text()))
    path.write_text(forged if isinstance(forged, str) else json.dumps(forged))
    answer = cli("verify", "--against", str(path))
    assert answer.exit_code == 2
    assert "checkpoint refused" in answer.output
    assert message in answer.output
    assert "verified" not in answer.output
