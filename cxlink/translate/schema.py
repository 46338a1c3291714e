"""The tables the translation step writes (schema `text`), shared with dbt and the tagging step.

`text.feedback_translations` is a contract: the dbt source `text.feedback_translations` and the
tagging asset read these columns by name. Add columns at the end; never rename one.
"""

SCHEMA = "text"
TRANSLATIONS_TABLE = f"{SCHEMA}.feedback_translations"
CACHE_TABLE = f"{SCHEMA}.translation_cache"
# What the previous run translated with that a stored row does not show (the language
# detector's candidate languages): key -> value. Internal; dbt does not read it.
STATE_TABLE = f"{SCHEMA}.translation_state"

STATUSES = ("translated", "already_english", "no_model", "empty", "failed")

# One row per response with a non-null comment.
TRANSLATIONS_COLUMNS: dict[str, str] = {
    "response_id": "varchar not null",
    "feedback_month": "date not null",
    # ISO 639-1, lower case; null when the row gave none and detection was not confident.
    "source_language": "varchar",
    # 'given' (the feedback row's `language`), 'detected' (offline detector) or 'none'.
    "language_source": "varchar not null",
    # The detector's probability for source_language; null when the language was given.
    "detection_confidence": "double",
    "original_text": "varchar",
    # English text: the translation, or the original for already_english / no_model / empty /
    # failed (so a reader never gets a null where there was text).
    "translated_text": "varchar",
    "status": "varchar not null",
    "model_name": "varchar",
    "model_version": "varchar",
    # When the translation was made (UTC); a cache hit keeps the time of the first translation.
    "translated_at": "timestamp not null",
    # Why a comment is no_model / failed / empty, in words.
    "detail": "varchar",
}

CACHE_COLUMNS: dict[str, str] = {
    "text_hash": "varchar not null",
    "source_language": "varchar not null",
    "model_name": "varchar not null",
    "model_version": "varchar not null",
    "translated_text": "varchar not null",
    "sentences": "integer not null",
    "translated_at": "timestamp not null",
}


def _ddl(table: str, columns: dict[str, str], primary_key: tuple[str, ...]) -> str:
    body = ",\n    ".join(f"{name} {kind}" for name, kind in columns.items())
    return f"create table if not exists {table} (\n    {body},\n    primary key ({', '.join(primary_key)})\n)"


def create_tables(con) -> None:
    """Create schema `text` and its tables if they do not exist (idempotent)."""
    con.execute(f"create schema if not exists {SCHEMA}")
    con.execute(_ddl(TRANSLATIONS_TABLE, TRANSLATIONS_COLUMNS, ("response_id",)))
    con.execute(
        _ddl(
            CACHE_TABLE,
            CACHE_COLUMNS,
            ("text_hash", "source_language", "model_name", "model_version"),
        )
    )
    con.execute(
        f"create table if not exists {STATE_TABLE} (key varchar primary key, value varchar)"
    )
