"""`make bench` (translation): throughput of the translation step against argostranslate.

On one OPUS-MT-sized synthetic argos package (6+6 layers, d_model 512, 8 heads, FFN 2048, 32k
vocabulary, int8; random weights, built once into ~/.cache/cxlink/bench or
$CXLINK_BENCH_CACHE) and the same 2,000 sentences (demo phrase-bank sentences in comments of
1-3), each measured in a fresh process with the model already loaded:

    argos-default   argostranslate 1.11 `translate()` per comment, its defaults (beam 4,
                    ARGOS_INTRA_THREADS=0, inter 1); its sentence splitter is swapped for ours
                    because argos' own (MiniSBD) downloads a model
    argos-intra1    the same with ARGOS_INTRA_THREADS=1
    ceiling         bare ctranslate2: the pre-tokenized sentences, sorted by length,
                    `translate_batch` over the same blocks, batch size, beam and threads as the
                    pipeline: what the model alone costs
    pipeline        the pipeline's translation step (PackageTranslator.translate_texts: split,
                    tokenize, sort, translate_batch, reassemble)
    pipeline+cache  TranslationPipeline.run on an empty cache (hashing, cache lookup and writes)

then a rerun of 100,000 comments that are all in the cache (no model is loaded).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path

from cxlink.translate.synthetic import OPUS_MT, build_package, demo_corpus

RECIPE = "opus-mt-v1"  # bump when the synthetic package recipe changes
SEED = 20240301


def cache_dir() -> Path:
    root = os.environ.get("CXLINK_BENCH_CACHE")
    return Path(root) if root else Path.home() / ".cache" / "cxlink" / "bench"


def ensure_package() -> Path:
    """The installed benchmark package folder (built and installed once)."""
    from cxlink.translate.packages import install_package, installed_packages

    root = cache_dir() / RECIPE
    packages = root / "packages"
    found = installed_packages(packages)
    if found:
        return found[0].path
    archive = root / "translate-fi_en-1_0.argosmodel"
    if not archive.exists():
        print(f"building the OPUS-MT-sized package once into {archive} ...", flush=True)
        build_package(archive, from_code="fi", shape=OPUS_MT, seed=SEED)
    return install_package(archive, packages).path


def comments(n_sentences: int, seed: int = SEED) -> list[str]:
    """Comments of 1-3 demo sentences, n_sentences in all (deterministic)."""
    rng = random.Random(seed)
    pool = [s for s in demo_corpus() if s.rstrip()[-1:] in ".!?"]
    out, left = [], n_sentences
    while left:
        k = min(left, rng.choice((1, 2, 2, 3)))
        out.append(" ".join(rng.choice(pool) for _ in range(k)))
        left -= k
    return out


# ---- measurements, each run in its own process --------------------------------------------


def measure_argos(package: Path, texts: list[str]) -> dict:
    import argostranslate.translate as at
    from argostranslate import settings
    from argostranslate.sbd import ISentenceBoundaryDetectionModel

    from cxlink.translate.text import split_sentences

    class RuleSentences(ISentenceBoundaryDetectionModel):
        def split_sentences(self, text):
            return split_sentences(text)

    translation = at.get_translation_from_codes("fi", "en")
    translation.underlying.sentencizer = RuleSentences()
    translation.translate("Hinta on korkea.")  # loads the model
    started = time.perf_counter()
    for text in texts:
        translation.translate(text)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "settings": {
            "inter_threads": settings.inter_threads,
            "intra_threads": settings.intra_threads,
            "beam_size": settings.beam_size,
        },
    }


def measure_ceiling(package: Path, texts: list[str]) -> dict:
    from cxlink.translate.engine import EngineSettings, PackageTranslator
    from cxlink.translate.packages import read_package
    from cxlink.translate.text import split_paragraphs, split_sentences

    engine = PackageTranslator(read_package(package), EngineSettings.from_env())
    sentences = [s for t in texts for p in split_paragraphs(t) for s in split_sentences(p)]
    tokens = sorted(engine.tokenize(sentences), key=len, reverse=True)
    translator, s = engine.translator, engine.settings
    translator.translate_batch([tokens[0]], beam_size=s.beam_size)  # warm up
    started = time.perf_counter()
    for start in range(0, len(tokens), s.block_size):
        translator.translate_batch(
            tokens[start : start + s.block_size],
            max_batch_size=s.batch_size,
            beam_size=s.beam_size,
            length_penalty=s.length_penalty,
            replace_unknowns=True,
        )
    return {"seconds": time.perf_counter() - started, "settings": asdict(s)}


def measure_pipeline(package: Path, texts: list[str]) -> dict:
    from cxlink.translate.engine import EngineSettings, EngineStats, PackageTranslator
    from cxlink.translate.packages import read_package

    engine = PackageTranslator(read_package(package), EngineSettings.from_env())
    engine.translate_texts(["Hinta on korkea."])  # warm up, as the others
    stats = EngineStats()
    started = time.perf_counter()
    engine.translate_texts(texts, stats=stats)
    return {"seconds": time.perf_counter() - started, "sentences": stats.sentences}


def measure_pipeline_cache(package: Path, texts: list[str]) -> dict:
    import duckdb

    from cxlink.translate.cache import DuckDBTranslationCache
    from cxlink.translate.packages import read_package
    from cxlink.translate.pipeline import Comment, TranslationPipeline

    pkg = read_package(package)
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "w.duckdb"))
        pipeline = TranslationPipeline({"fi": pkg}, DuckDBTranslationCache(con))
        pipeline.translator(pkg).translate_texts(["Hinta on korkea."])  # load + warm up
        batch = [Comment(str(i), date(2024, 1, 1), t, "fi") for i, t in enumerate(texts)]
        started = time.perf_counter()
        _, stats = pipeline.run(batch)
        seconds = time.perf_counter() - started
        con.close()
    return {"seconds": seconds, "texts_translated": stats.texts_translated}


def measure_rerun(package: Path, n_comments: int) -> dict:
    """n_comments distinct comments, all already in the cache: lookup + rows + write."""
    import duckdb

    from cxlink.translate.cache import CachedTranslation, CacheKey, DuckDBTranslationCache
    from cxlink.translate.packages import read_package
    from cxlink.translate.pipeline import Comment, TranslationPipeline
    from cxlink.translate.store import write_translations
    from cxlink.translate.text import normalize, text_hash

    pkg = read_package(package)
    rng = random.Random(SEED)
    pool = demo_corpus()
    texts = [f"{rng.choice(pool)} {rng.choice(pool)} #{i}" for i in range(n_comments)]
    batch = [Comment(str(i), date(2024, 1, 1), t, "fi") for i, t in enumerate(texts)]
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "w.duckdb"))
        cache = DuckDBTranslationCache(con)
        now = datetime(2024, 1, 2)
        cache.put_many(
            {
                CacheKey(text_hash(normalize(t)), "fi", pkg.name, pkg.version): CachedTranslation(
                    f"translation {i}", 2, now
                )
                for i, t in enumerate(texts)
            }
        )
        pipeline = TranslationPipeline({"fi": pkg}, cache)
        started = time.perf_counter()
        rows, stats = pipeline.run(batch)
        run_seconds = time.perf_counter() - started
        write_translations(con, rows)
        total = time.perf_counter() - started
        con.close()
    assert stats.cache_hits == n_comments and stats.texts_translated == 0, stats
    return {"seconds": total, "run_seconds": run_seconds, "cache_hits": stats.cache_hits}


MEASURES = {
    "argos-default": measure_argos,
    "argos-intra1": measure_argos,
    "ceiling": measure_ceiling,
    "pipeline": measure_pipeline,
    "pipeline+cache": measure_pipeline_cache,
}


def run_measure(name: str, package: Path, n_sentences: int, extra_env: dict[str, str]) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARGOS_")}
    with tempfile.TemporaryDirectory() as tmp:
        env.update(
            {
                "ARGOS_PACKAGES_DIR": str(package.parent),
                # argos creates its folders on import: keep them out of the home directory
                "XDG_DATA_HOME": f"{tmp}/data",
                "XDG_CONFIG_HOME": f"{tmp}/config",
                "XDG_CACHE_HOME": f"{tmp}/cache",
                **extra_env,
            }
        )
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.translation", "--measure", name,
             "--package", str(package), "--sentences", str(n_sentences)],
            check=True, capture_output=True, text=True, env=env,
        )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--rerun-comments", type=int, default=100_000)
    parser.add_argument("--measure", choices=[*MEASURES, "rerun"], help=argparse.SUPPRESS)
    parser.add_argument("--package", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--skip", nargs="*", default=[], choices=list(MEASURES))
    args = parser.parse_args()
    if args.measure:
        if args.measure == "rerun":
            result = measure_rerun(args.package, args.sentences)
        else:
            result = MEASURES[args.measure](args.package, comments(args.sentences))
        print(json.dumps(result))
        return

    package = ensure_package()
    texts = comments(args.sentences)
    print(
        f"translation benchmark: {args.sentences} sentences in {len(texts)} comments, package "
        f"{package} ({os.cpu_count()} CPUs)",
        flush=True,
    )
    envs = {"argos-intra1": {"ARGOS_INTRA_THREADS": "1"}}
    results: dict[str, dict] = {}
    for name in MEASURES:
        if name in args.skip:
            continue
        print(f"  {name} ...", flush=True)
        results[name] = run_measure(name, package, args.sentences, envs.get(name, {}))
        rate = args.sentences / results[name]["seconds"]
        results[name]["sentences_per_second"] = rate
        print(f"  {name:<15} {results[name]['seconds']:8.1f} s {rate:8.1f} sentences/s", flush=True)
    print("  rerun ...", flush=True)
    rerun = run_measure("rerun", package, args.rerun_comments, {})
    results["rerun"] = rerun

    print()
    print(f"{'measure':<15} {'seconds':>9} {'sentences/s':>12}")
    for name, r in results.items():
        if name != "rerun":
            print(f"{name:<15} {r['seconds']:>9.1f} {r['sentences_per_second']:>12.1f}")
    pipe = results.get("pipeline", {}).get("sentences_per_second")
    if pipe and "ceiling" in results:
        print(f"pipeline/ceiling: {pipe / results['ceiling']['sentences_per_second']:.2f}x")
    if pipe and "argos-default" in results:
        print(f"pipeline/argos: {pipe / results['argos-default']['sentences_per_second']:.1f}x")
    if pipe and "argos-intra1" in results:
        print(
            f"pipeline/argos-intra1: {pipe / results['argos-intra1']['sentences_per_second']:.1f}x"
        )
    print(
        f"rerun of {args.rerun_comments:,} cached comments: {rerun['seconds']:.1f} s "
        f"({args.rerun_comments / rerun['seconds']:,.0f} comments/s; pipeline "
        f"{rerun['run_seconds']:.1f} s, the rest is writing the rows)"
    )
    report = cache_dir() / "translation-results.json"
    report.write_text(json.dumps({"sentences": args.sentences, **results}, indent=2))
    print(f"(figures also in {report})")


if __name__ == "__main__":
    main()
