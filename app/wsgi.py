"""The WSGI entry point for a production server: ``app.wsgi:app``.

``gunicorn -c python:app.gunicorn_conf`` serves it with the settings in app/gunicorn_conf.py.
"""

from app import create_app

app = create_app()
