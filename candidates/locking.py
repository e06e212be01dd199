"""Database triggers that refuse any change to a certified (locked) election's result.

They guard every path, the UI, the admin, QuerySet.update() and raw SQL alike; the only way
through is the county's logged unlock, which clears elections_election.locked first.

Migrations call ``create_triggers`` and ``drop_triggers``. On SQLite a migration that rebuilds
elections_election (AddConstraint, AlterField…) must drop the triggers first and create them
again after, since SQLite checks the triggers' bodies when the rebuilt table is renamed.
"""

MESSAGE = "huanjie: the result of a certified election is locked"

ROUND_ELECTION = "(SELECT election_id FROM candidates_voteround WHERE id = {r}.round_id)"

# table -> SQL expression giving the election id of a row (r is NEW or OLD)
GUARDED = {
    "candidates_candidacy": "{r}.election_id",
    "candidates_voteround": "{r}.election_id",
    "candidates_voterexclusion": "{r}.election_id",
    "candidates_committeemember": "{r}.election_id",
    "candidates_ballotline": ROUND_ELECTION,
    "candidates_tallyentry": ROUND_ELECTION,
    "candidates_eligibilityreview": (
        "(SELECT election_id FROM candidates_candidacy WHERE id = {r}.candidacy_id)"
    ),
}


# Unlocking is allowed only after the county's unlock was recorded (certification service).
UNLOCK_RECORDED = (
    "EXISTS (SELECT 1 FROM candidates_certification c WHERE c.election_id = OLD.id "
    "AND c.action = 'unlock' AND (OLD.certified_at IS NULL OR c.at >= OLD.certified_at))"
)
UNLOCK_MESSAGE = "huanjie: a certified election is unlocked only with a recorded unlock"


def _locked(expression: str) -> str:
    # Built from the constants above only, never from input.
    return f"COALESCE((SELECT locked FROM elections_election WHERE id = {expression}), FALSE)"  # noqa: S608


def sqlite_statements() -> list[str]:
    statements = [
        "CREATE TRIGGER huanjie_lock_election_update BEFORE UPDATE ON elections_election "
        f"WHEN OLD.locked AND NEW.locked BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        "CREATE TRIGGER huanjie_lock_election_delete BEFORE DELETE ON elections_election "
        f"WHEN OLD.locked BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        "CREATE TRIGGER huanjie_lock_election_unlock BEFORE UPDATE ON elections_election "
        f"WHEN OLD.locked AND NOT NEW.locked AND NOT {UNLOCK_RECORDED} "
        f"BEGIN SELECT RAISE(ABORT, '{UNLOCK_MESSAGE}'); END",
    ]
    for table, election in GUARDED.items():
        new, old = election.format(r="NEW"), election.format(r="OLD")
        conditions = {
            "INSERT": _locked(new),
            "UPDATE": f"{_locked(new)} OR {_locked(old)}",
            "DELETE": _locked(old),
        }
        for event, condition in conditions.items():
            statements.append(
                f"CREATE TRIGGER huanjie_lock_{table}_{event.lower()} BEFORE {event} ON {table} "
                f"WHEN {condition} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
    return statements


def sqlite_drop() -> list[str]:
    names = [
        "huanjie_lock_election_update",
        "huanjie_lock_election_delete",
        "huanjie_lock_election_unlock",
    ]
    for table in GUARDED:
        names += [f"huanjie_lock_{table}_{e}" for e in ("insert", "update", "delete")]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in names]


def postgres_statements() -> list[str]:
    statements = [
        f"""CREATE OR REPLACE FUNCTION huanjie_lock_election() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'DELETE' AND OLD.locked THEN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF TG_OP = 'UPDATE' AND OLD.locked AND NEW.locked THEN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF TG_OP = 'UPDATE' AND OLD.locked AND NOT NEW.locked AND NOT {UNLOCK_RECORDED} THEN
                RAISE EXCEPTION '{UNLOCK_MESSAGE}'
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql""",
        "CREATE TRIGGER huanjie_lock_election BEFORE UPDATE OR DELETE ON elections_election "
        "FOR EACH ROW EXECUTE FUNCTION huanjie_lock_election()",
    ]
    # ENABLE ALWAYS: they fire even where a bulk import turns the per-row foreign-key
    # triggers off for its transaction (session_replication_role, sheets/streaming.py).
    # Statement-level triggers over transition tables: one set-based check per statement, so
    # a bulk import of 100,000 rows costs one query here, not 100,000 function calls.
    for table, election in GUARDED.items():
        for event, tables in STATEMENT_EVENTS.items():
            checks = " OR ".join(
                "EXISTS (SELECT 1 FROM elections_election e WHERE e.locked AND e.id IN "  # noqa: S608
                f"(SELECT {election.format(r='x')} FROM {rows} x))"
                for rows in tables
            )
            referencing = " ".join(
                f"{'OLD' if rows == 'old_rows' else 'NEW'} TABLE AS {rows}" for rows in tables
            )
            name = f"huanjie_lock_{table}_{event.lower()}"
            statements += [
                f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
                BEGIN
                    IF {checks} THEN
                        RAISE EXCEPTION '{MESSAGE}'
                            USING ERRCODE = 'integrity_constraint_violation';
                    END IF;
                    RETURN NULL;
                END $$ LANGUAGE plpgsql""",
                f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
            ]
    return statements + postgres_always()


STATEMENT_EVENTS = {
    "INSERT": ("new_rows",),
    "UPDATE": ("old_rows", "new_rows"),
    "DELETE": ("old_rows",),
}


def postgres_drop() -> list[str]:
    statements = [
        "DROP TRIGGER IF EXISTS huanjie_lock_election ON elections_election",
        "DROP FUNCTION IF EXISTS huanjie_lock_election()",
    ]
    for table in GUARDED:
        # The row-level names of migration 0002, then the statement-level ones.
        statements += [
            f"DROP TRIGGER IF EXISTS huanjie_lock_{table} ON {table}",
            f"DROP FUNCTION IF EXISTS huanjie_lock_{table}()",
        ]
        for event in STATEMENT_EVENTS:
            name = f"huanjie_lock_{table}_{event.lower()}"
            statements += [
                f"DROP TRIGGER IF EXISTS {name} ON {table}",
                f"DROP FUNCTION IF EXISTS {name}()",
            ]
    return statements


def postgres_always() -> list[str]:
    """Every lock trigger ENABLE ALWAYS (see postgres_statements)."""
    statements = ["ALTER TABLE elections_election ENABLE ALWAYS TRIGGER huanjie_lock_election"]
    for table in GUARDED:
        for event in STATEMENT_EVENTS:
            name = f"huanjie_lock_{table}_{event.lower()}"
            statements.append(f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name}")
    return statements


def enable_always(apps, schema_editor) -> None:
    """For databases whose triggers were made before they were ENABLE ALWAYS."""
    if schema_editor.connection.vendor == "postgresql":
        for statement in postgres_always():
            schema_editor.execute(statement)


STATEMENTS = {
    "sqlite": (sqlite_statements, sqlite_drop),
    "postgresql": (postgres_statements, postgres_drop),
}


def create_triggers(apps, schema_editor) -> None:
    forward, _ = STATEMENTS[schema_editor.connection.vendor]
    for statement in forward():
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor) -> None:
    _, backward = STATEMENTS[schema_editor.connection.vendor]
    for statement in backward():
        schema_editor.execute(statement)
