"""Conversation state and what a follow-up message means in it (no index access, no discord).

``resolve(state, message, vocab)`` turns a message typed after earlier turns into an
:class:`Understood`: a standalone question with its filters, a navigation step over the
last answer ("more", "source 2", "when was that?"), or a ``clarify`` saying what is
missing. Rules only, on top of the quote router and the date parser: a message is read
as a follow-up only when it holds an explicit trigger (an elliptic fragment, a pronoun or
a role noun for a speaker, "about it"); anything else is a new question and carries
nothing. ``advance`` records an answered turn in the state.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any, Literal

from index.quotes.names import keys_compatible, speaker_key
from retrieval import followups as F
from retrieval.dates import parse_dates
from retrieval.models import Answer, Filters
from retrieval.referents import bare_question, substitute_thing, thing_pronoun, topic_phrase

Action = Literal["ask", "more", "context", "where", "clarify"]
RECENT_PEOPLE = 4  # earlier speakers kept for "she" when the last one is a man


@dataclass(frozen=True)
class Person:
    """A speaker an answer was about; gender "m"/"f"/None and role nouns as the archive writes them."""

    name: str
    gender: str | None = None
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cited:
    """One source of the last answer, enough to say when and where without the index."""

    marker: int
    article_id: str
    title: str | None
    date: str | None
    source: str | None
    start: int
    end: int
    paragraph: int
    text: str  # verbatim: article.text[start:end]


@dataclass(frozen=True)
class ConversationState:
    """What a conversation remembers between turns (serialised by ``to_dict``)."""

    question: str | None = None  # the last standalone question answered
    kind: str | None = None  # the last answer's kind ("quotes", "answer", ...)
    quoting: bool = False  # the last question asked for someone's words
    speakers: tuple[Person, ...] = ()  # the people the last answer was about
    recent: tuple[Person, ...] = ()  # earlier speakers, newest first
    topic: str | None = None  # "about" words of a quote question, else the searched words
    # The noun phrase "it" stands for ("the old cannery"), when the last question showed one;
    # else the words a topic follow-up searched beside its own (``background``).
    subject: str | None = None
    background: str = ""
    about: str = ""  # what the background is shown as: "(about “<title>”)"
    filters: Filters = field(default_factory=Filters)
    citations: tuple[Cited, ...] = ()
    focus: int = 0  # marker of the source last pointed at (0: the first)
    page: int = 0  # page of the last results shown
    turns: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ConversationState:
        def people(rows: Any) -> tuple[Person, ...]:
            return tuple(Person(r["name"], r.get("gender"), tuple(r.get("roles", ())))
                         for r in rows or ())

        f = dict(data.get("filters") or {})
        ids = f.get("article_ids")
        f["article_ids"] = tuple(ids) if ids is not None else None
        return cls(
            question=data.get("question"), kind=data.get("kind"),
            quoting=bool(data.get("quoting")),
            speakers=people(data.get("speakers")), recent=people(data.get("recent")),
            topic=data.get("topic"), subject=data.get("subject"),
            background=str(data.get("background") or ""),
            about=str(data.get("about") or ""), filters=Filters(**f),
            citations=tuple(Cited(**c) for c in data.get("citations") or ()),
            focus=int(data.get("focus", 0)), page=int(data.get("page", 0)),
            turns=int(data.get("turns", 0)),
        )


@dataclass(frozen=True)
class Vocabulary:
    """Names the archive knows, to tell "and Wang Yi?" (a speaker) from "and Ukraine?" (a
    topic) and "anything from the Harbor Gazette?" (a source). Empty works too: then
    capitalised names are taken for people."""

    sources: tuple[str, ...] = ()
    speaker_keys: frozenset[str] = frozenset()
    latest: str | None = None  # newest article date: "in March" means the archive's March

    def source_named(self, text: str) -> str | None:
        """The archive's spelling of a source ("the Harbor Gazette", "USA Today")."""
        wanted = _fold(F.strip_article(text))
        return next((name for name in self.sources
                     if wanted and _fold(F.strip_article(name)) == wanted), None)

    def is_speaker(self, name: str) -> bool:
        key = speaker_key(name)
        if not key:
            return False
        if not self.speaker_keys:
            return F.looks_like_name(name)
        return key in self.speaker_keys or any(
            keys_compatible(key, k) for k in self.speaker_keys if k.split()[-1] == key.split()[-1]
            or k.split()[0] == key.split()[0])

    def reference_day(self) -> date:
        try:
            return date.fromisoformat((self.latest or "")[:10])
        except ValueError:
            return date.today()


def _fold(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass(frozen=True)
class Understood:
    """What a message was taken to mean. ``question`` is the standalone question (the
    message itself when nothing was carried); ``missing`` says what a clarify lacks."""

    action: Action
    message: str
    question: str
    filters: Filters = field(default_factory=Filters)
    speaker: str | None = None
    topic: str | None = None
    carried: bool = False
    missing: str | None = None
    marker: int = 0
    page: int = 0
    text: str = ""  # what the engine is asked (the question without the source note)
    subject: str | None = None  # what "it" stood for (kept for the next "it")
    # Words searched beside ``text`` but not answered: the last question and what answered
    # it, for "how much will it cost?" when what "it" is cannot be put into words.
    background: str = ""
    about: str = ""  # the background's label, shown as "(about “...”)"


# ---------------------------------------------------------------- rendering


def date_phrase(f: Filters) -> str:
    """Words the date parser reads back to the same range, when there are such words."""
    lo, hi = f.date_from, f.date_to
    if not lo and not hi:
        return ""
    if lo and hi:
        a, b = date.fromisoformat(lo), date.fromisoformat(hi)
        if a == b:
            return f"on {lo}"
        if a.day == 1 and b == a.replace(day=calendar.monthrange(a.year, a.month)[1]):
            return f"in {calendar.month_name[a.month]} {a.year}"
        if (a.month, a.day, b.month, b.day) == (1, 1, 12, 31) and a.year == b.year:
            return f"in {a.year}"
        return f"between {lo} and {hi}"
    return f"since {lo}" if lo else f"until {hi}"


def _standalone(speaker: str | None, topic: str | None, f: Filters,
                base: str | None = None) -> tuple[str, str]:
    """(question shown, text asked): "what did X say about Y in March 2022?"."""
    when = date_phrase(f)
    if speaker:
        core = f"what did {speaker} say" + (f" about {topic}" if topic else "")
    else:
        core = base or (f"what about {topic}" if topic else "what happened")
    asked = " ".join(p for p in (core, when if not when.startswith("between") else "") if p)
    shown = " ".join(p for p in (core, when) if p)
    if f.source:
        shown += f", only from {f.source}"
    return shown + "?", asked + "?"


def _ask(message: str, speaker: str | None, topic: str | None, f: Filters,
         base: str | None = None) -> Understood:
    shown, asked = _standalone(speaker, topic, f, base)
    return Understood("ask", message, shown, f, speaker, topic, True, text=asked)


def _new(message: str, f: Filters | None = None) -> Understood:
    # "And who objected?" is asked without its "and" (the router wants a question's start).
    asked_text = re.sub(r"^(?:and|but|so|also|ok|okay)[\s,]+", "", message, flags=re.I)
    return Understood("ask", message, message, f or Filters(), text=asked_text or message)


def _clarify(message: str, missing: str) -> Understood:
    return Understood("clarify", message, message, missing=missing)


# ---------------------------------------------------------------- who "he" is


def _fits(person: Person, gender: str | None) -> bool:
    return gender is None or person.gender in (None, gender)


def _who(state: ConversationState, word: str, gender: str | None,
         role: str | None = None) -> Person | str:
    """The person a pronoun or role noun stands for, or what is missing."""
    said = f"“{word}”"
    if not state.speakers and not state.recent:
        return f"I don't know who {said} is: name the person (e.g. “what did Sergei Lavrov say?”)."
    if role is not None:
        matches = [p for p in (*state.speakers, *state.recent) if F.has_role(p.roles, role)]
        if not matches:
            return ""  # not a known role here: read the message as new
        names = list(dict.fromkeys(p.name for p in matches if p in state.speakers))
        if len(names) > 1:
            return f"{said} could be {_or(names)}: which one?"
        return matches[0]
    in_play = [p for p in state.speakers if _fits(p, gender)]
    if len(in_play) == 1:
        return in_play[0]
    if len(in_play) > 1:
        return f"{said} could be {_or([p.name for p in in_play])}: which one? Ask with the name."
    if word.lower() in ("they", "them"):
        # A singular "they" is the last answer's speaker; nobody there: not an earlier one.
        return f"I don't know who {said} is here: ask with the person's name."
    # The last person does not fit ("she" after a man): the latest earlier one who does.
    earlier = [p for p in state.recent if p.gender == gender] or [
        p for p in state.recent if p.gender is None]
    if earlier:
        return earlier[0]
    last = ", ".join(p.name for p in state.speakers) or "anyone mentioned so far"
    return f"{said} doesn't fit {last}: ask with the person's name."


def _or(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


# ---------------------------------------------------------------- the resolver


def resolve(state: ConversationState, message: str, vocab: Vocabulary | None = None) -> Understood:
    vocab = vocab or Vocabulary()
    text = " ".join(message.split())
    if not text:
        return _clarify(message, "The message is empty: ask a question.")
    nav = F.navigation(text)
    if nav is not None:
        return _navigate(state, text, nav)
    frag = None if F.quote_frame(text) is not None else F.fragment(text)
    if frag is None and state.turns and _bare_name(text, vocab):
        frag = text.strip(" ?!.")  # "Lavrov?": the same question about someone else
    if frag is not None:
        if state.turns == 0:
            return _clarify(text, "There is no earlier question to continue: ask a whole "
                                  "question (e.g. “what did Sergei Lavrov say?”).")
        return _ellipsis(state, text, frag, vocab)
    return _anaphora(state, text, vocab)


def _navigate(state: ConversationState, text: str, nav: tuple[str, int]) -> Understood:
    what, n = nav
    if state.turns == 0 or not state.question:
        return _clarify(text, "There is no earlier answer to go on from: ask a question first.")
    if what == "more":
        page = state.page + 1
        return Understood("more", text, f"{state.question} (more: page {page + 1})",
                          state.filters, _speaker_of(state), state.topic, True, page=page,
                          text=state.question)
    if not state.citations:
        return _clarify(text, "The last answer cited no sources: ask a question first.")
    marker = n or state.focus or state.citations[0].marker
    if marker not in {c.marker for c in state.citations}:
        return _clarify(text, f"There is no source [{marker}]: the last answer has "
                              f"{len(state.citations)}.")
    if what == "context":
        return Understood("context", text, f"source [{marker}] of “{state.question}”",
                          state.filters, carried=True, marker=marker, text=state.question)
    return Understood("where", text, f"when and where source [{marker}] of “{state.question}” "
                      "was said", state.filters, carried=True, marker=marker,
                      text=state.question)


def _speaker_of(state: ConversationState) -> str | None:
    return state.speakers[0].name if len(state.speakers) == 1 else None


def _dates(text: str, vocab: Vocabulary) -> tuple[Filters | None, str]:
    found, rest = parse_dates(text, vocab.reference_day())
    if found is None:
        return None, text
    lo, hi = found.iso()
    return Filters(date_from=lo, date_to=hi), rest


def _ellipsis(state: ConversationState, text: str, frag: str, vocab: Vocabulary) -> Understood:
    """ "and Wang Yi?", "what about in 2023?", "only from Reuters": one part replaced."""
    quoting = state.quoting or state.kind in ("quotes", "ambiguous")
    speaker = _speaker_of(state) if quoting else None
    topic = state.topic if quoting else None
    base = None if quoting or not state.question else _without_date(state.question, vocab)
    f = state.filters
    whole, named = F.source_phrase(frag, vocab.source_named, vocab.is_speaker)
    if named is not None and not whole and vocab.source_named(named) is not None:
        new_dates, rest = None, frag  # "only from USA Today": no date in a source's name
    else:
        new_dates, rest = _dates(frag, vocab)
    if new_dates is not None:
        f = replace(f, date_from=new_dates.date_from, date_to=new_dates.date_to)
    rest, source = F.source_phrase(rest, vocab.source_named, vocab.is_speaker)
    if source is not None:
        f = replace(f, source=source)
    rest = F.strip_filler(rest)
    named_speaker = False
    if rest.lower() in ("him", "her", "them", "he", "she", "they"):
        return _clarify(text, f"Who do you mean by “{rest}”? Ask with the person's name.")
    if rest.lower() in ("vice versa", "the other way round", "the other way around"):
        if not (quoting and speaker and topic and vocab.is_speaker(topic)):
            return _clarify(text, "“vice versa” needs a last question about what one person "
                                  "said about another.")
        return _ask(text, topic, speaker, f)
    if rest:
        about = F.about_phrase(rest)
        if about is not None and not F.anaphoric_topic(about):
            topic, base = about, None
        elif about is not None or F.anaphoric_topic(rest):
            pass
        elif vocab.is_speaker(rest) or (role_person := _role_person(state, rest)):
            speaker, base, named_speaker = rest, None, True
            if not vocab.is_speaker(rest) and role_person is not None:
                speaker = role_person  # "what about the spokesman?"
            topic = topic if quoting else None
        else:
            topic, base = rest, None
    elif source is None and new_dates is None:
        return _clarify(text, "I couldn't tell what to change in the last question: name a "
                              "person, a topic, a date or a source.")
    if state.kind == "ambiguous" and not named_speaker and state.speakers:
        names = [p.name for p in state.speakers]
        return _clarify(text, f"The last name matched several people ({_or(names)}): "
                              "ask with the full name.")
    if base is not None:
        # Only the dates or the source changed: the same thing, and the same background.
        u = replace(_ask(text, None, None, f, base), subject=state.subject,
                    background=state.background, about=state.about)
        return replace(u, question=u.question + _about_note(u.about)) if u.about else u
    return _ask(text, speaker, topic, f)


def _bare_name(text: str, vocab: Vocabulary) -> bool:
    body = text.strip(" ?!.")
    return (1 <= len(body.split()) <= 4 and all(w[:1].isupper() for w in body.split())
            and bool(vocab.speaker_keys) and vocab.is_speaker(body))


def _role_person(state: ConversationState, text: str) -> str | None:
    words = text.lower().split()
    if len(words) < 2 or words[0] not in ("the", "that", "this"):
        return None
    role = " ".join(words[1:])
    if role.split()[-1] not in F.ROLE_WORDS:
        return None
    who = _who(state, f"the {role}", F.role_gender(role), role=role)
    return who.name if isinstance(who, Person) else None


def _without_date(question: str, vocab: Vocabulary) -> str:
    """The question's own words: no date phrase, source note or "(about ...)" note."""
    plain = _ABOUT_NOTE.sub("", question).rstrip("?")
    _, rest = parse_dates(plain, vocab.reference_day())
    return rest.split(", only from ")[0].rstrip(" ?")


def _about_note(label: str) -> str:
    return f" (about “{label}”)"


# The note as a shown question carries it (never read back as words of the question).
_ABOUT_NOTE = re.compile(r" \(about “[^”]*”\)")


def _anaphora(state: ConversationState, text: str, vocab: Vocabulary) -> Understood:
    """ "what else did he say?", "did the spokesman mention Y?", "what did X say about it?"."""
    frame = F.quote_frame(text)
    if frame is None:
        # "what did the senator say in January 2016?": the frame without its date (the
        # date itself is read from the whole message below).
        dateless = _without_date(text, vocab)
        if dateless != text.strip().rstrip(" ?"):
            frame = F.quote_frame(dateless + "?")
    if frame is not None and (state.turns or frame.pronoun):
        return _quote_anaphora(state, text, frame, vocab)
    if not any(vocab.is_speaker(name) for name in F.names_in(text)):
        pronoun = F.pronoun_in(text)
        if pronoun is not None:
            who = _who(state, pronoun, F.PRONOUN_GENDER[pronoun.lower()])
            if isinstance(who, str):
                return _clarify(text, who) if who else _new(text)
            question = F.substitute_pronoun(text, pronoun, who.name)
            f = _dated(state.filters, _dates(text, vocab)[0])
            shown = question + (f" (only from {f.source})" if f.source else "")
            if thing_pronoun(question) is not None:
                # "why did she object to them?": "them" too, as for a topic follow-up.
                topical = _topic_anaphora(state, question, vocab)
                if topical is not None:
                    return replace(topical, message=text, speaker=who.name)
            return Understood("ask", text, shown, f, who.name, None, True, text=question)
    return _topic_anaphora(state, text, vocab) or _new(text)


def _dated(f: Filters, new_dates: Filters | None) -> Filters:
    """The carried filters, with the message's own date range in place of theirs."""
    return f if new_dates is None else replace(
        f, date_from=new_dates.date_from, date_to=new_dates.date_to)


def _topic_anaphora(state: ConversationState, text: str, vocab: Vocabulary) -> Understood | None:
    """ "how much will it cost?", "who voted against it?" after a question about a thing:
    "it" becomes the last question's noun phrase when there was one ("when will the old
    cannery open?"); otherwise, and for a bare "why?" or "who objected?", the message is
    searched beside the last question and the title of the article that answered it, and
    answered from its own words."""
    if not state.turns or not state.question:
        return None
    new_dates, _ = _dates(text, vocab)
    if thing_pronoun(text) is None and not (bare_question(text) and new_dates is None):
        return None
    f = _dated(state.filters, new_dates)
    note = f" (only from {f.source})" if f.source else ""
    if state.subject:
        question = substitute_thing(text, state.subject)
        if question is not None:
            return Understood("ask", text, question + note, f, carried=True, text=question,
                              subject=state.subject)
    title = state.citations[0].title if state.citations else None
    background = state.background or " ".join(
        p for p in (state.subject, _without_date(state.question, vocab), title) if p)
    # Leaning on the same background as the last follow-up: the same label, not the title
    # of whatever answered that one.
    about = state.subject or (state.about if state.background else "") or title or \
        _without_date(state.question, vocab)
    return Understood("ask", text, f"{text}{_about_note(about)}{note}", f, carried=True,
                      text=text, subject=state.subject, background=background, about=about)


def _quote_anaphora(state: ConversationState, text: str, frame: F.QuoteFrame,
                    vocab: Vocabulary) -> Understood:
    speaker = frame.speaker
    carried = False
    if frame.pronoun is not None or frame.role is not None:
        word = frame.pronoun or f"the {frame.role}"
        gender = F.PRONOUN_GENDER.get((frame.pronoun or "").lower()) or F.role_gender(frame.role)
        who = _who(state, word, gender, role=frame.role)
        if isinstance(who, str):
            return _clarify(text, who) if who else _new(text)
        speaker, carried = who.name, True
    topic = frame.topic
    if topic is not None and topic.lower() in ("him", "her"):
        other = _who(state, topic, F.PRONOUN_GENDER[topic.lower()])
        if isinstance(other, str):
            return _clarify(text, other or f"I don't know who “{topic}” is.")
        topic, carried = other.name, True
    elif topic is not None and F.anaphoric_topic(topic):
        if not state.topic:
            return _clarify(text, "I don't know what “" + topic + "” refers to: name the topic.")
        topic, carried = state.topic, True
    if not carried:
        return _new(text)
    f = state.filters
    new_dates, rest_topic = (None, topic)
    if topic:
        new_dates, rest_topic = _dates(topic, vocab)
        rest_topic, source = F.source_phrase(rest_topic, vocab.source_named, vocab.is_speaker)
        if source is not None:
            f = replace(f, source=source)
    if new_dates is None:
        new_dates, _ = _dates(text, vocab)
    if new_dates is not None:
        f = replace(f, date_from=new_dates.date_from, date_to=new_dates.date_to)
    return _ask(text, speaker, rest_topic or None, f)


# ---------------------------------------------------------------- after an answer


def advance(state: ConversationState, understood: Understood, answer: Answer | None,
            people: tuple[Person, ...] = ()) -> ConversationState:
    """The state after ``understood`` was answered by ``answer`` (None: nothing shown).

    ``people`` are the speakers the answer was about, with what the archive says of them.
    """
    if understood.action == "clarify" or answer is None:
        return state
    if understood.action == "more":
        return replace(state, page=understood.page, turns=state.turns + 1)
    if understood.action in ("context", "where"):
        return replace(state, focus=understood.marker, turns=state.turns + 1)
    recent = state.recent
    if people and state.speakers and {p.name for p in people} != {p.name for p in state.speakers}:
        recent = (*state.speakers, *[p for p in recent if p not in state.speakers])
        recent = tuple(p for p in recent if p.name not in {q.name for q in people})
        recent = recent[:RECENT_PEOPLE]
    elif not people:
        recent = (*state.speakers, *recent)[:RECENT_PEOPLE]
    cited = tuple(Cited(c.marker, c.article_id, c.title, c.date, c.source, c.start, c.end,
                        c.paragraph, c.text) for c in answer.citations)
    speaker, topic = asked(understood)
    # What a next "it" stands for: kept through a chain of follow-ups on one thing, else
    # read from this question ("tell me about X", a quote question's "about" words).
    _, undated = parse_dates(understood.text or understood.question, date.today())
    subject = understood.subject or (topic if speaker else None) or topic_phrase(undated)
    return ConversationState(
        question=understood.question, kind=answer.kind, quoting=speaker is not None,
        speakers=people, recent=recent, topic=topic, subject=subject,
        background=understood.background, about=understood.about,
        filters=understood.filters if understood.carried else answer.filters,
        citations=cited, focus=0, page=0, turns=state.turns + 1)


def asked(understood: Understood) -> tuple[str | None, str | None]:
    """(speaker, topic) the question asked about: a quote question's speaker and "about"
    words, else (None, the searched words)."""
    from retrieval.routing import route_quotes

    if understood.speaker:
        return understood.speaker, understood.topic
    _, rest = parse_dates(understood.text or understood.question, date.today())
    rest = rest.rstrip(" ?")
    route = route_quotes(rest)
    if route is not None:
        return route.speaker, route.about
    if understood.topic and understood.carried:
        return None, understood.topic
    return None, rest or None
