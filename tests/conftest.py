from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEED_RETURN = ROOT / "corpus" / "returns" / "leicestershire_2013_stocktake.txt"


@pytest.fixture
def datapath():
    """Resolve a file in tests/data, failing loudly if it is missing."""

    def resolve(name: str) -> Path:
        path = DATA / name
        if not path.exists():
            raise FileNotFoundError(f"test fixture {path} is missing: run python tests/data/make_fixtures.py")
        return path

    return resolve


@pytest.fixture(scope="session")
def codebook():
    from wvtext.codebook import load_codebook

    return load_codebook()


@pytest.fixture(scope="session")
def nlp():
    """The default theme pipeline (spacy.blank("en") with wvtext's components), built once."""
    from wvtext.themes.pipeline import make_nlp

    return make_nlp()


@pytest.fixture(scope="session")
def seed_return():
    from wvtext.ingest import read_input

    return read_input(SEED_RETURN).returns[0]


@pytest.fixture
def store(tmp_path):
    from wvtext.store import open_store

    s = open_store(tmp_path / "test.db")
    yield s
    s.close()
