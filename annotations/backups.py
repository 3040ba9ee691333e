"""Backing the database up to one file and restoring it: ``pg_dump -Fc`` and
``pg_restore --clean --if-exists`` on PostgreSQL (the password passed in ``PGPASSWORD``,
never on the command line), SQLite's online backup API on SQLite. Used by the ``backup``
and ``restore`` commands."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    pass


def _pg_arguments(settings_dict) -> tuple[list[str], dict[str, str]]:
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt install postgresql-client).")
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def backup(path: Path, alias: str = "default") -> None:
    """Write the whole database to ``path``, replacing it only once the copy is complete."""
    connection = connections[alias]
    partial = path.with_name(path.name + ".partial")
    if connection.vendor == "postgresql":
        args, env = _pg_arguments(connection.settings_dict)
        database = connection.settings_dict["NAME"]
        _run(["pg_dump", "--format=custom", *args, f"--file={partial}", database], env)
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        partial.unlink(missing_ok=True)
        target = sqlite3.connect(partial)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
    partial.replace(path)


def restore(path: Path, alias: str = "default") -> None:
    """Replace every table in the database with the backup in ``path``, all or nothing."""
    if not path.is_file():
        raise BackupError(f"There is no backup at {path}.")
    connection = connections[alias]
    if connection.vendor == "postgresql":
        args, env = _pg_arguments(connection.settings_dict)
        database = connection.settings_dict["NAME"]
        connection.close()
        _run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
             "--exit-on-error", *args, f"--dbname={database}", str(path)],
            env,
        )  # fmt: skip
    elif connection.vendor == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} is damaged.")
            connection.ensure_connection()
            source.backup(connection.connection)
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path} is not an SQLite backup: {exc}") from exc
        finally:
            source.close()
    else:
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
