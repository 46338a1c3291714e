"""Batched translation with one argos package: CTranslate2 + SentencePiece, loaded once.

argos' `translate()` handles one text at a time (split, tokenize, `translate_batch` on that
text's few sentences, decode). Here every sentence of every comment of one language goes
through one pipeline: split all texts, tokenize them in one SentencePiece call, sort the
sentences by length, translate them in blocks with `translate_batch` (CTranslate2 cuts each
block into batches of `batch_size` and runs `inter_threads` of them in parallel), then put each
comment back together in order. Decoding parameters and detokenization are argos' own
(argostranslate 1.11 `apply_packaged_translation`), so a sentence translates to the same text.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cxlink.sentences import split_sentences
from cxlink.translate.packages import InstalledPackage
from cxlink.translate.text import split_paragraphs

if TYPE_CHECKING:
    from cxlink.settings import Settings


@dataclass(frozen=True)
class EngineSettings:
    """Decoding and threading. Beam size and length penalty default to argos' (4, 0.2)."""

    beam_size: int = 4
    length_penalty: float = 0.2
    batch_size: int = 32  # sentences per CTranslate2 batch
    inter_threads: int = 1  # batches decoded in parallel
    intra_threads: int = 1  # threads inside one batch
    compute_type: str = "auto"  # int8 models stay int8 on CPU
    block_size: int = 2048  # sentences handed to translate_batch at once (progress granularity)
    max_sentence_tokens: int = (
        400  # longer sentences are cut in pieces (CTranslate2 truncates at 1024)
    )

    @classmethod
    def from_settings(cls, settings: Settings) -> EngineSettings:
        """The CXLINK_TRANSLATE_* settings (declared, defaulted and checked in cxlink.settings)."""
        return cls(
            beam_size=settings.translate_beam_size,
            batch_size=settings.translate_batch_size,
            inter_threads=settings.translate_inter_threads,
            intra_threads=settings.translate_intra_threads,
            compute_type=settings.translate_compute_type,
        )


@dataclass
class EngineStats:
    texts: int = 0
    sentences: int = 0
    tokens: int = 0
    seconds: float = 0.0
    block_seconds: list[float] = field(default_factory=list)

    @property
    def sentences_per_second(self) -> float:
        return self.sentences / self.seconds if self.seconds > 0 else 0.0


def detokenize(processor, tokens: Sequence[str], target_prefix: str = "") -> str:
    """argostranslate 1.11 SentencePieceTokenizer.decode + apply_packaged_translation's cleanup:
    `▁` and `_` become spaces, a leading target prefix and one leading space are removed."""
    value = processor.decode_pieces(list(tokens)).replace("▁", " ").replace("_", " ")
    if target_prefix and value.startswith(target_prefix):
        value = value[len(target_prefix) :]
    if value.startswith(" "):
        value = value[1:]
    return value


class PackageTranslator:
    """One package's model and tokenizer, loaded once, translating many texts per call."""

    def __init__(self, package: InstalledPackage, settings: EngineSettings | None = None):
        import ctranslate2
        import sentencepiece

        self.package = package
        self.settings = settings or EngineSettings()
        self.processor = sentencepiece.SentencePieceProcessor(
            model_file=str(package.sentencepiece_model)
        )
        self.translator = ctranslate2.Translator(
            str(package.model_dir),
            device="cpu",
            inter_threads=self.settings.inter_threads,
            intra_threads=self.settings.intra_threads,
            compute_type=self.settings.compute_type,
        )

    def tokenize(self, sentences: Sequence[str]) -> list[list[str]]:
        return self.processor.encode(list(sentences), out_type=str)

    def translate_tokens(self, batch: Sequence[Sequence[str]]) -> list[list[str]]:
        """Translate tokenized sentences (already in the order wanted); best hypothesis each.

        The prefix tokens CTranslate2 returns at the start of a hypothesis are dropped here, per
        sentence (argos removes the prefix once per paragraph, as text)."""
        if not batch:
            return []
        prefix = self.package.target_prefix
        results = self.translator.translate_batch(
            [list(tokens) for tokens in batch],
            target_prefix=[[prefix]] * len(batch) if prefix else None,
            max_batch_size=self.settings.batch_size,
            batch_type="examples",
            beam_size=self.settings.beam_size,
            num_hypotheses=1,
            length_penalty=self.settings.length_penalty,
            replace_unknowns=True,
        )
        out = []
        for result in results:
            tokens = list(result.hypotheses[0])
            if prefix and tokens[:1] == [prefix]:
                tokens = tokens[1:]
            out.append(tokens)
        return out

    def translate_texts(
        self,
        texts: Sequence[str],
        progress: Callable[[int, int, float], None] | None = None,
        stats: EngineStats | None = None,
    ) -> list[str]:
        """Translate normalized texts; paragraphs (lines) and sentence order are kept.

        `progress(done_sentences, total_sentences, seconds)` is called after every block.
        """
        started = time.perf_counter()
        # 1. split: (text index, paragraph index) for every sentence
        owners: list[tuple[int, int]] = []
        sentences: list[str] = []
        paragraph_counts: list[int] = []
        for t, text in enumerate(texts):
            paragraphs = split_paragraphs(text)
            paragraph_counts.append(len(paragraphs))
            for p, paragraph in enumerate(paragraphs):
                for sentence in split_sentences(paragraph):
                    owners.append((t, p))
                    sentences.append(sentence)
        # 2. tokenize in one call; cut overlong sentences into pieces of max_sentence_tokens
        units: list[list[str]] = []
        unit_owner: list[int] = []  # index into sentences
        limit = self.settings.max_sentence_tokens
        for s, tokens in enumerate(self.tokenize(sentences)):
            for start in range(0, max(len(tokens), 1), limit):
                units.append(tokens[start : start + limit])
                unit_owner.append(s)
        # 3. longest first (padding stays small inside each batch; stragglers come last)
        order = sorted(range(len(units)), key=lambda i: -len(units[i]))
        translated: list[list[str]] = [[] for _ in units]
        block = self.settings.block_size
        for start in range(0, len(order), block):
            t0 = time.perf_counter()
            chunk = order[start : start + block]
            for i, tokens in zip(
                chunk, self.translate_tokens([units[i] for i in chunk]), strict=True
            ):
                translated[i] = tokens
            if stats is not None:
                stats.block_seconds.append(time.perf_counter() - t0)
            if progress is not None:
                progress(min(start + block, len(order)), len(order), time.perf_counter() - started)
        # 4. reassemble: target tokens of a paragraph's sentences in order, decoded once (argos)
        paragraph_tokens: list[list[list[str]]] = [[[] for _ in range(n)] for n in paragraph_counts]
        for u, tokens in enumerate(translated):
            t, p = owners[unit_owner[u]]
            paragraph_tokens[t][p].extend(tokens)
        prefix = self.package.target_prefix
        out = [
            "\n".join(detokenize(self.processor, tokens, prefix) for tokens in paragraphs).lstrip(
                "\n"
            )
            for paragraphs in paragraph_tokens
        ]
        if stats is not None:
            stats.texts += len(texts)
            stats.sentences += len(sentences)
            stats.tokens += sum(len(u) for u in units)
            stats.seconds += time.perf_counter() - started
        return out
