"""The name key search compares (app.text.search_key), kept on every person, and filled
in by the migration for the people recorded before it."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app.extensions import db
from app.text import search_key
from tests import factories
from tests.conftest import make_app
from tests.test_migrations import scratch_database_url  # noqa: F401  (a fixture)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Zoë O’Brien-Núñez", "zoe obrien nunez"),
        ("  SØREN   Kierkegaard ", "soren kierkegaard"),
        ("Straße", "strasse"),
        ("Łukasz Żółć", "lukasz zolc"),
        ("Æsa Œdipa", "aesa oedipa"),
        ("D'Arcy-Smith", "darcy smith"),
        ("ﬁona", "fiona"),
        ("100%_", "100"),
        ("", ""),
    ],
)
def test_the_search_key(name, key):
    assert search_key(name) == key


def test_every_person_keeps_their_key(app):
    case = factories.case(person_fields={"given_name": "José", "family_name": "Álvarez"})
    assert case.person.search_name == "jose alvarez"
    case.person.given_name = "Joséphine"
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(type(case.person), case.person.id).search_name == "josephine alvarez"


def test_the_migration_fills_in_the_key_of_people_already_recorded(scratch_database_url):  # noqa: F811
    app = make_app(scratch_database_url)
    with app.app_context():
        upgrade(revision="6c1e0b7a9d42")  # before the search key
        person_id = uuid.uuid4()
        people = sa.table(
            "people",
            sa.column("id", sa.Uuid()),
            sa.column("given_name", sa.String()),
            sa.column("family_name", sa.String()),
            sa.column("date_of_birth", sa.Date()),
            sa.column("lives_in_force_area", sa.Boolean()),
            sa.column("created_at", sa.DateTime(timezone=True)),
        )
        with db.engine.begin() as connection:
            connection.execute(
                people.insert().values(
                    id=person_id,
                    given_name="Renée",
                    family_name="O'Connor",
                    date_of_birth=date(1990, 1, 2),
                    lives_in_force_area=True,
                    created_at=sa.func.now(),
                )
            )
        upgrade()
        with db.engine.connect() as connection:
            key = connection.execute(
                sa.text("SELECT search_name FROM people WHERE id = :id"),
                {"id": person_id.hex if db.engine.dialect.name == "sqlite" else person_id},
            ).scalar_one()
        db.engine.dispose()
    assert key == "renee oconnor"
