"""The translation benchmark's measures (benchmarks/translation.py runs each in its own process).

Each is set up once, untimed (the model is loaded and warmed up), then times one slice of
comments at a time with ``run``; ``settings`` records the engine settings it ran with.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import asdict
from datetime import date
from pathlib import Path

WARM_UP = "Hinta on korkea."


class ArgosPerText:
    def __init__(self, package: Path):
        import argostranslate.translate as at
        from argostranslate import settings
        from argostranslate.sbd import ISentenceBoundaryDetectionModel

        from cxlink.sentences import split_sentences

        class RuleSentences(ISentenceBoundaryDetectionModel):
            def split_sentences(self, text):
                return split_sentences(text)

        self.translation = at.get_translation_from_codes("fi", "en")
        self.translation.underlying.sentencizer = RuleSentences()
        self.translation.translate(WARM_UP)  # loads the model
        self.settings = {
            "inter_threads": settings.inter_threads,
            "intra_threads": settings.intra_threads,
            "beam_size": settings.beam_size,
        }

    def run(self, texts: list[str]) -> float:
        started = time.perf_counter()
        for text in texts:
            self.translation.translate(text)
        return time.perf_counter() - started


class BareCTranslate2:
    def __init__(self, package: Path):
        from cxlink.settings import Settings
        from cxlink.translate.engine import EngineSettings, PackageTranslator
        from cxlink.translate.packages import read_package

        self.engine = PackageTranslator(
            read_package(package), EngineSettings.from_settings(Settings.from_env())
        )
        self.engine.translate_texts([WARM_UP])
        self.settings = asdict(self.engine.settings)

    def run(self, texts: list[str]) -> float:
        from cxlink.sentences import split_sentences
        from cxlink.translate.text import split_paragraphs

        sentences = [s for t in texts for p in split_paragraphs(t) for s in split_sentences(p)]
        tokens = sorted(self.engine.tokenize(sentences), key=len, reverse=True)
        s = self.engine.settings
        started = time.perf_counter()
        for start in range(0, len(tokens), s.block_size):
            self.engine.translator.translate_batch(
                tokens[start : start + s.block_size],
                max_batch_size=s.batch_size,
                beam_size=s.beam_size,
                length_penalty=s.length_penalty,
                replace_unknowns=True,
            )
        return time.perf_counter() - started


class PipelineStep(BareCTranslate2):
    def run(self, texts: list[str]) -> float:
        started = time.perf_counter()
        self.engine.translate_texts(texts)
        return time.perf_counter() - started


class PipelineWithCache(BareCTranslate2):
    def run(self, texts: list[str]) -> float:
        import duckdb

        from cxlink.translate.cache import DuckDBTranslationCache
        from cxlink.translate.pipeline import Comment, TranslationPipeline

        pkg = self.engine.package
        batch = [Comment(str(i), date(2024, 1, 1), t, "fi") for i, t in enumerate(texts)]
        with tempfile.TemporaryDirectory() as tmp:
            con = duckdb.connect(str(Path(tmp) / "w.duckdb"))
            pipeline = TranslationPipeline({"fi": pkg}, DuckDBTranslationCache(con))
            pipeline._translators[str(pkg.path)] = self.engine  # the loaded model
            started = time.perf_counter()
            pipeline.run(batch)
            seconds = time.perf_counter() - started
            con.close()
        return seconds


MEASURES = {
    "argos-default": (ArgosPerText, {}),
    "argos-intra1": (ArgosPerText, {"ARGOS_INTRA_THREADS": "1"}),
    "ceiling": (BareCTranslate2, {}),
    "pipeline": (PipelineStep, {}),
    "pipeline+cache": (PipelineWithCache, {}),
}
