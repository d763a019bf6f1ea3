"""`pip install .` builds a wheel that carries the templates, the compiled assets and the
migrations; installed in a fresh virtual environment outside the checkout, the hub
migrates an empty database and gunicorn serves the sign-in page.

Slow (a wheel is built in an isolated environment, which fetches setuptools): marked
``slow``, so ``make test-fast`` leaves it out; ``make test`` and CI run it. The fresh
environment reaches the locked dependencies through a ``.pth`` file naming this one's
site-packages (so nothing is downloaded again), never the checkout: the test proves the
app it runs is the installed one. scripts/rehearsal.py installs everything from scratch.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.smtp import free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "instance")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of the checkout's sources (no stale build/ folder)."""
    source = tmp_path_factory.mktemp("source")
    shutil.copy(ROOT / "pyproject.toml", source)
    shutil.copytree(ROOT / "app", source / "app", ignore=IGNORED)
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", out, source],
        check=True,
        timeout=600,
    )
    [built] = out.glob("virtual_offender_hub-*.whl")
    return built


def _files(folder: Path) -> set[str]:
    return {
        path.relative_to(ROOT).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_the_wheel_carries_templates_assets_and_migrations(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("app/templates", "app/static", "app/migrations"):
        missing = _files(ROOT / folder) - names
        assert not missing, f"not in the wheel: {sorted(missing)[:5]}"
    assert not [name for name in names if name.startswith(("tests/", "migrations/"))]
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "hub = app.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed: its bin folder."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (site / "locked_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel],
        check=True,
        timeout=300,
    )
    return venv / "bin"


def _environment(tmp_path: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "DATABASE_URL", "CELERY_BROKER_URL", "VIRTUAL_ENV"}
    }
    return {
        **env,
        "HUB_ENV": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'hub.sqlite3'}",
        "NOTIFY_TRANSPORT": "console",
    }


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (a local URL)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_installed_it_migrates_and_gunicorn_serves_the_sign_in_page(installed, tmp_path):
    env = _environment(tmp_path)
    where = subprocess.run(
        [installed / "python", "-c", "import app; print(app.__file__)"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert where.startswith(str(installed.parent)), where  # not the checkout's app

    upgraded = subprocess.run(
        [installed / "hub", "db", "upgrade"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert upgraded.returncode == 0, upgraded.stderr

    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [installed / "python", "-m", "gunicorn", "-c", "python:app.gunicorn_conf"],
            cwd=tmp_path,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = _get(f"{base}/health/ready")
                break
            except OSError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        assert status == 200, body
        status, page = _get(f"{base}/sign-in?next=/cases/%3Fq%3DJordan")
        assert status == 200
        assert "Sign in" in page
        status, css = _get(f"{base}/assets/application.css")
        assert status == 200
        assert css
    finally:
        server.terminate()
        assert server.wait(timeout=30) == 0
    access = log.read_text()
    assert '"GET /sign-in HTTP/1.1" 200' in access
    assert "Jordan" not in access  # the access log leaves query strings out
