"""Build real argos packages with random weights, for tests and the benchmark.

No translation model can be downloaded on the project's machines, so the test suite and
`make bench` make their own: a SentencePiece model trained on the demo phrase banks and a
CTranslate2 Transformer written straight from a `ctranslate2.specs.TransformerSpec` (no
PyTorch/transformers round trip), zipped in argos' layout with a `metadata.json`. Its output is
meaningless, but argos and this pipeline run every real code path on it.

Random weights alone make a decoder that never emits `</s>` (every sentence would run to the
256-token limit) or stops at once. Two deliberate weights make it behave like a trained model
in cost: the output layer is scaled so each step has a clear best token (beam search continues
cheaply), and one decoder position dimension is a ramp that the `</s>` logit reads, so output
ends after about `target_length` tokens. Every matrix still has its full size, so compute per
token is that of a real model of the same shape.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class ModelShape:
    encoder_layers: int = 2
    decoder_layers: int = 2
    d_model: int = 64
    heads: int = 4
    ffn: int = 128
    vocab_size: int = 600  # model vocabulary (SentencePiece pieces, padded with spare tokens)
    sentencepiece_vocab: int = 600
    quantization: str | None = "int8"
    target_length: int = 8  # calibrated: ~14 output tokens


TINY = ModelShape()
# OPUS-MT (Marian) base: 6+6 layers, d_model 512, 8 heads, FFN 2048, ~32k shared vocabulary.
OPUS_MT = ModelShape(
    encoder_layers=6,
    decoder_layers=6,
    d_model=512,
    heads=8,
    ffn=2048,
    vocab_size=32_000,
    sentencepiece_vocab=8_000,
    target_length=14,  # calibrated: ~20 output tokens, as OPUS-MT on comment sentences
)


def demo_corpus() -> list[str]:
    """Every sentence of the demo phrase banks, all languages (deterministic order)."""
    from cxlink.demo.phrases import load_phrase_bank

    bank = load_phrase_bank()
    out = []
    for language in sorted(bank.sentences):
        for topic in sorted(bank.sentences[language]):
            for sentiment in sorted(bank.sentences[language][topic]):
                out.extend(bank.sentences[language][topic][sentiment])
    return out


def train_sentencepiece(
    corpus: Iterable[str], prefix: Path, vocab_size: int, seed: int = 0
) -> Path:
    import sentencepiece as spm

    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(list(corpus)),
        model_prefix=str(prefix),
        vocab_size=vocab_size,
        hard_vocab_limit=False,  # a small corpus yields fewer pieces than asked for
        character_coverage=1.0,
        model_type="unigram",
        num_threads=1,
        minloglevel=2,
    )
    return prefix.with_suffix(".model")


def _vocabulary(sp_model: Path, size: int) -> list[str]:
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_file=str(sp_model))
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    # <unk>, <s>, </s> are pieces 0-2: CTranslate2's default unk/bos/eos tokens.
    assert pieces[:3] == ["<unk>", "<s>", "</s>"], pieces[:3]
    spare = [f"\u2581spare{i}" for i in range(max(0, size - len(pieces)))]
    return pieces + spare


def _transformer_spec(shape: ModelShape, vocab: list[str], seed: int):
    from ctranslate2.specs import common_spec, transformer_spec
    from ctranslate2.specs.model_spec import visit_spec

    rng = np.random.default_rng(seed)
    d, v = shape.d_model, len(vocab)
    spec = transformer_spec.TransformerSpec.from_config(
        (shape.encoder_layers, shape.decoder_layers),
        shape.heads,
        pre_norm=True,
        activation=common_spec.Activation.RELU,
    )

    def rand(*dims: int, std: float = 0.02) -> np.ndarray:
        return rng.normal(0.0, std, size=dims).astype(np.float32)

    # Position table: sinusoids, except one dimension that ramps up with the position (the
    # decoder's clock; see the module docstring). Shared by encoder and decoder.
    positions = np.arange(1024, dtype=np.float32)[:, None]
    rates = np.exp(-np.log(10000.0) * (np.arange(0, d, 2, dtype=np.float32) / d))
    table = np.zeros((1024, d), dtype=np.float32)
    table[:, 0::2] = np.sin(positions * rates)
    table[:, 1::2] = np.cos(positions * rates)
    clock = d - 1
    table[:, clock] = np.minimum(positions[:, 0], 64.0) / 32.0

    def fill(layer, name: str, value) -> None:
        if value is not None:
            return
        scope = name.split("/")
        leaf = scope[-1]
        if leaf == "encodings":
            return
        parent = scope[-2] if len(scope) > 1 else ""
        if leaf in ("gamma",):
            setattr(layer, leaf, np.ones(d, dtype=np.float32))
        elif leaf == "beta":
            setattr(layer, leaf, np.zeros(d, dtype=np.float32))
        elif parent.startswith("embeddings"):
            setattr(layer, leaf, rand(v, d, std=0.01))
        else:
            raise AssertionError(f"unexpected unset variable {name}")

    # Linear layers first (their shapes depend on their role), then whatever is left.
    enc, dec = spec.encoder, spec.decoder
    for layer in enc.layer:
        layer.self_attention.linear[0].weight = rand(3 * d, d)
        layer.self_attention.linear[0].bias = np.zeros(3 * d, np.float32)
        layer.self_attention.linear[1].weight = rand(d, d)
        layer.self_attention.linear[1].bias = np.zeros(d, np.float32)
    for layer in dec.layer:
        layer.self_attention.linear[0].weight = rand(3 * d, d)
        layer.self_attention.linear[0].bias = np.zeros(3 * d, np.float32)
        layer.self_attention.linear[1].weight = rand(d, d)
        layer.self_attention.linear[1].bias = np.zeros(d, np.float32)
        layer.attention.linear[0].weight = rand(d, d)
        layer.attention.linear[0].bias = np.zeros(d, np.float32)
        # Cross-attention strong enough that the output depends on the source sentence.
        layer.attention.linear[1].weight = rand(2 * d, d, std=1.0 / np.sqrt(d))
        layer.attention.linear[1].bias = np.zeros(2 * d, np.float32)
        layer.attention.linear[2].weight = rand(d, d, std=1.0 / np.sqrt(d))
        layer.attention.linear[2].bias = np.zeros(d, np.float32)
    for layer in [*enc.layer, *dec.layer]:
        layer.ffn.linear_0.weight = rand(shape.ffn, d)
        layer.ffn.linear_0.bias = np.zeros(shape.ffn, np.float32)
        layer.ffn.linear_1.weight = rand(d, shape.ffn)
        layer.ffn.linear_1.bias = np.zeros(d, np.float32)
    # Only the position table writes to the clock dimension of the decoder.
    for layer in dec.layer:
        layer.self_attention.linear[1].weight[clock] = 0.0
        layer.attention.linear[2].weight[clock] = 0.0
        layer.ffn.linear_1.weight[clock] = 0.0
    enc.embeddings[0].weight = rand(v, d, std=0.1)
    dec.embeddings.weight = rand(v, d, std=0.01)
    dec.embeddings.weight[:, clock] = 0.0
    enc.position_encodings.encodings = table
    dec.position_encodings.encodings = table

    # Output layer: logits with a standard deviation of ~10 (a clear best token per step);
    # </s> reads only the clock and overtakes the best token after ~target_length steps.
    weight = rng.normal(0.0, 10.0 / np.sqrt(d), size=(v, d)).astype(np.float32)
    bias = np.zeros(v, np.float32)
    best = 10.0 * np.sqrt(2.0 * np.log(v))  # expected maximum of v normal logits
    slope = (best + 25.0) / shape.target_length  # per step, in logit units
    # after the final layer norm the clock dimension is about ramp / 1.6 (measured)
    weight[2] = 0.0
    weight[2, clock] = slope * 32.0 * 1.6
    bias[2] = -20.0
    bias[0] = bias[1] = -100.0  # never <unk> or <s>
    dec.projection.weight = weight
    dec.projection.bias = bias

    visit_spec(spec, fill)
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    spec.optimize(quantization=shape.quantization)
    return spec


def build_package(
    destination: Path,
    *,
    from_code: str,
    to_code: str = "en",
    version: str = "1.0",
    shape: ModelShape = TINY,
    corpus: Iterable[str] | None = None,
    seed: int = 0,
) -> Path:
    """Write `destination` (a `.argosmodel` zip): folder `translate-<from>_<to>-<version>/` with
    metadata.json, sentencepiece.model and model/ (CTranslate2)."""
    destination = Path(destination)
    folder_name = f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"
    with tempfile.TemporaryDirectory(prefix="argos-build-") as tmp:
        root = Path(tmp) / folder_name
        root.mkdir()
        sp_model = train_sentencepiece(
            corpus if corpus is not None else demo_corpus(),
            Path(tmp) / "sp",
            shape.sentencepiece_vocab,
            seed,
        )
        shutil.copy(sp_model, root / "sentencepiece.model")
        vocab = _vocabulary(sp_model, shape.vocab_size)
        (root / "model").mkdir()
        _transformer_spec(shape, vocab, seed).save(str(root / "model"))
        metadata = {
            "package_version": version,
            "argos_version": "1.11",
            "from_code": from_code,
            "from_name": from_code,
            "to_code": to_code,
            "to_name": to_code,
            "type": "translate",
            "code": f"translate-{from_code}_{to_code}",
            "description": "cxlink synthetic package (random weights; output is meaningless)",
        }
        (root / "metadata.json").write_text(json.dumps(metadata, indent=2))
        (root / "README.md").write_text("Synthetic cxlink test/benchmark package.\n")
        destination.parent.mkdir(parents=True, exist_ok=True)
        partial = destination.with_suffix(".part")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(root.rglob("*")):
                zf.write(path, path.relative_to(Path(tmp)).as_posix())
        partial.replace(destination)
    return destination
