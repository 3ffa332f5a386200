"""The retrieval facade the CLI and the bot call (see docs/ARCHITECTURE.md).

Everything stored is reached through an `index.backend.Backend` (local SQLite + FAISS,
or Milvus): no SQL and no FAISS here. Thread-safe: backends are, and the embedder
serialises encodes.

Scope: every method that reads articles takes ``scope=`` (an `index.backend.Scope`;
default: the operator's, which sees everything). The bot passes
``Scope.for_guild(interaction.guild_id)``; the scope is applied by the backend before
ranking, next to the `Filters`.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from index.backend import (
    OPERATOR,
    OPERATOR_SCOPE,
    ArticleFilter,
    Backend,
    Scope,
    backend_kind,
    open_backend,
)
from index.embedder import (
    Embedder,
    core_spare_while_encoding,
    load_embedder,
    query_device,
    set_torch_threads,
)
from index.errors import BadQueryError
from index.gate import QueryGate
from index.models import Article, IndexStats, IngestSummary
from index.sentences import paragraph_spans, sentence_spans
from index.settings import NewsdeskSettings
from index.text.stems import content_terms
from retrieval.answer import (
    Candidate,
    build_answer,
    choose_sentences,
    headline_answer,
    no_answer,
    quotes_answer,
)
from retrieval.answer_select import (
    answer_candidates,
    names_answer_this_week,
    title_names_answer,
    with_antecedents,
    with_follower,
)
from retrieval.excerpts import lexical_score, make_excerpt, term_weights
from retrieval.fusion import DEFAULT_WEIGHTS, Weights
from retrieval.generate import GeneratorConfig, rephrase
from retrieval.grouping import ArticleGroup, collapse_duplicates
from retrieval.hybrid import HybridRanker, Mode
from retrieval.models import Answer, Excerpt, Filters, Hit, QuoteLookup
from retrieval.periods import Period
from retrieval.plan import QueryPlan, fallback_note, make_plan
from retrieval.routing import route_quotes
from retrieval.topics import TopicScore
from retrieval.trend_models import ChartData, CompareKind

if TYPE_CHECKING:
    from index.ingest import Indexer, IngestSession
    from retrieval.trends import Corpus  # trends reads engine's thresholds: imported late

log = logging.getLogger(__name__)

MAX_K = 50
SERVING_TORCH_THREADS = 1  # NEWSDESK_TORCH_THREADS unset: see _serving_threads
QUERY_CACHE = 512  # query vectors kept (1.5 KB each)
EXCERPTS_PER_HIT = 2
# Articles read beyond k for duplicate collapsing (a folded copy needs a replacement);
# a third of the 3k ranked ones were read for nothing before (issue 13).
FETCH_SLACK = 3
ANSWER_HITS = 3  # hits whose excerpts feed the extractive answer
# An answer is made of the hits' sentences: a page whose body says nothing (a
# registration wall) has none to give, so its headline does not stand in for it here as
# it does in search (retrieval/fusion.py).
ANSWER_FUSION = replace(DEFAULT_WEIGHTS, title_stands_in=0.0)
ANSWER_PASSAGES = 5  # best-ranked passages per answer hit whose sentences are candidates
# Calibrated on RealTime QA dev questions vs 40 off-topic questions (cooking, maths, pets):
# the best passage cosine was >= 0.47 for 99% of dev questions and < 0.47 for 97.5% of
# off-topic ones (0.45: 99% / 85%). A passage a bit under the bar still answers when its
# best sentence holds most of the question's terms (short keyword queries embed weakly),
# or, for a dated question, when it names a thing of the asked-for kind next to the
# question's words in an article of that week (answer_select.names_answer_this_week).
NO_ANSWER_COSINE = 0.47
WEAK_COSINE = 0.38
WEAK_LEXICAL = 0.75
TITLE_HOLDS_TERMS = 2  # a title holding all of one word says little
# ... or when one of its excerpts as a whole holds that much (the answer to "how much will
# the library cost?" is a sentence that says "cost" but not "library").
WEAK_PASSAGE_LEXICAL = 0.75
# ... or when its top article's fused score reaches this, with that article's own cosine
# at least WEAK_COSINE: the best word match, close in meaning and from the days just
# before a dated question (the recency prior applies only then). Dev questions under the
# cosine bar reached 1.02-1.31; 40 + 80 off-topic questions, undated and dated at four
# archive days, at most 0.99 ("what's the latest news on sourdough bread?").
CLEAR_RANK_SCORE = 1.1
# A headline answers when no sentence does if it holds this many of the question's
# content words and this share of their weight ("India or Bharat? G20 invitation fuels
# speculation over name change" for a question about India, its G20 invitations and a
# change of name, under a registration wall).
HEADLINE_TERMS = 4
HEADLINE_COVER = 0.4
SILENT_BODY_COSINE = 0.2  # ... and its page's text is this far from the question
DIGEST_ARTICLES = 5  # lead sentences shown for "what happened in March 2022?"
# Words that carry no topic once a date phrase is removed ("what happened", "any news").
GENERIC_TERMS = frozenset(content_terms(
    "happen happened happening news latest new stories story headlines events event "
    "going report reported top biggest main anything"))
SENTENCE_MIN = 0.25  # answer sentences need this blended score (answer_select.py)
# A relative date's window ("this week") counted from the newest article answers unless
# the whole archive's best passage is this much closer to the question: then the answer
# comes from any date, and says so.
WINDOW_MARGIN = 0.1
# The asker's own date ("on May 4, 2021") gives way to the whole archive only at a wider
# margin than a window counted back from the newest article: it may date the background
# (an inquiry a year after the collapse it names), but it was said, not guessed. The
# background dates of the dev and held-out questions were 0.16 and 0.23 closer outside.
ASKED_DATE_MARGIN = 0.15


@dataclass(frozen=True)
class _Results:
    hits: list[Hit]
    groups: list[ArticleGroup]  # the hits' ranking groups (passage cosines)
    qvec: np.ndarray
    articles: dict[str, Article]


def backend_filter(filters: Filters | None, scope: Scope = OPERATOR_SCOPE) -> ArticleFilter:
    """The user's filters plus the viewer's scope, as the backend takes them."""
    f = filters or Filters()
    return ArticleFilter(f.date_from, f.date_to, f.source, f.article_ids, scope)


class Engine:
    """Search, answers, quotes and index access over one index directory."""

    def __init__(self, backend: Backend, embedder: Embedder | None,
                 generator: GeneratorConfig | None = None, *,
                 model_path: Path | None = None) -> None:
        self.backend = backend
        self._embedder = embedder  # None: loaded (model_path) on first use
        self._model_path = model_path
        self._model_lock = threading.Lock()
        self.generator = generator
        self.ranker = HybridRanker(backend)
        self._ingest_lock = threading.Lock()
        self.query_gate = QueryGate()  # the bot marks its queries; ingestion here yields to them
        self._session: contextlib.ExitStack | None = None  # open_ingest_session()
        self._writer: IngestSession | None = None
        self._cache_lock = threading.Lock()
        self._query_cache: dict[str, np.ndarray] = {}  # insertion-ordered: oldest first
        self.settings: NewsdeskSettings | None = None  # set by open()
        # BM25 beside the query encode (True) or after it in the calling thread (False);
        # None: beside it only when a core is spare (decided at the first search).
        self.overlap_lexical: bool | None = None

    @classmethod
    def open(cls, index_dir: str | Path | None = None, embedder: Embedder | None = None,
             *, generator: GeneratorConfig | None = None, read_only: bool = False,
             backend: str | None = None, settings: NewsdeskSettings | None = None,
             lazy_model: bool = False) -> Engine:
        """Open an existing index (IndexNotFoundError otherwise) and check its model.

        ``read_only``: for commands that only read (no feedback, no ingest).
        ``settings`` (default: read from the environment once, here) gives the index
        directory when ``index_dir`` is None (local backend), the model, thread counts
        and the rephraser. ``lazy_model`` loads (and checks) the embedding model on first
        use (a CLI quote lookup by name never needs it).
        """
        settings = settings or NewsdeskSettings()
        if index_dir is None and backend_kind(backend, settings) == "local":
            index_dir = settings.index_dir
        store = open_backend(index_dir, kind=backend, read_only=read_only, settings=settings)
        _serving_threads(settings)
        prepare = getattr(store, "prepare_for_serving", None)  # optional: load vectors now
        if prepare is not None:
            prepare()
        # Lazy: the model is checked when it loads (`embedder`), so a quote lookup by name
        # works on an index built with any model.
        if embedder is not None or not lazy_model:
            embedder = embedder or load_embedder(
                settings.model, device=query_device(settings.query_device))
            store.check_model(embedder.name, embedder.dim)
        engine = cls(store, embedder, generator or GeneratorConfig.from_settings(settings),
                     model_path=settings.model)
        engine.settings = settings
        _warn_if_quotes_stale(store)
        return engine

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            with self._model_lock:
                if self._embedder is None:
                    wanted = self.settings.query_device if self.settings else None
                    embedder = load_embedder(self._model_path, device=query_device(wanted))
                    self.backend.check_model(embedder.name, embedder.dim)
                    self._embedder = embedder
        return self._embedder

    def close(self) -> None:
        self.backend.close()

    def _encode_query(self, text: str) -> np.ndarray:
        """Query vectors are cached: the bot often searches, then asks, the same text."""
        with self._cache_lock:
            vec = self._query_cache.get(text)
        if vec is None:
            vec = self.embedder.encode([text])[0]
            with self._cache_lock:
                self._query_cache[text] = vec
                while len(self._query_cache) > QUERY_CACHE:
                    self._query_cache.pop(next(iter(self._query_cache)))
        return vec

    def clear_query_cache(self) -> None:
        with self._cache_lock:
            self._query_cache.clear()

    def _plan(self, query: str, filters: Filters | None, as_of: str | date | None,
              scope: Scope, read_dates: bool = True, background: str = "") -> QueryPlan:
        return make_plan(query, filters, as_of, self.backend.latest_date(scope), read_dates,
                         background)

    # ----- search --------------------------------------------------------------------

    def rank_articles(self, query: str, k: int = 10, filters: Filters | None = None, *,
                      as_of: str | date | None = None, mode: Mode = "hybrid",
                      read_dates: bool = True, scope: Scope = OPERATOR_SCOPE) -> list[str]:
        """Article ids best first, without duplicate collapsing (for evaluation).

        ``read_dates=False`` ignores date expressions in the query (plain baselines).
        """
        plan = self._plan(query, filters, as_of, scope, read_dates)
        if plan.empty:
            return []
        return [g.article_id for g in self._rank(plan, k, scope, mode)[0]]

    def _rank(self, plan: QueryPlan, k: int, scope: Scope, mode: Mode = "hybrid",
              fusion: Weights | None = None) -> tuple[list[ArticleGroup], np.ndarray]:
        flt = backend_filter(plan.filters, scope)
        # BM25 over passages and titles needs no vector: it runs while the query encodes.
        if self.overlap_lexical is None:
            self.overlap_lexical = core_spare_while_encoding()
        lexical = self.ranker.start_lexical(plan.searched, flt, mode) \
            if mode != "dense" and self.overlap_lexical else None
        qvec = self._encode_query(plan.searched)
        groups = self.ranker.rank(plan.searched, qvec, flt, k, plan.as_of, mode, lexical, fusion)
        return groups, qvec

    def search(self, query: str, k: int = 5, filters: Filters | None = None, *,
               as_of: str | date | None = None, scope: Scope = OPERATOR_SCOPE) -> list[Hit]:
        """The ``k`` best articles for ``query``, each with its best excerpts."""
        if not 1 <= int(k) <= MAX_K:
            raise BadQueryError(f"k must be between 1 and {MAX_K}.")
        plan = self._plan(query, filters, as_of, scope)
        if plan.empty:
            return []
        return self._hits(plan, k, scope).hits

    def _hits(self, plan: QueryPlan, k: int, scope: Scope,
              excerpted: int | None = None, fusion: Weights | None = None) -> _Results:
        """The k best hits; only the first ``excerpted`` (default all) get excerpts (an
        answer reads the top ANSWER_HITS only)."""
        groups, qvec = self._rank(plan, 3 * k, scope, fusion=fusion)
        if not groups:
            return _Results([], [], qvec, {})
        articles: dict[str, Article] = {}
        present = self._present(groups, k, scope, articles)
        kept = collapse_duplicates(present, lambda a: articles[a].text, k,
                                   lambda a: articles[a].title)
        weights = term_weights(plan.text)
        shown = kept[:excerpted]
        wanted = [pid for g in shown for pid, _ in _excerpt_passages(g)]
        passages = {p.id: p for p in self.backend.get_passages(wanted)}
        hits = []
        for i, g in enumerate(kept):
            art = articles[g.article_id]
            excerpts = tuple(make_excerpt(art.text, passages[pid], weights)
                             for pid, _ in _excerpt_passages(g)
                             if pid in passages) if i < len(shown) else ()
            hits.append(Hit(article_id=art.id, title=art.title, date=art.date, source=art.source,
                            url=art.url, score=round(g.score, 6), excerpts=excerpts,
                            also_in=tuple(g.also_in)))
        return _Results(hits, kept, qvec, articles)

    def _present(self, groups: list[ArticleGroup], k: int, scope: Scope,
                 articles: dict[str, Article]) -> Iterator[ArticleGroup]:
        """The groups whose article still exists (one may be removed meanwhile), reading
        the articles into ``articles`` only as far as duplicate collapsing gets: the first
        k + FETCH_SLACK in one read, the rest in a second read if ever needed."""
        for lo, hi in ((0, k + FETCH_SLACK), (k + FETCH_SLACK, len(groups))):
            chunk = groups[lo:hi]
            if not chunk:
                return
            articles.update(self.backend.get_articles([g.article_id for g in chunk], scope))
            yield from (g for g in chunk if g.article_id in articles)

    # ----- answers -------------------------------------------------------------------

    def answer(self, question: str, filters: Filters | None = None, *,
               as_of: str | date | None = None, scope: Scope = OPERATOR_SCOPE,
               background: str = "") -> Answer:
        """An extractive, cited answer; "what did X say" questions go to the quotes.

        A date phrase of the question whose range holds no answer falls back to the
        whole archive, and the answer says so: a relative one ("this week") also when
        its window's answer is clearly weaker and no ``as_of`` said when it was.
        ``background`` (a follow-up's earlier question and title) is searched with the
        question, but sentences are chosen for the question's own words.
        """
        plan = self._plan(question, filters, as_of, scope, background=background)
        answer, best = self._answer_plan(question, plan, scope)
        window = plan.question_window
        if window is None:
            return answer
        if not window.relative:
            # "in 2000", "on January 6, 2021": the asker's own dates, but they may date
            # the background ("eliminated in 2000", "the insurrection on January 6, 2021"
            # for the hearing about it a year later): they stand unless the whole archive
            # holds a clearly closer match. A date with no topic is a digest: it stands.
            if _asks_for_a_period(plan):
                return answer
        elif answer.kind != "no_answer" and plan.as_of is not None:
            return answer  # the asker said when "this week" was: its window stands
        if answer.kind != "no_answer" and best >= 1.0 - window_margin(plan):
            return answer  # a quotes answer or a digest (1.0): no cosine can beat it
        # Counted back from the newest article, the window is a guess: it stands only
        # when its best match is about as close as the whole archive's.
        wide, wide_best = self._answer_plan(question, plan.without_question_dates(), scope)
        return window_or_archive(plan, answer, best, wide, wide_best)

    def _answer_plan(self, question: str, plan: QueryPlan,
                     scope: Scope) -> tuple[Answer, float]:
        """The answer for one plan, and the best passage cosine it stood on."""
        if plan.empty:
            return no_answer(question, plan.filters), -1.0
        route = route_quotes(plan.text)
        if route is not None:
            lookup = self.quotes(route.speaker, route.about, plan.filters, scope=scope)
            if lookup.quotes or lookup.candidates:
                return quotes_answer(question, lookup, plan.filters), 1.0
            if lookup.speaker:
                # Quoted, only not on this topic or in these dates: say so, rather than
                # search, which answers with other people's words about the topic.
                return quotes_answer(question, lookup, plan.filters), -1.0
            # Nobody of that name in the quote index: ordinary search may still help.
        if _asks_for_a_period(plan):
            return self._digest(question, plan, scope), 1.0
        res = self._hits(plan, 5, scope, excerpted=ANSWER_HITS, fusion=ANSWER_FUSION)
        best_cos = max((g.cosine for g in res.groups[:ANSWER_HITS]), default=-1.0)
        weights = term_weights(plan.text)
        headline = _a_title_holds(res.hits[:ANSWER_HITS], weights)
        if not res.hits or best_cos < WEAK_COSINE and not headline:
            return self._headline_or_none(question, plan, res, weights), best_cos
        texts = {aid: art.text for aid, art in res.articles.items()}
        passage_scores = {pid: score for g in res.groups for pid, score in g.passages}
        hits = self._answer_hits(res, plan.text)
        candidates = answer_candidates(question, plan.text, hits, texts, passage_scores)
        if best_cos < NO_ANSWER_COSINE and not headline and not _ranks_clearly(res) and \
                not names_answer_this_week(candidates, plan.as_of):
            sentence_cover = max((lexical_score(c.text, weights) for c in candidates), default=0.0)
            passage_cover = max((lexical_score(ex.text, weights)
                                 for hit in hits for ex in hit.excerpts),
                                default=0.0)
            if sentence_cover < WEAK_LEXICAL and passage_cover < WEAK_PASSAGE_LEXICAL:
                return self._headline_or_none(question, plan, res, weights), best_cos
        chosen = with_antecedents(
            with_follower(choose_sentences(candidates, SENTENCE_MIN), question, texts),
            question, texts)
        answer = build_answer(question, chosen, plan.filters,
                              with_title=title_names_answer(chosen, question))
        return rephrase(answer, self.generator), best_cos

    def _headline_or_none(self, question: str, plan: QueryPlan, res: _Results,
                          weights: Mapping[str, float]) -> Answer:
        """The hit whose headline covers the question best, if enough (HEADLINE_TERMS,
        HEADLINE_COVER), as the answer; else no answer. Its excerpt is its page's first
        passage when it had none (hits past ANSWER_HITS are not excerpted)."""
        best, best_cover = None, HEADLINE_COVER
        cosine = {g.article_id: g.cosine for g in res.groups}
        for hit in res.hits:
            if cosine.get(hit.article_id, 0.0) >= SILENT_BODY_COSINE:
                continue  # its text was read and judged: the headline adds nothing
            shared = set(content_terms(hit.title or "")) & set(weights)
            cover = lexical_score(hit.title or "", weights)
            if len(shared) >= HEADLINE_TERMS and cover >= best_cover:
                best, best_cover = hit, cover
        if best is None:
            return no_answer(question, plan.filters)
        if not best.excerpts:
            passages = self.backend.passages_for(best.article_id)
            article = res.articles.get(best.article_id)
            if not passages or article is None:
                return no_answer(question, plan.filters)
            best = replace(best, excerpts=(make_excerpt(article.text, passages[0], weights),))
        return headline_answer(question, best, plan.filters)

    def _answer_hits(self, res: _Results, text: str) -> list[Hit]:
        """The top hits, each with up to ANSWER_PASSAGES of its best-ranked passages
        (not only the one or two shown as excerpts): the answer often sits one
        paragraph away from the passage that matched the question best."""
        hits = res.hits[:ANSWER_HITS]
        groups = {g.article_id: g for g in res.groups}
        shown = {ex.passage_id for hit in hits for ex in hit.excerpts}
        more = [pid for hit in hits if hit.article_id in groups
                for pid, _ in groups[hit.article_id].passages[:ANSWER_PASSAGES]
                if pid not in shown]
        if not more:
            return hits
        weights = term_weights(text)
        passages = self.backend.get_passages(more)
        return [replace(hit, excerpts=hit.excerpts + tuple(
                    make_excerpt(res.articles[hit.article_id].text, p, weights)
                    for p in passages if p.article_id == hit.article_id))
                for hit in hits]

    def _digest(self, question: str, plan: QueryPlan, scope: Scope) -> Answer:
        """A date with no topic: the opening sentence of the period's newest articles."""
        newest = self.backend.newest_articles(backend_filter(plan.filters, scope),
                                              DIGEST_ARTICLES)
        chosen = []
        for art in newest:
            passage = next(iter(self.backend.passages_for(art.id)), None)
            if passage is None:
                continue
            excerpt = make_excerpt(art.text, passage, {})
            spans = sentence_spans(art.text, passage.start, passage.end)
            if not spans:
                continue
            hit = Hit(article_id=art.id, title=art.title, date=art.date, source=art.source,
                      url=art.url, score=0.0, excerpts=(excerpt,))
            s0, e0 = spans[0]
            chosen.append(Candidate(hit=hit, excerpt=excerpt, span=(s0, e0),
                                    text=art.text[s0:e0], score=1.0))
        return build_answer(question, chosen, plan.filters)

    # ----- quotes --------------------------------------------------------------------

    def quotes(self, speaker: str, about: str | None = None,
               filters: Filters | None = None, *, scope: Scope = OPERATOR_SCOPE) -> QuoteLookup:
        """``speaker``'s quotes (on ``about`` when given), newest or most on-topic first."""
        from retrieval.quotes import lookup_quotes

        f = filters or Filters()
        return lookup_quotes(self.backend, speaker, about, f.date_from, f.date_to,
                             self.embedder if about else None,  # only topics need the model
                             article_ids=f.article_ids, source=f.source, scope=scope)

    def speakers(self, prefix: str = "", limit: int = 25, *,
                 scope: Scope = OPERATOR_SCOPE) -> list[str]:
        from retrieval.quotes import list_speakers

        return list_speakers(self.backend, prefix, limit, scope=scope)

    # ----- charts (retrieval/trends.py) ----------------------------------------------

    def trend(self, query: str, filters: Filters | None = None,
              by: Period | None = None, *, scope: Scope = OPERATOR_SCOPE) -> ChartData:
        """Articles matching ``query`` per period, by source (the answers' relevance test)."""
        from retrieval.trends import trend_chart

        return trend_chart(self._corpus(scope), query, filters, by)

    def timeline(self, speaker: str, filters: Filters | None = None,
                 by: Period | None = None, *, scope: Scope = OPERATOR_SCOPE) -> ChartData:
        from retrieval.trends import timeline_chart

        return timeline_chart(self._corpus(scope), speaker, filters, by)

    def compare(self, names: Sequence[str], kind: CompareKind = "auto",
                filters: Filters | None = None, by: Period | None = None, *,
                scope: Scope = OPERATOR_SCOPE) -> ChartData:
        from retrieval.trends import compare_chart

        return compare_chart(self._corpus(scope), names, kind, filters, by)

    def _corpus(self, scope: Scope) -> Corpus:
        from retrieval.trends import Corpus

        def bounds() -> tuple[str | None, str | None]:
            stats = self.backend.stats(scope)
            return stats.date_min, stats.date_max

        def quotes(speaker: str, about: str | None, filters: Filters | None) -> QuoteLookup:
            return self.quotes(speaker, about, filters, scope=scope)

        return Corpus(self.backend, self._encode_query, quotes, bounds, scope)

    # ----- articles ------------------------------------------------------------------

    def article(self, article_id: str, *, scope: Scope = OPERATOR_SCOPE) -> Article:
        """Raises `ArticleNotFoundError` for a missing id and for one ``scope`` hides."""
        return self.backend.get_article(article_id, scope)

    def context(self, article_id: str, start: int, end: int, *,
                scope: Scope = OPERATOR_SCOPE) -> Excerpt:
        """The paragraph(s) holding ``text[start:end]``, that span highlighted."""
        art = self.backend.get_article(article_id, scope)
        if not 0 <= start < end <= len(art.text):
            raise BadQueryError(f"Span {start}:{end} is outside article {article_id!r}.")
        paras = paragraph_spans(art.text)
        hit = [(i, s, e) for i, (s, e) in enumerate(paras, start=1) if s < end and e > start]
        number, lo, hi = (hit[0][0], hit[0][1], hit[-1][2]) if hit else (0, start, end)
        lo, hi = min(lo, start), max(hi, end)
        passage_id = next((p.id for p in self.backend.passages_for(article_id)
                           if p.start <= start < p.end), 0)
        return Excerpt(article_id=article_id, passage_id=passage_id, text=art.text[lo:hi],
                       start=lo, end=hi, paragraph=number, highlights=((start, end),))

    def stats(self, *, scope: Scope = OPERATOR_SCOPE) -> IndexStats:
        """What ``scope`` sees (a server: the shared archive plus its own additions)."""
        return self.backend.stats(scope)

    def ingest(self, paths: Iterable[str | Path], *, owner: str = OPERATOR) -> IngestSummary:
        """Add files to this index as ``owner`` (`index.backend.owner_for_guild(guild_id)`
        for a server's upload); searches keep working, follow each commit, and go first
        (`query_gate`). Inside `open_ingest_session` the files join the open writer session."""
        with self._ingest_lock:
            if self._writer is not None:
                return self._writer.add(paths, owner=owner)
            return self._indexer().add(paths, owner=owner)

    def ingest_articles(self, articles: Iterable[Article],
                        owner: str = OPERATOR) -> IngestSummary:
        """Add or replace `Article`s built elsewhere (feeds) as ``owner`` through the
        same writer; searches follow each commit."""
        where = f"feed[{owner}]"
        with self._ingest_lock:
            if self._writer is not None:
                return self._writer.add_articles(articles, where, owner=owner)
            return self._indexer().add_articles(articles, where=where, owner=owner)

    def open_ingest_session(self) -> None:
        """Start one writer session for the ingest calls that follow (the chunks of
        large uploads queued back to back): the end-of-run work (vector file, pruning,
        stale quotes) runs once, at `close_ingest_session`, not per call."""
        with self._ingest_lock:
            if self._session is not None:
                return
            stack = contextlib.ExitStack()
            self._writer = stack.enter_context(self._indexer().session())
            self._session = stack

    def close_ingest_session(self) -> IngestSummary:
        with self._ingest_lock:
            stack, writer = self._session, self._writer
            self._session = self._writer = None
            if stack is None or writer is None:
                return IngestSummary()
            with stack:
                return writer.finish()

    def _indexer(self) -> Indexer:
        from index.ingest import Indexer

        twin = getattr(self.embedder, "for_ingestion", None)  # queries keep their model
        return Indexer(self.backend, twin() if twin else self.embedder,
                       pause=self.query_gate.pause)

    def topic_scores(self, topic: str, article_ids: Sequence[str]) -> list[TopicScore]:
        """How well each stored article matches a followed topic (retrieval/topics.py)."""
        from retrieval.topics import topic_scores

        return topic_scores(self, topic, article_ids)

    def record_feedback(self, question: str, answer_kind: str, vote: int,
                        user_id: str | None = None, article_ids: Sequence[str] = (),
                        guild_id: str | None = None) -> None:
        self.backend.record_feedback(question, answer_kind, vote, user_id, article_ids,
                                     guild_id=guild_id)


def clear_text_caches() -> None:
    """Forget the per-process caches of text analysis (sentence terms and mentions,
    paragraph breaks): benchmarks call it to time an answer that reuses nothing."""
    from index.sentences import clear_paragraph_cache
    from index.text.stems import clear_term_cache
    from retrieval.entities import clear_mention_cache

    clear_term_cache()
    clear_mention_cache()
    clear_paragraph_cache()


def _ranks_clearly(res: _Results) -> bool:
    """The top article's fused score is one no off-topic question reaches."""
    return bool(res.groups) and res.groups[0].score >= CLEAR_RANK_SCORE \
        and res.groups[0].cosine >= WEAK_COSINE


def _a_title_holds(hits: Sequence[Hit], weights: Mapping[str, float]) -> bool:
    """A top hit's title holds every content word (``weights``) of a short question
    ("what did the council approve?" and "Port Alder council approves electric ferry
    plan"): its passages may all be far from so few words, but the article is about them."""
    return len(weights) >= TITLE_HOLDS_TERMS and any(
        lexical_score(hit.title or "", weights) >= 1.0 for hit in hits)


def _asks_for_a_period(plan: QueryPlan) -> bool:
    """A date and no topic ("What happened in March 2022?"): a digest of the period."""
    return plan.question_window is not None and \
        set(content_terms(plan.text)) <= GENERIC_TERMS


def window_margin(plan: QueryPlan) -> float:
    """How much closer the whole archive's best match must be for the question's date
    window to give way: a written date was said, a relative one counted from a guess."""
    window = plan.question_window
    return WINDOW_MARGIN if window is None or window.relative else ASKED_DATE_MARGIN


def window_or_archive(plan: QueryPlan, window: Answer, best: float,
                      wide: Answer, wide_best: float) -> Answer:
    """The answer from a question date's window, or the whole archive's when the window's
    is no answer or clearly weaker (``best``: the passage cosine each stood on). The
    archive's answer says "Nothing from <the window>" (or, over a weaker answer there,
    "Closer matches from other dates than <the window>") unless its answering source is
    from the window after all (the window's own ranking found it too weak alone)."""
    if wide.kind == "no_answer" or (window.kind != "no_answer"
                                    and best >= wide_best - window_margin(plan)):
        return window
    window_range = plan.question_window
    if window_range is not None and wide.citations \
            and window_range.holds(wide.citations[0].date):
        return wide
    note = fallback_note(plan, weaker=window.kind != "no_answer")
    return replace(wide, text=f"{note}\n{wide.text}")


def freeze_startup_objects() -> None:
    """Leave what start-up built (the model's modules, the catalog, warm caches: ~500k
    objects at 21k passages) out of every later garbage collection. Python's full
    collections walked them all: one 222 ms pause every ~180 questions in a serving
    process (measured, issue 13); collections of what questions create stay as they were.
    For long-running processes (the bot, the terminal session, benchmarks that stand for
    them), called once after the engine is open."""
    gc.collect()  # garbage left by start-up is freed, not kept forever
    gc.freeze()


def _serving_threads(settings: NewsdeskSettings) -> None:
    """One OpenMP thread for FAISS and one torch thread for query serving, unless
    NEWSDESK_FAISS_THREADS / NEWSDESK_TORCH_THREADS say otherwise.

    FAISS and torch share the OpenMP pool in this process; with two threads, a query
    encode right after a FAISS search took ~500 ms instead of ~12 ms on the 2-core box
    (measured), and one-vector searches gain nothing from threads. Torch: with one
    thread the BM25 lists run on the spare core during the encode, and a busy machine
    (an upload being embedded, other processes) does not stall every encode at torch's
    barriers: at load ~15 on 2 cores, answer p50 372 ms vs 2,796 ms with two threads and
    4.2 vs 3.0 answers/s from two clients; quiet, two threads saved ~1.5 ms a search
    (benchmarks/results/2026-11-30-speed-ratios.md).
    """
    import faiss

    from index import vectors

    vectors.configure(settings.vector_index, settings.faiss_threads or 1)
    if not settings.faiss_threads:
        faiss.omp_set_num_threads(1)
    set_torch_threads(settings.torch_threads or SERVING_TORCH_THREADS)


def _excerpt_passages(group: ArticleGroup) -> list[tuple[int, float]]:
    """The best passage, and the second when nearly as good."""
    ps = group.passages[:EXCERPTS_PER_HIT]
    if len(ps) == 2 and ps[1][1] < 0.85 * ps[0][1]:
        ps = ps[:1]
    return ps


def _warn_if_quotes_stale(store: Backend) -> None:
    """Quotes extracted by older rules still answer, but less well: say how to refresh."""
    from index.quotes import rules_version

    # generation > 0: something was ever indexed (a cheap meta read, unlike stats()).
    # No version at all: built with --no-quotes, so there are no quotes to refresh.
    rules = store.quote_rules()
    if store.generation() and rules is not None and rules != rules_version():
        log.warning(
            "The quotes in %s were extracted by older quote rules. Run `newsdesk index add` "
            "on your corpus again to re-extract them (nothing is re-embedded).", store.location
        )
