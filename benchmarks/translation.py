"""`make bench` (translation): throughput of the translation step against argostranslate.

On one OPUS-MT-sized synthetic argos package (6+6 layers, d_model 512, 8 heads, FFN 2048, 32k
vocabulary, int8; random weights, built once into ~/.cache/cxlink/bench or
$CXLINK_BENCH_CACHE) and the same 2,000 sentences (demo phrase-bank sentences in comments of
1-3 sentences):

    argos-default   argostranslate 1.11 `translate()` per comment with its defaults (beam 4,
                    ARGOS_INTRA_THREADS=0, inter 1); its sentence splitter is swapped for ours
                    because argos' own (MiniSBD) downloads a model
    argos-intra1    the same with ARGOS_INTRA_THREADS=1
    ceiling         bare ctranslate2: the slice's sentences pre-tokenized (untimed), sorted by
                    length, `translate_batch` with the pipeline's batch size, beam and threads:
                    what the model alone costs
    pipeline        the pipeline's translation step (PackageTranslator.translate_texts: split,
                    tokenize, sort, translate_batch, reassemble)
    pipeline+cache  TranslationPipeline.run on an empty cache (hashing, lookups, cache writes)

Each measure runs in its own process (argos reads its settings at import) with the model
loaded before timing. The comments are cut into slices and the measures take turns slice by
slice (rotating the order), so a busy neighbour on shared cores slows them all alike; the
figures are the sums over all slices. CPU seconds (all threads) are reported beside wall time.
Then a rerun of 100,000 comments that are all in the cache (no model is loaded).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from benchmarks.translation_measures import MEASURES
from tests.translate.synthetic_package import OPUS_MT, build_package, demo_corpus

RECIPE = "opus-mt-v1"  # bump when the synthetic package recipe changes
SEED = 20240301


def cache_dir() -> Path:
    from cxlink.settings import Settings

    return Settings.from_env().bench_cache


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


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def worker(name: str, package: Path) -> None:
    """Serve slices on stdin (a JSON list of texts per line) and answer with the timings."""
    measure = MEASURES[name][0](package)
    print(json.dumps({"ready": True, "settings": measure.settings}), flush=True)
    for line in sys.stdin:
        texts = json.loads(line)
        cpu = cpu_seconds()
        seconds = measure.run(texts)
        print(json.dumps({"seconds": seconds, "cpu": cpu_seconds() - cpu}), flush=True)


def start_worker(name: str, package: Path, tmp: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARGOS_")}
    env.update(
        {
            "ARGOS_PACKAGES_DIR": str(package.parent),
            # argos creates its folders on import: keep them out of the home directory
            "XDG_DATA_HOME": f"{tmp}/{name}/data",
            "XDG_CONFIG_HOME": f"{tmp}/{name}/config",
            "XDG_CACHE_HOME": f"{tmp}/{name}/cache",
            **MEASURES[name][1],
        }
    )
    return subprocess.Popen(
        [sys.executable, "-m", "benchmarks.translation", "--worker", name, "--package", str(package)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip


def ask(proc: subprocess.Popen, texts: list[str] | None = None) -> dict:
    if texts is not None:
        proc.stdin.write(json.dumps(texts) + "\n")
        proc.stdin.flush()
    line = proc.stdout.readline()
    if not line:
        raise RuntimeError(f"benchmark worker {proc.args[4]} stopped")
    return json.loads(line)


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
        then = datetime(2024, 1, 2)
        cache.put_many(
            {
                CacheKey(text_hash(normalize(t)), "fi", pkg.name, pkg.version): CachedTranslation(
                    f"translation {i}", 2, then
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--slices", type=int, default=8)
    parser.add_argument("--rerun-comments", type=int, default=100_000)
    parser.add_argument("--skip", nargs="*", default=[], choices=list(MEASURES))
    parser.add_argument("--worker", choices=list(MEASURES), help=argparse.SUPPRESS)
    parser.add_argument("--package", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.package)
        return

    package = ensure_package()
    texts = comments(args.sentences)
    names = [n for n in MEASURES if n not in args.skip]
    print(
        f"translation benchmark: {args.sentences} sentences in {len(texts)} comments, "
        f"{args.slices} slices, package {package} ({os.cpu_count()} CPUs)",
        flush=True,
    )
    load = os.getloadavg()[0]
    print(f"load average at the start: {load:.1f}", flush=True)
    if load > 0.5:
        # argos' default runs 4 OpenMP threads per batch; how they fare on few cores depends
        # on what else runs, so its figure (and pipeline/argos) moves most with the load
        print("  (the machine is busy: figures, argos' default most, depend on that load)")
    step = -(-len(texts) // args.slices)
    slices = [texts[i : i + step] for i in range(0, len(texts), step)]
    totals = {n: {"seconds": 0.0, "cpu_seconds": 0.0} for n in names}
    with tempfile.TemporaryDirectory() as tmp:
        procs = {n: start_worker(n, package, tmp) for n in names}
        try:
            for n, proc in procs.items():
                totals[n]["settings"] = ask(proc)["settings"]
            for k, piece in enumerate(slices):
                order = names[k % len(names) :] + names[: k % len(names)]
                for n in order:
                    answer = ask(procs[n], piece)
                    totals[n]["seconds"] += answer["seconds"]
                    totals[n]["cpu_seconds"] += answer["cpu"]
                print(
                    f"  slice {k + 1}/{len(slices)}: "
                    + ", ".join(f"{n} {totals[n]['seconds']:.0f} s" for n in names),
                    flush=True,
                )
        finally:
            for proc in procs.values():
                proc.stdin.close()
                proc.wait(timeout=60)
    results: dict[str, dict] = {}
    for n in names:
        r = totals[n]
        r["sentences_per_second"] = args.sentences / r["seconds"]
        r["sentences_per_cpu_second"] = args.sentences / r["cpu_seconds"]
        results[n] = r
    print("  rerun ...", flush=True)
    rerun = subprocess.run(
        [sys.executable, "-c",
         "import json, sys; from pathlib import Path; from benchmarks.translation import "
         "measure_rerun; print(json.dumps(measure_rerun(Path(sys.argv[1]), int(sys.argv[2]))))",
         str(package), str(args.rerun_comments)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    results["rerun"] = json.loads(rerun.stdout.strip().splitlines()[-1])

    print()
    print(f"{'measure':<15} {'seconds':>9} {'sentences/s':>12} {'CPU s':>9} {'sent/CPU-s':>11}")
    for n in names:
        r = results[n]
        print(
            f"{n:<15} {r['seconds']:>9.1f} {r['sentences_per_second']:>12.1f} "
            f"{r['cpu_seconds']:>9.1f} {r['sentences_per_cpu_second']:>11.1f}"
        )
    pipe = results.get("pipeline", {}).get("sentences_per_second")
    if pipe and "ceiling" in results:
        print(f"pipeline/ceiling: {pipe / results['ceiling']['sentences_per_second']:.2f}x")
    if pipe and "argos-default" in results:
        print(f"pipeline/argos: {pipe / results['argos-default']['sentences_per_second']:.1f}x")
    if pipe and "argos-intra1" in results:
        print(
            f"pipeline/argos-intra1: {pipe / results['argos-intra1']['sentences_per_second']:.1f}x"
        )
    rerun = results["rerun"]
    print(
        f"rerun of {args.rerun_comments:,} cached comments: {rerun['seconds']:.1f} s "
        f"({args.rerun_comments / rerun['seconds']:,.0f} comments/s; pipeline "
        f"{rerun['run_seconds']:.1f} s, the rest is writing the rows)"
    )
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    report = cache_dir() / "translation-results.json"
    report.write_text(json.dumps({"sentences": args.sentences, **results}, indent=2))
    print(f"(figures also in {report})")


if __name__ == "__main__":
    main()
