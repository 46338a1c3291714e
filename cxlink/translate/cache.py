"""The translation cache: (text hash, source language, package name, package version) ->
translation, in a DuckDB table (`text.translation_cache`) next to the results.

A rerun, or a new comment whose normalized text was seen before in the same language, costs
one lookup; installing a new package version changes the key, so only that language is
translated again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa

from cxlink.translate.schema import CACHE_TABLE, create_tables


@dataclass(frozen=True)
class CacheKey:
    text_hash: str
    source_language: str
    model_name: str
    model_version: str


@dataclass(frozen=True)
class CachedTranslation:
    translated_text: str
    sentences: int
    translated_at: datetime


class DuckDBTranslationCache:
    def __init__(self, con, table: str = CACHE_TABLE):
        self.con = con
        self.table = table
        create_tables(con)

    def get_many(self, keys: Iterable[CacheKey]) -> dict[CacheKey, CachedTranslation]:
        keys = list(dict.fromkeys(keys))
        if not keys:
            return {}
        wanted = pa.table(
            {
                "text_hash": [k.text_hash for k in keys],
                "source_language": [k.source_language for k in keys],
                "model_name": [k.model_name for k in keys],
                "model_version": [k.model_version for k in keys],
            }
        )
        self.con.register("_cache_wanted", wanted)
        try:
            rows = self.con.execute(
                f"""
                select c.text_hash, c.source_language, c.model_name, c.model_version,
                       c.translated_text, c.sentences, c.translated_at
                from {self.table} as c
                inner join _cache_wanted as w using (text_hash, source_language, model_name, model_version)
                """
            ).fetchall()
        finally:
            self.con.unregister("_cache_wanted")
        return {
            CacheKey(h, lang, name, version): CachedTranslation(text, n, at)
            for h, lang, name, version, text, n, at in rows
        }

    def put_many(self, entries: dict[CacheKey, CachedTranslation]) -> int:
        if not entries:
            return 0
        keys = list(entries)
        values = [entries[k] for k in keys]
        batch = pa.table(
            {
                "text_hash": [k.text_hash for k in keys],
                "source_language": [k.source_language for k in keys],
                "model_name": [k.model_name for k in keys],
                "model_version": [k.model_version for k in keys],
                "translated_text": [v.translated_text for v in values],
                "sentences": pa.array([v.sentences for v in values], pa.int32()),
                "translated_at": pa.array([v.translated_at for v in values], pa.timestamp("us")),
            }
        )
        self.con.register("_cache_new", batch)
        try:
            self.con.execute(f"insert or replace into {self.table} select * from _cache_new")
        finally:
            self.con.unregister("_cache_new")
        return len(entries)

    def count(self) -> int:
        return self.con.execute(f"select count(*) from {self.table}").fetchone()[0]
