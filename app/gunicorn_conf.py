"""gunicorn's settings for the hub: ``gunicorn -c python:app.gunicorn_conf``.

Read from the environment when gunicorn starts:

* ``GUNICORN_BIND`` (default ``127.0.0.1:8000``): the address to listen on;
* ``WEB_CONCURRENCY`` (default 2): worker processes; ``GUNICORN_THREADS`` (default 1):
  threads in each; ``GUNICORN_TIMEOUT`` (default 30): seconds before a stuck worker is
  restarted.

The access log names the path without its query string (a search or a filter may hold a
name) and no referrer. gunicorn itself trusts no forwarded header from anyone: the app
applies ``X-Forwarded-For``, ``-Proto`` and ``-Host`` from exactly ``TRUSTED_PROXIES``
proxies (werkzeug's ProxyFix, set up in create_app), and nothing else reads them.
"""

import os

wsgi_app = "app.wsgi:app"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or 2)
threads = int(os.environ.get("GUNICORN_THREADS") or 1)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = timeout

accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

# Forwarded headers: none trusted here (see above); PROXY protocol: not accepted.
forwarded_allow_ips = ""
proxy_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}

# gunicorn 25+ opens a control socket in the home directory by default: not wanted.
control_socket_disable = True
