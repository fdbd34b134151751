"""The database and its two roles, for `make run` and `make test` (called by setup.sh).

Connects with DATABASE_URL (an administrator of the server, e.g. the superuser that a
fresh install or the environment gives) and makes, when missing:

- ``<db>_owner``: owns the database and every table; runs migrations and the tests
  (CREATEDB, because pytest-django creates and drops the test database). No superuser.
- ``<db>_app``: what the portal runs as (web, worker, beat). Rights are granted by the
  owner after every migrate (portal/services/database_grants.py): DML on the tables,
  only INSERT and SELECT on the audit table.
- ``<db>_postgis_template``: a template database with PostGIS installed, from which the
  owner (who may not install extensions) creates the test database.

Passwords are generated once and kept in .run/ (a server with trust authentication, as
on a developer's machine, ignores them). Prints the lines .run/env needs. With an
administrator that may not create roles, keeps the single role it was given and says so.
Role names are per database, so several checkouts may share one server.
"""

import os
import secrets
import sys
import urllib.parse
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

RUN = Path(__file__).resolve().parent.parent / ".run"
MAX_NAME = 63  # PostgreSQL identifiers


def log(message: str) -> None:
    print(f"\033[1;34m==>\033[0m {message}", file=sys.stderr)


def password_for(role_kind: str) -> str:
    path = RUN / f"db-{role_kind}-password"
    if not path.exists() or not path.read_text().strip():
        path.write_text(secrets.token_urlsafe(24) + "\n")
        path.chmod(0o600)
    return path.read_text().strip()


def url_for(admin: urllib.parse.SplitResult, user: str, password: str, dbname: str) -> str:
    credentials = f"{urllib.parse.quote(user, safe='')}:{urllib.parse.quote(password, safe='')}"
    netloc = f"{credentials}@{admin.hostname or '127.0.0.1'}:{admin.port or 5432}"
    return urllib.parse.urlunsplit(
        (admin.scheme, netloc, f"/{dbname}", admin.query, admin.fragment)
    )


def role_ensure(conn: psycopg.Connection[Any], role: str, password: str, options: str) -> None:
    exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone()
    verb = "ALTER" if exists else "CREATE"
    conn.execute(
        sql.SQL("{} ROLE {} WITH " + options + " PASSWORD {}").format(
            sql.SQL(verb), sql.Identifier(role), sql.Literal(password)
        )
    )


def database_ensure(conn: psycopg.Connection[Any], name: str, owner: str) -> None:
    if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        conn.execute(
            sql.SQL("ALTER DATABASE {} OWNER TO {}").format(
                sql.Identifier(name), sql.Identifier(owner)
            )
        )
    else:
        conn.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(name), sql.Identifier(owner)
            )
        )


# Tables, views and sequences of the schema that an earlier `make run` created as the
# administrator, but not PostGIS's own (extension members) nor sequences that belong to a
# column (they follow their table).
FOREIGN_RELATIONS = """
SELECT c.oid::regclass::text, c.relkind FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  AND pg_get_userbyid(c.relowner) <> %(owner)s
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = c.oid AND d.deptype = 'e')
  AND NOT (c.relkind = 'S' AND EXISTS (
      SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
      AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')))
"""
FOREIGN_FUNCTIONS = """
SELECT p.oid::regprocedure::text FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> %(owner)s
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                  AND d.objid = p.oid AND d.deptype = 'e')
"""
ALTER_BY_KIND = {
    "r": "TABLE",
    "p": "TABLE",
    "f": "FOREIGN TABLE",
    "v": "VIEW",
    "m": "MATERIALIZED VIEW",
    "S": "SEQUENCE",
}


def ownership_transfer(conn: psycopg.Connection[Any], owner: str) -> int:
    """Give the owner role what the administrator created here before the roles existed."""
    moved = 0
    for name, kind in conn.execute(FOREIGN_RELATIONS, {"owner": owner}).fetchall():
        conn.execute(
            sql.SQL("ALTER {} {} OWNER TO {}").format(
                sql.SQL(ALTER_BY_KIND[kind]), sql.SQL(name), sql.Identifier(owner)
            )
        )
        moved += 1
    for (signature,) in conn.execute(FOREIGN_FUNCTIONS, {"owner": owner}).fetchall():
        conn.execute(
            sql.SQL("ALTER FUNCTION {} OWNER TO {}").format(
                sql.SQL(signature), sql.Identifier(owner)
            )
        )
        moved += 1
    return moved


def schema_prepare(conninfo: dict[str, Any], dbname: str, owner: str) -> int:
    with psycopg.connect(dbname=dbname, autocommit=True, **conninfo) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        # Before PostgreSQL 15 every role may create tables in public: only the owner may.
        conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        conn.execute(sql.SQL("ALTER SCHEMA public OWNER TO {}").format(sql.Identifier(owner)))
        return ownership_transfer(conn, owner)


def main() -> None:
    admin = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    name = admin.path.lstrip("/") or "portal"
    conninfo: dict[str, Any] = {
        "host": admin.hostname or "127.0.0.1",
        "port": admin.port or 5432,
        "user": urllib.parse.unquote(admin.username or "postgres"),
        "password": urllib.parse.unquote(admin.password or "") or None,
    }
    RUN.mkdir(exist_ok=True)
    with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as conn:
        may_create_roles = conn.execute(
            "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        if not (may_create_roles and may_create_roles[0]):
            log(f"{conninfo['user']} may not create roles: the portal runs as that one role")
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            with psycopg.connect(dbname=name, autocommit=True, **conninfo) as db:
                db.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            url = os.environ["DATABASE_URL"]
            print(f"export DATABASE_OWNER_URL='{url}'\nexport DATABASE_APP_URL='{url}'")
            print("export DATABASE_RUNTIME_ROLE=''\nexport DATABASE_TEST_TEMPLATE=''")
            return
        base = name[: MAX_NAME - len("_postgis_template")]
        owner, app, template = f"{base}_owner", f"{base}_app", f"{base}_postgis_template"
        owner_password, app_password = password_for("owner"), password_for("app")
        role_ensure(conn, owner, owner_password, "LOGIN NOSUPERUSER CREATEDB NOCREATEROLE")
        role_ensure(conn, app, app_password, "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE")
        database_ensure(conn, name, owner)
        database_ensure(conn, template, owner)
        conn.execute(sql.SQL("ALTER DATABASE {} IS_TEMPLATE true").format(sql.Identifier(template)))
        # A test database left by a run as the administrator: the owner must drop it.
        test_name = f"test_{name}"
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [test_name]).fetchone():
            database_ensure(conn, test_name, owner)
    moved = schema_prepare(conninfo, name, owner)
    schema_prepare(conninfo, template, owner)
    log(f"Database roles: {owner} (migrations, tests) and {app} (the portal)")
    if moved:
        log(f"{moved} tables, views, sequences and functions handed over to {owner}")
    print(f"export DATABASE_OWNER_URL='{url_for(admin, owner, owner_password, name)}'")
    print(f"export DATABASE_APP_URL='{url_for(admin, app, app_password, name)}'")
    print(f"export DATABASE_RUNTIME_ROLE='{app}'")
    print(f"export DATABASE_TEST_TEMPLATE='{template}'")


if __name__ == "__main__":
    main()
