"""Comments in, one translation row per comment out: language, status, cache, batching.

Pure Python (no Dagster): the asset in orchestration/assets/translation.py reads the comments
from the warehouse, calls `TranslationPipeline.run`, and writes the rows.

Per comment, in order:
1. normalize the text (text.normalize); nothing with a letter left -> `empty`;
2. source language = the row's `language` if given (`given`), else the offline detector's
   (`detected`), else undetermined (`none`);
3. English -> `already_english`; no language, or no installed package for it -> `no_model`
   (the text is kept as it is; the metadata says which package files to supply);
4. otherwise the cache is asked (text hash, language, package name, version); what it lacks is
   translated in one batched pass per language and added to the cache -> `translated`;
5. anything that goes wrong with one comment (over the length limit, a model error) makes that
   comment `failed` with the reason in `detail`; the rest of the batch goes on.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from cxlink.sentences import split_sentences
from cxlink.translate.cache import CachedTranslation, CacheKey, DuckDBTranslationCache
from cxlink.translate.detect import LanguageDetector
from cxlink.translate.engine import EngineSettings, EngineStats, PackageTranslator
from cxlink.translate.packages import InstalledPackage
from cxlink.translate.text import has_letters, normalize, split_paragraphs, text_hash

ENGLISH = "en"
DEFAULT_MAX_CHARS = 20_000
# How many distinct texts go to the engine per call (bounds memory; progress is logged per call).
CHUNK_TEXTS = 5_000
_LANGUAGE_CODE = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]+)*$")


@dataclass(frozen=True)
class Comment:
    response_id: str
    feedback_month: date
    text: str | None
    language: str | None = None


@dataclass(frozen=True)
class TranslationRow:
    response_id: str
    feedback_month: date
    source_language: str | None
    language_source: str
    detection_confidence: float | None
    original_text: str | None
    translated_text: str | None
    status: str
    model_name: str | None
    model_version: str | None
    translated_at: datetime
    detail: str | None = None


@dataclass
class RunStats:
    by_status_language: Counter = field(default_factory=Counter)  # (status, language|'') -> n
    language_sources: Counter = field(default_factory=Counter)
    no_model_languages: Counter = field(default_factory=Counter)  # '' = undetermined
    cache_hits: int = 0
    texts_translated: int = 0  # distinct texts sent to a model
    engine: EngineStats = field(default_factory=EngineStats)
    failures: list[str] = field(default_factory=list)  # first few, "<response_id>: <reason>"

    @property
    def by_status(self) -> Counter:
        out: Counter = Counter()
        for (status, _), n in self.by_status_language.items():
            out[status] += n
        return out

    @property
    def sentences_per_second(self) -> float:
        return self.engine.sentences_per_second


def given_language(value: str | None) -> str | None:
    """ISO 639 code from the row's `language` ("pt-BR" -> "pt"); None if blank or not a code."""
    if value is None:
        return None
    match = _LANGUAGE_CODE.match(value.strip().lower())
    return match.group(1) if match else None


def count_sentences(text: str) -> int:
    return sum(len(split_sentences(p)) for p in split_paragraphs(text))


class TranslationPipeline:
    def __init__(
        self,
        packages: Mapping[str, InstalledPackage],
        cache: DuckDBTranslationCache,
        *,
        engine_settings: EngineSettings | None = None,
        detector: LanguageDetector | None = None,
        max_chars: int = DEFAULT_MAX_CHARS,
        log: Callable[[str], None] | None = None,
        clock: Callable[[], datetime] | None = None,
    ):
        self.packages = dict(packages)
        self.cache = cache
        self.engine_settings = engine_settings or EngineSettings()
        self.detector = detector or LanguageDetector()
        self.max_chars = max_chars
        self.log = log or (lambda message: None)
        self.clock = clock or (lambda: datetime.now(UTC).replace(tzinfo=None))
        self._translators: dict[str, PackageTranslator] = {}

    def translator(self, package: InstalledPackage) -> PackageTranslator:
        key = f"{package.path}"
        if key not in self._translators:
            self._translators[key] = PackageTranslator(package, self.engine_settings)
        return self._translators[key]

    def run(self, comments: Iterable[Comment]) -> tuple[list[TranslationRow], RunStats]:
        stats = RunStats()
        now = self.clock()
        rows: dict[int, TranslationRow] = {}
        # language -> [(row index, comment, normalized text, language_source, confidence)]
        pending: dict[str, list[tuple[int, Comment, str, str, float | None]]] = {}
        comments = list(comments)
        for i, comment in enumerate(comments):
            rows_or_pending = self._classify(comment, now, stats)
            if isinstance(rows_or_pending, TranslationRow):
                rows[i] = rows_or_pending
            else:
                language, normalized, source, confidence = rows_or_pending
                pending.setdefault(language, []).append(
                    (i, comment, normalized, source, confidence)
                )
        for language, items in sorted(pending.items()):
            for i, row in self._translate_language(language, items, now, stats).items():
                rows[i] = row
        ordered = [rows[i] for i in range(len(comments))]
        for row in ordered:
            stats.by_status_language[(row.status, row.source_language or "")] += 1
            stats.language_sources[row.language_source] += 1
            if row.status == "failed" and len(stats.failures) < 20:
                stats.failures.append(f"{row.response_id}: {row.detail}")
        return ordered, stats

    def _classify(self, comment: Comment, now: datetime, stats: RunStats):
        """A finished row, or (language, normalized text, language_source, confidence)."""
        normalized = normalize(comment.text)
        language = given_language(comment.language)
        source, confidence, guess = ("given", None, None) if language else ("none", None, None)

        def row(status, translated, detail=None, lang=language, src=source, conf=confidence):
            return TranslationRow(
                comment.response_id, comment.feedback_month, lang, src, conf, comment.text,
                translated, status, None, None, now, detail,
            )  # fmt: skip

        if not has_letters(normalized):
            return row("empty", comment.text, "no letters to translate")
        if language is None:
            detection = self.detector.detect(normalized)
            language, confidence, guess = (
                detection.language,
                detection.confidence,
                detection.best_guess,
            )
            source = "detected" if language else "none"
        if language is None:
            stats.no_model_languages[""] += 1
            return row(
                "no_model", comment.text,
                f"language not given and not detected (best guess {guess}, "
                f"confidence {confidence:.2f} < {self.detector.min_confidence})",
                lang=None, src=source, conf=confidence,
            )  # fmt: skip
        if language == ENGLISH:
            return row(
                "already_english", comment.text, None, lang=language, src=source, conf=confidence
            )
        if language not in self.packages:
            stats.no_model_languages[language] += 1
            return row(
                "no_model", comment.text,
                f"no installed package translate-{language}_{ENGLISH}",
                lang=language, src=source, conf=confidence,
            )  # fmt: skip
        if len(normalized) > self.max_chars:
            return row(
                "failed", comment.text,
                f"comment too long to translate ({len(normalized)} characters > {self.max_chars})",
                lang=language, src=source, conf=confidence,
            )  # fmt: skip
        return language, normalized, source, confidence

    def _translate_language(self, language, items, now, stats) -> dict[int, TranslationRow]:
        package = self.packages[language]
        keys = {
            normalized: CacheKey(text_hash(normalized), language, package.name, package.version)
            for _, _, normalized, _, _ in items
        }
        found = self.cache.get_many(keys.values())
        results: dict[str, CachedTranslation] = {}
        errors: dict[str, str] = {}
        for normalized, key in keys.items():
            if key in found:
                results[normalized] = found[key]
        missing = [normalized for normalized in keys if normalized not in results]
        stats.cache_hits += sum(1 for _, _, normalized, _, _ in items if keys[normalized] in found)
        if missing:
            fresh, errors = self._translate_texts(package, missing, stats)
            made = {
                keys[text]: CachedTranslation(translated, count_sentences(text), now)
                for text, translated in fresh.items()
            }
            self.cache.put_many(made)
            results.update({text: made[keys[text]] for text in fresh})
            stats.texts_translated += len(fresh)
        out: dict[int, TranslationRow] = {}
        for i, comment, normalized, source, confidence in items:
            cached = results.get(normalized)
            if cached is None:
                out[i] = TranslationRow(
                    comment.response_id, comment.feedback_month, language, source, confidence,
                    comment.text, comment.text, "failed", package.name, package.version, now,
                    errors.get(normalized, "translation failed"),
                )  # fmt: skip
            else:
                out[i] = TranslationRow(
                    comment.response_id, comment.feedback_month, language, source, confidence,
                    comment.text, cached.translated_text, "translated", package.name,
                    package.version, cached.translated_at, None,
                )  # fmt: skip
        return out

    def _translate_texts(
        self, package: InstalledPackage, texts: Sequence[str], stats: RunStats
    ) -> tuple[dict[str, str], dict[str, str]]:
        """Translate distinct texts; a failing chunk is retried text by text so that one bad
        comment fails alone."""
        done: dict[str, str] = {}
        errors: dict[str, str] = {}
        try:
            translator = self.translator(package)
        except Exception as err:  # a broken package fails its language's comments, not the run
            reason = f"cannot load {package.name} {package.version}: {type(err).__name__}: {err}"
            self.log(reason)
            return done, dict.fromkeys(texts, reason)
        started = time.perf_counter()
        total = len(texts)

        def progress(done_sentences: int, all_sentences: int, seconds: float) -> None:
            if all_sentences >= 1000:
                rate = done_sentences / seconds if seconds else 0.0
                self.log(
                    f"{package.name}: {done_sentences}/{all_sentences} sentences "
                    f"({rate:.1f} sentences/s)"
                )

        for start in range(0, total, CHUNK_TEXTS):
            chunk = list(texts[start : start + CHUNK_TEXTS])
            try:
                done.update(
                    zip(
                        chunk,
                        translator.translate_texts(chunk, progress, stats.engine),
                        strict=True,
                    )
                )
            except Exception as err:
                self.log(f"{package.name}: a batch failed ({err}); retrying its texts one by one")
                for text in chunk:
                    try:
                        done[text] = translator.translate_texts([text], None, stats.engine)[0]
                    except Exception as one_err:
                        errors[text] = f"{type(one_err).__name__}: {one_err}"
            if total > CHUNK_TEXTS:
                self.log(
                    f"{package.name}: {min(start + CHUNK_TEXTS, total)}/{total} texts translated "
                    f"in {time.perf_counter() - started:.1f} s"
                )
        return done, errors
