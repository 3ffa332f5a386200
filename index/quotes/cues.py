"""Speech cues: the verbs (and a few phrases) that introduce someone's words."""

from __future__ import annotations

from index.quotes.names import wordset

# Inflected form -> lemma. These introduce direct quotes and reported clauses alike.
_SPEECH_LEMMAS = """
say add tell ask argue claim note write tweet warn insist explain state declare announce
acknowledge admit suggest stress emphasize emphasise maintain contend assert concede
complain predict recall reply respond answer confirm deny observe remark comment boast
joke quip retort shout yell exclaim promise vow pledge urge charge allege caution
continue concur agree disagree counter lament scoff marvel muse recount testify report
reiterate repeat post reveal estimate posit conclude assure bark snap interject
interrupt cry whisper mutter plead demand wonder proclaim opine gush sneer taunt tease
chide scold thunder fume inform
"""

# Verbs that only ever introduce a direct quote, never a reported clause.
DIRECT_ONLY = wordset("""
    continue repeat post joke quip shout yell exclaim bark snap interject interrupt cry
    whisper mutter plead demand wonder proclaim opine gush sneer taunt tease chide scold
    thunder fume
    """)

# Verbs whose reported clause is a plain "that"-clause often enough to trust.
INDIRECT_OK = wordset("""
    say tell add argue claim note write tweet warn insist explain state declare announce
    acknowledge admit suggest stress emphasize emphasise maintain contend assert concede
    complain predict recall reply respond confirm deny observe remark boast promise vow
    pledge charge allege caution agree disagree counter lament testify report reiterate
    reveal estimate posit conclude
    """)

_IRREGULAR = {
    "said": "say",
    "says": "say",
    "saying": "say",
    "told": "tell",
    "tells": "tell",
    "telling": "tell",
    "wrote": "write",
    "writes": "write",
    "writing": "write",
    "written": "write",
    "replied": "reply",
    "replies": "reply",
    "denied": "deny",
    "denies": "deny",
    "quipped": "quip",
    "testified": "testify",
    "testifies": "testify",
    "reported": "report",
    # doubled final consonants
    "admitted": "admit",
    "admitting": "admit",
    "quipping": "quip",
    "snapped": "snap",
    "snapping": "snap",
    "concurred": "concur",
    "concurring": "concur",
}


def _inflections(lemma: str) -> set[str]:
    forms = {lemma}
    if lemma.endswith("e"):
        forms |= {lemma + "s", lemma + "d", lemma[:-1] + "ing"}
    elif lemma.endswith("y") and lemma[-2] not in "aeiou":
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"}
    else:
        forms |= {lemma + "s", lemma + "ed", lemma + "ing", lemma + "es"}
    return forms


_BARE_OK = wordset("say tell add ask argue claim write warn insist explain")


def _build() -> dict[str, str]:
    table: dict[str, str] = {}
    for lemma in _SPEECH_LEMMAS.split():
        for form in _inflections(lemma):
            table[form] = lemma
    # Bare forms are mostly nouns ("state TV", "a note") unless the verb is common.
    for lemma in _SPEECH_LEMMAS.split():
        if lemma not in _BARE_OK:
            table.pop(lemma, None)
    table.update(_IRREGULAR)
    # Ambiguous forms that are far more often not speech.
    for noise in ("states", "posts", "charges", "reports", "answers", "comments", "counters"):
        table.pop(noise, None)
    return table


CUE_FORMS: dict[str, str] = _build()

# Cues whose subject may follow them ('"...," said Lavrov'); "told X" names the hearer.
INVERTIBLE = wordset("""
    say add write continue explain note insist recall reply respond quip joke tweet warn
    argue conclude observe remark ask answer declare press offer react beam laugh sigh
    smile crack retaliate deadpan muse opine retort counter concede admit boast exclaim
    scoff snap agree
    """)

# Words that may stand between a subject and its cue ("Lavrov also said").
AUX_ADVERBS = wordset("""
    also later then previously repeatedly reportedly publicly privately flatly simply
    once again further recently earlier has had have was is were would will could
    had long often frequently quickly immediately subsequently has just even never
    today yesterday tonight monday tuesday wednesday thursday friday saturday sunday
    morning afternoon evening night week last this
    already angrily bluntly calmly confidently firmly jokingly sarcastically
    himself herself themselves itself may might must should can
    """)

# Objects of "told"/"asked" that are not part of the reported clause.
HEARERS = wordset("""
    reporters journalists supporters voters listeners viewers readers lawmakers
    congress me us him her them audience crowd
    """)


# Forms dropped above as mostly nouns, but reliable right after a quote ('..." he notes').
LOOSE_FORMS = wordset(
    "notes states reports posts comments answers counters charges questioned questions"
)
# Verbs that are speech only right after a quote ('"...," Hannity pressed.',
# '"...," remembered Roy Verley'), lemma given for the inverted order.
POST_ONLY: dict[str, str] = {
    "remembered": "recall", "remembers": "recall", "pressed": "press", "presses": "press",
    "started": "start", "starts": "start", "began": "start", "begins": "start",
    "sings": "sing", "sang": "sing", "state": "state", "offered": "offer", "offers": "offer",
    "chimed": "chime", "chimes": "chime", "recalls": "recall", "recalled": "recall",
    "explained": "explain", "wrote": "write", "read": "read", "reads": "read",
    "concluded": "conclude", "concludes": "conclude", "agreed": "agree", "agrees": "agree",
    "reacted": "react", "reacts": "react", "cautioned": "caution", "mused": "muse",
    "beamed": "beam", "laughed": "laugh", "sighed": "sigh", "smiled": "smile",
    "cracked": "crack", "retaliated": "retaliate", "deadpanned": "deadpan",
}
BACK_FORMS = frozenset({"shot", "shoots", "fired", "fires", "hit", "hits", "wrote", "pushed"})
# "issued a statement: ..." — the verb is a cue only with one of these nouns after it.
STATEMENT_VERBS = frozenset({"issued", "released", "issues", "releases", "posted", "sent"})
STATEMENT_NOUNS = frozenset({"statement", "message", "tweet", "post", "letter", "memo"})
POINT_FORMS = frozenset({"points", "pointed", "point", "pointing"})


def cue_lemma(word: str) -> str | None:
    """The speech lemma of a (lowercased) word form, or None."""
    return CUE_FORMS.get(word.lower())
