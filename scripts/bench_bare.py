"""The benchmark's reference page: a bare Flask app that reads the session, runs one small
query against the same database and renders a small template, served by gunicorn as the
hub is (``scripts/bench.py`` starts it). Its speed is the ceiling the hub's pages are
compared with."""

import os

from flask import Flask, render_template_string, session
from sqlalchemy import create_engine, text

app = Flask(__name__)
app.secret_key = os.environ.get("SECRET_KEY", "bench-reference-only")  # noqa: S105
engine = create_engine(os.environ["DATABASE_URL"], pool_pre_ping=False)

PAGE = """<!doctype html><html lang="en"><head><title>Bare page</title></head>
<body><h1>Hello {{ name }}</h1><p>Visits: {{ visits }}</p></body></html>"""


@app.get("/")
def bare():
    visits = session.get("visits", 0)
    with engine.connect() as connection:
        name = connection.execute(text("SELECT name FROM organisations LIMIT 1")).scalar()
    return render_template_string(PAGE, name=name, visits=visits)
