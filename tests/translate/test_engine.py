"""The batched engine: reassembly, batching invariance, and equality with argostranslate."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cxlink.translate.engine import EngineSettings, PackageTranslator, detokenize
from cxlink.translate.packages import install_package
from cxlink.translate.text import normalize
from tests.translate.synthetic_package import demo_corpus

FI = [
    "Hinta on liian korkea. Tuki vastasi tunnin sisällä!",
    "Uusi raportointimoduuli korvaa lähes kaikki aiemmat Excel-taulukkomme.",
    "Yksi asia.\n\nToinen kappale, jossa on kaksi lausetta. Näin se menee?",
    "Ominaisuudet vastaavat juuri sitä, mitä tiimimme tarvitsee. Kiitos! Hyvä.",
    "Mobiilisovelluksesta puuttuu puolet verkkoversion toiminnoista",
]


@pytest.fixture
def fi_translator(packages_dir: Path, argos_archives) -> PackageTranslator:
    pkg = install_package(argos_archives["fi"], packages_dir)
    return PackageTranslator(pkg, EngineSettings(inter_threads=2, intra_threads=1, batch_size=4))


def test_outputs_depend_on_the_input(fi_translator: PackageTranslator):
    # (otherwise the reassembly tests below could not notice a mix-up)
    out = fi_translator.translate_texts(demo_corpus()[:50])
    assert len(set(out)) == 50 and all(out)


def test_a_comment_is_its_sentences_translated_in_order(fi_translator: PackageTranslator):
    first, second = "Hinta on liian korkea.", "Tuki vastasi tunnin sisällä!"
    tokens = fi_translator.translate_tokens(fi_translator.tokenize([first, second]))
    expected = detokenize(fi_translator.processor, tokens[0] + tokens[1])
    assert fi_translator.translate_texts([f"{first} {second}"]) == [expected]
    swapped = fi_translator.translate_texts([f"{second} {first}"])[0]
    assert swapped != expected


def test_paragraphs_and_empty_lines_are_kept(fi_translator: PackageTranslator):
    a, b = fi_translator.translate_texts(["Yksi asia.", "Toinen kappale."])
    assert fi_translator.translate_texts(["Yksi asia.\n\nToinen kappale."]) == [f"{a}\n\n{b}"]
    assert fi_translator.translate_texts(["", "Yksi asia."]) == ["", a]


def test_batching_does_not_change_results(fi_translator: PackageTranslator):
    texts = [*FI, *demo_corpus()[:40]]
    together = fi_translator.translate_texts(texts)
    one_by_one = [fi_translator.translate_texts([t])[0] for t in texts]
    assert together == one_by_one


def test_overlong_sentences_are_cut_not_truncated(packages_dir: Path, argos_archives):
    pkg = install_package(argos_archives["fi"], packages_dir)
    translator = PackageTranslator(pkg, EngineSettings(max_sentence_tokens=8))
    long_sentence = " ".join(["Hinta on liian korkea"] * 30)
    out = translator.translate_texts([long_sentence])[0]
    short = PackageTranslator(pkg, EngineSettings()).translate_texts([long_sentence])[0]
    assert out and out != short  # several pieces, each translated


ARGOS_SCRIPT = """
import json, sys
import argostranslate.translate as at
from argostranslate.sbd import ISentenceBoundaryDetectionModel
from cxlink.sentences import split_sentences

class RuleSentences(ISentenceBoundaryDetectionModel):
    def split_sentences(self, text):
        return split_sentences(text)

translation = at.get_translation_from_codes("fi", "en")
# argos' own splitter (MiniSBD) downloads a model: give it ours, so both split the same way
translation.underlying.sentencizer = RuleSentences()
texts = json.load(sys.stdin)
json.dump([translation.translate(t) for t in texts], sys.stdout)
"""


def test_equal_to_argostranslate_on_the_same_package(fi_translator: PackageTranslator, tmp_path):
    """argostranslate 1.11 `translate()` with its defaults (beam 4, length penalty 0.2), its
    sentence splitter replaced by ours, against the batched engine with the same beam, on
    normalized multi-sentence, multi-paragraph comments: the strings are identical."""
    texts = [normalize(t) for t in [*FI, *demo_corpus()[::25]]]
    env = {
        **os.environ,
        "ARGOS_DEVICE_TYPE": "cpu",
        # argos creates its data/config/cache folders on import: keep them in tmp
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    env.pop("ARGOS_BEAM_SIZE", None)
    done = subprocess.run(
        [sys.executable, "-c", ARGOS_SCRIPT],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    argos = json.loads(done.stdout)
    assert fi_translator.settings.beam_size == 4
    assert fi_translator.translate_texts(texts) == argos
