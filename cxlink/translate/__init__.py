"""Offline translation of feedback comments into English with argostranslate packages.

Batched (CTranslate2 `translate_batch` over length-sorted sentences), cached in the warehouse,
and nothing downloaded at run time. Modules: `text` (normalization, paragraphs; sentences come
from `cxlink.sentences`, shared with tagging), `detect` (offline language identification),
`packages` (argos packages on disk), `engine` (one package's batched translator), `cache`,
`pipeline` (comments -> rows), `schema` (tables). The random-weight packages that tests and
benchmarks translate with are built by `tests/translate/synthetic_package.py`.
"""
