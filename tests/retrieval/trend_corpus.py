"""A small dated corpus for the chart tests: one story (a ferry strike) told by seven
sources over three months, unrelated articles, and two namesakes quoted on different
days (Wang Wenbin four times, Wang Yi twice). Built once per session into a temporary
index (``trend_index``); tests that change an index copy it."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.embedder import Embedder
from tests.retrieval.inline_corpus import index_articles

STRIKE = [
    ("2022-03-01", "Harbor Gazette", "Ferry crews vote to strike over pay",
     "Crews on the Gull Island ferry voted to strike over pay and staffing, their union said, "
     "threatening the only crossing between the island and Port Alder."),
    ("2022-03-08", "Valley Wire", "Ferry strike begins on Gull Island route",
     "The ferry strike began at dawn on Tuesday as deckhands and engineers walked off the "
     "Gull Island boats, leaving commuters stranded at the Port Alder terminal."),
    ("2022-03-09", "Island Times", "Islanders stranded as ferry workers strike",
     "Islanders queued for water taxis on Wednesday as the ferry workers' strike kept the "
     "Gull Island ferry tied up in Port Alder for a second day."),
    ("2022-03-15", "Harbor Gazette", "Ferry strike talks break down",
     "Talks between the ferry operator and the striking crews broke down on Monday; the union "
     "said the strike on the Gull Island ferry would continue until pay is settled."),
    ("2022-03-16", "Coast Herald", "Ferry strike hits island shops",
     "Shops on Gull Island ran short of fresh food as the ferry strike entered its second "
     "week, with no boats crossing from Port Alder."),
    ("2022-03-17", "Valley Wire", "Mediator named in ferry strike",
     "A state mediator was named on Thursday to end the Gull Island ferry strike, which has "
     "halted the crossing to Port Alder for ten days."),
    ("2022-03-18", "Bay Post", "Schools close as ferry strike drags on",
     "Island schools closed on Friday because teachers who live in Port Alder could not cross "
     "while the ferry workers remain on strike."),
    ("2022-03-18", "North Star", "Ferry strike: what commuters need to know",
     "The ferry strike has stopped every Gull Island crossing; commuters can use a charter "
     "boat the council hired while ferry crews stay on strike."),
    ("2022-03-19", "Tide Daily", "Ferry crews reject first offer",
     "Striking ferry crews rejected the operator's first pay offer on Saturday, so the Gull "
     "Island ferry strike goes on."),
    ("2022-04-05", "Harbor Gazette", "Ferry strike ends with pay deal",
     "The Gull Island ferry strike ended on Tuesday after crews accepted a pay deal, and the "
     "first ferry crossed from Port Alder at noon."),
    ("2022-04-06", "Island Times", "First ferry since the strike greeted by cheers",
     "Islanders cheered the first ferry to dock on Gull Island since the strike, as crews "
     "returned to work under the new pay deal."),
    ("2022-05-20", "Coast Herald", "Ferry strike cost the island millions, study says",
     "The month-long ferry strike cost Gull Island businesses millions, a study found, and "
     "the union warned that crews could strike again next year."),
    ("2022-05-21", "Harbor Gazette", "Ferry crews warn of new strike",
     "Ferry crews warned they may strike again if the Gull Island operator delays the pay "
     "rise it promised when the last strike ended."),
]
UNDATED_STRIKE = ("Ferry strike diary",
                  "A diary of the ferry strike: the Gull Island crossing stood still while crews "
                  "were on strike over pay.")
OTHER = [
    ("2022-03-10", "Harbor Gazette", "Port Alder wins the cup final",
     "Port Alder's football team won the cup final with two late goals in front of a full "
     "stadium."),
    ("2022-03-20", "Valley Wire", "A spring soup recipe",
     "Simmer leeks, potatoes and a little thyme for twenty minutes, then blend until smooth."),
    ("2022-04-15", "Bay Post", "New phone launched",
     "The company launched a phone with a larger battery and a brighter screen on Friday."),
    ("2022-05-01", "Island Times", "Rainy May forecast",
     "Forecasters expect a wet and cool May, with rain on most days in the second half."),
]
WENBIN = [
    ("2022-01-10", "China firmly opposes unilateral sanctions"),
    ("2022-02-14", "Cooperation between our countries has no limits"),
    ("2022-02-21", "We urge all parties to exercise restraint"),
    ("2022-03-07", "The door to dialogue remains open"),
]
WANG_YI = [
    ("2022-02-15", "Our relations have withstood the test of the changing situation"),
    ("2022-04-04", "Both sides agreed to deepen trade ties"),
]


def articles() -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for i, (day, source, title, text) in enumerate(STRIKE):
        out.append({"id": f"strike-{i:02d}", "date": day, "source": source, "title": title,
                    "text": text})
    out.append({"id": "strike-undated", "source": "Harbor Gazette", "title": UNDATED_STRIKE[0],
                "text": UNDATED_STRIKE[1]})
    for i, (day, source, title, text) in enumerate(OTHER):
        out.append({"id": f"other-{i}", "date": day, "source": source, "title": title,
                    "text": text})
    for i, (day, words) in enumerate(WENBIN):
        out.append({"id": f"wenbin-{i}", "date": day, "source": "Foreign Desk",
                    "title": f"Ministry briefing {day}",
                    "text": f"Foreign ministry spokesman Wang Wenbin held a briefing on {day}. "
                            f"\"{words},\" Wang Wenbin said."})
    for i, (day, words) in enumerate(WANG_YI):
        out.append({"id": f"wangyi-{i}", "date": day, "source": "Foreign Desk",
                    "title": f"Minister's talks {day}",
                    "text": f"Foreign Minister Wang Yi met his counterpart on {day}. "
                            f"\"{words},\" Wang Yi said."})
    return out


def build_trend_index(root: Path, embedder: Embedder) -> Path:
    return index_articles(root, "trend", articles(), embedder, quotes=True)


_BUILT: dict[str, Path] = {}


@pytest.fixture(scope="session")
def trend_index(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    """Built once per session, whichever test module asks first (read-only)."""
    if "index" not in _BUILT:
        _BUILT["index"] = build_trend_index(tmp_path_factory.mktemp("trend"), embedder)
    return _BUILT["index"]
