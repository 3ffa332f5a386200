"""A small inline corpus for engine tests: wire-copy duplicates, decoys, one outlier."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.embedder import Embedder
from retrieval.engine import Engine
from tests.retrieval.inline_corpus import index_articles

WIRE = (
    "Hurricane Ian slammed into the southwest coast of Florida on Wednesday as a powerful "
    "Category 4 storm, flooding streets in Fort Myers and knocking out power to more than "
    "a million homes.\n\nGovernor Ron DeSantis said state crews were ready to begin rescues "
    "as soon as the winds eased. Forecasters warned of a life-threatening storm surge of up "
    "to 18 feet along parts of the coast.\n\nThe storm was expected to weaken as it crossed "
    "the peninsula toward the Atlantic."
)
DECOY = (
    "Hurricane {n} brought heavy rain and strong winds to the Florida coast, where residents "
    "boarded up windows and officials opened shelters. Forecasters said the hurricane could "
    "strengthen over warm Gulf waters before landfall in Florida."
)
ARTICLES = [
    {"id": "wire-ap", "title": "Hurricane Ian hits Florida", "date": "2022-09-28",
     "source": "apnews.com", "text": WIRE},
    {"id": "wire-cnn", "title": "Ian makes landfall in Florida", "date": "2022-09-28",
     "source": "cnn.com", "text": "Fort Myers, Florida (CNN) — " + WIRE + "\n\nCNN's team contributed."},
    *[{"id": f"decoy-{i}", "title": f"Storm watch {i}", "date": f"2022-09-{10 + i:02d}",
       "source": "big.com", "text": DECOY.format(n=name)}
      for i, name in enumerate(["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"])],
    {"id": "tiny-1", "title": "Town notes", "date": "2021-05-02", "source": "small.com",
     "text": "The town council met on Monday to discuss the library budget. Members also "
             "reviewed the hurricane preparedness plan for the coming season in Florida."},
    {"id": "football", "title": "Cup final", "date": "2022-06-01", "source": "bbc.co.uk",
     "text": "The striker scored twice in the second half as the home side won the cup final "
             "in front of a sell-out crowd. The manager praised his young squad."},
]


@pytest.fixture(scope="session")
def mini_index(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    return index_articles(tmp_path_factory.mktemp("mini"), "mini", ARTICLES, embedder)


@pytest.fixture(scope="session")
def mini_engine(mini_index: Path, embedder: Embedder) -> Engine:
    return Engine.open(mini_index, embedder)


@pytest.fixture(scope="session")
def seed_engine(seed_location: tuple[str, str], embedder: Embedder) -> Engine:
    """The seed index on each backend (local, milvus): every test using it runs twice."""
    kind, location = seed_location
    return Engine.open(location, embedder, backend=kind)
