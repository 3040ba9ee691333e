"""Settings read from the environment, checked in fresh processes."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

MANAGE = [sys.executable, str(settings.BASE_DIR / "manage.py")]


def run_manage(*args, **env):
    # The browser tests' async escape hatch is theirs alone; a deployment never has it.
    dropped = {"SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    full_env = {k: v for k, v in os.environ.items() if k not in dropped}
    full_env.update(env)
    return subprocess.run(
        [*MANAGE, *args], env=full_env, capture_output=True, text=True, timeout=60, check=False
    )


def test_production_refuses_to_start_without_a_secret():
    result = run_manage("check", DEBUG="0", ALLOWED_HOSTS="news.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_refuses_a_short_secret():
    result = run_manage("check", DEBUG="0", SECRET_KEY="short", ALLOWED_HOSTS="news.example.org")
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


def test_check_deploy_reports_nothing_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="news.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_development_defaults_are_local_only():
    result = run_manage(
        "shell", "-c", "from django.conf import settings; print(settings.ALLOWED_HOSTS)"
    )
    assert result.returncode == 0, result.stderr
    assert "localhost" in result.stdout
    assert "*" not in result.stdout


def test_database_url_selects_the_database():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])",
        DATABASE_URL="postgres://someone@db.example.org:5432/newsdesk",
    )
    assert result.stdout.strip().splitlines()[-1] == "django.db.backends.postgresql"
