"""Name knowledge for speaker attribution: titles, role nouns, gender hints, keys.

Everything here is a small hand-kept lexicon: the extractor must stay a fast,
pure function (no NLP model at index time).
"""

from __future__ import annotations

import functools
import re
import unicodedata


def wordset(text: str) -> frozenset[str]:
    """A lexicon written as whitespace-separated words."""
    return frozenset(text.split())


# Words that introduce a person's name ("Foreign Minister Sergei Lavrov"); never part of it.
TITLE_WORDS = wordset("""
    president vice-president minister prime foreign secretary senator sen rep representative
    congressman congresswoman governor gov mayor chancellor spokesman spokeswoman spokesperson
    chairman chairwoman chair leader speaker majority minority whip ambassador attorney general
    gen judge justice chief director commissioner candidate nominee adviser advisor aide
    manager strategist pollster officer lt col sgt capt adm cmdr maj cpl sheriff
    mr mrs ms miss dr prof rev sir lord lady king queen prince princess pope sheikh
    deputy former acting interim executive ceo cfo founder host anchor correspondent
    reporter editor columnist professor economist analyst lawyer counsel treasurer
    councilman councilwoman councillor councilor assemblyman assemblywoman delegate
    superintendent commander admiral colonel general sergeant captain lieutenant
    president-elect first-lady honorable alderman alderwoman archbishop bishop cardinal
    """)

# Descriptors written before a name ("Republican Donald Trump", "journalist Jorge Ramos"):
# stripped when what follows looks like a person, kept in "Republican National Committee".
DESCRIPTORS = wordset("""
    republican democrat democratic gop independent liberal conservative progressive
    journalist donor activist rabbi pastor author billionaire businessman businesswoman
    entrepreneur pollster strategist consultant comedian actor actress singer rapper
    commentator pundit blogger writer filmmaker historian scholar economist physician
    lawmaker legislator candidate hopeful contender veteran
    architect engineer librarian teacher nurse scientist researcher designer planner
    developer artist photographer musician novelist poet playwright curator archivist
    surgeon dentist pharmacist paramedic firefighter detective inspector ranger skipper
    fisherman shopkeeper organizer organiser volunteer student resident chef coach
    principal priest imam biologist ecologist geologist epidemiologist meteorologist
    forecaster prosecutor
    """)

# Abbreviated titles written with a full stop ("Sen.", "Mr.").
TITLE_ABBREVS = wordset(
    "mr mrs ms dr sen rep gov gen lt col sgt capt adm cmdr maj cpl prof rev pres st"
)

# Abbreviated titles that are also names or words ("Del Rio", "Fr", "Hon"): titles only
# when written with a full stop before a capitalised name ("Del. Stacey Plaskett").
# Each maps to the title it abbreviates.
DOTTED_TITLES = {
    "del": "delegate", "amb": "ambassador", "supt": "superintendent", "atty": "attorney",
    "hon": "honorable", "fr": "rev", "sens": "senator", "reps": "representative",
    "govs": "governor", "det": "detective", "insp": "inspector", "ald": "alderman",
    "sec": "secretary", "secy": "secretary", "asst": "deputy", "lieut": "lieutenant",
    "brig": "general", "gens": "general", "msgr": "rev", "pvt": "sgt",
}

# Role nouns a later description can refer back to ("the spokesman", "the Vermont senator").
ROLE_ALIASES = {
    "spokesman": "spokesperson",
    "spokeswoman": "spokesperson",
    "spokesperson": "spokesperson",
    "sen": "senator",
    "sens": "senator",
    "senator": "senator",
    "rep": "representative",
    "reps": "representative",
    "representative": "representative",
    "congressman": "representative",
    "congresswoman": "representative",
    "gov": "governor",
    "govs": "governor",
    "governor": "governor",
    "pres": "president",
    "president": "president",
    "president-elect": "president",
    "minister": "minister",
    "secretary": "secretary",
    "mayor": "mayor",
    "chancellor": "chancellor",
    "chairman": "chair",
    "chairwoman": "chair",
    "chair": "chair",
    "leader": "leader",
    "speaker": "speaker",
    "ambassador": "ambassador",
    "judge": "judge",
    "justice": "justice",
    "director": "director",
    "candidate": "candidate",
    "nominee": "candidate",
    "adviser": "adviser",
    "advisor": "adviser",
    "aide": "aide",
    "manager": "manager",
    "strategist": "strategist",
    "pollster": "pollster",
    "professor": "professor",
    "prof": "professor",
    "economist": "economist",
    "analyst": "analyst",
    "lawyer": "lawyer",
    "attorney": "lawyer",
    "sheriff": "sheriff",
    "commissioner": "commissioner",
    "diplomat": "diplomat",
    "general": "general",
    "gen": "general",
    "host": "host",
    "anchor": "host",
    "founder": "founder",
    "ceo": "ceo",
    "executive": "executive",
    "official": "official",
    "businessman": "businessman",
    "businesswoman": "businessman",
    "billionaire": "billionaire",
}

# Nouns a description of an organisation ends in ("the group said", "said the agency"),
# each with the kind of organisation it refers back to.
ORG_NOUNS = {
    **dict.fromkeys(
        wordset(
            "group organization organisation association coalition committee union alliance "
            "federation caucus council foundation institute league society pac nonprofit"
        ),
        "org",
    ),
    "party": "party",
    **dict.fromkeys(
        wordset("agency department ministry office bureau administration commission regulator"),
        "gov",
    ),
    "board": "board",  # an agency's, a company's or a newspaper's ("the editorial board")
    "network": "media",
    **dict.fromkeys(wordset("company firm corporation retailer manufacturer"), "company"),
    "campaign": "campaign",
}

# Nouns written with a name that say what kind of organisation it is ("the oil giant
# Exxon Mobil", "Wealth-X, a research firm,").
ORG_CONTEXT = ORG_NOUNS | dict.fromkeys(
    wordset("giant maker insurer chain startup conglomerate automaker airline lender website"),
    "company",
) | dict.fromkeys(wordset("charity"), "org")

# Bodies that speak for the name written before them ("the Trump campaign", "China's
# foreign ministry"): "the campaign said" is that person or country speaking.
OWNED_ORGS = wordset("campaign administration ministry")

# Words in an organisation's name that make it of a kind ("National Golf Foundation" is
# a group, "Justice Department" a government body).
ORG_KIND_WORDS = {
    "org": wordset(
        "group organization organisation association coalition committee union alliance "
        "federation caucus council foundation institute league society pac fund project "
        "initiative network"
    ),
    "party": wordset("party gop"),
    "gov": wordset(
        "agency department ministry office bureau administration commission service "
        "fbi cia nsa epa irs fda cdc fema pentagon treasury kremlin"
    ),
    "board": wordset("board"),
    "media": wordset("network cnn fox msnbc abc nbc cbs npr pbs bbc"),
    "company": wordset("company inc corp corporation co llc ltd holdings industries group"),
    "campaign": frozenset(),
}

FEMALE_WORDS = wordset(
    "mrs ms miss lady queen princess spokeswoman chairwoman congresswoman businesswoman "
    "councilwoman assemblywoman wife mother daughter sister she her"
)
MALE_WORDS = wordset(
    "mr sir lord king prince spokesman chairman congressman businessman councilman "
    "assemblyman husband father son brother he his"
)

# Common first names with a clear gender: enough to tell "he" from "she" in news text.
FEMALE_NAMES = wordset("""
    hillary chelsea sarah carly nikki nancy elizabeth liz michelle melania ivanka kellyanne
    hope huma donna debbie deborah jill jane janet karen katie kate kathy kathleen katherine
    catherine cathy mary maria marie maureen megyn laura lauren linda lisa susan susie sue
    amy ann anne anna angela barbara betty brenda carol carolyn christine claire diane dianne
    dana ellen emily emma erin heather helen jennifer jessica joan joanne judy julia julie
    kelly kim kirsten kristen marsha martha melissa meghan megan monica nicole pam pamela
    patricia patty paula rachel rebecca rosa ruth sally samantha sandra sharon sheila
    stephanie tammy teresa theresa tina tulsi valerie virginia wendy zoe alice amanda andrea
    ashley beth cindy condoleezza dolores elaine gloria grace hannah irene jeanne joni
    kamala kristi kyrsten lori marcia margaret mia nina olivia rosalind sophie stacey
    susana tamara tracy ursula victoria yvonne angela theresa marine jacinda
    """)
MALE_NAMES = wordset("""
    donald bernie bernard ted rafael marco jeb john george barack joe joseph mike michael
    mitch paul chris christopher ben rand rick richard bill william bob robert jim james
    jeff jeffrey tom thomas tim timothy dan daniel david steve steven stephen scott mark
    matt matthew brian kevin jason josh joshua eric reince corey newt lindsey harry chuck
    charles jack jon jonathan andrew andy adam alan alex alexander anthony tony brad bruce
    carl dennis doug douglas ed edward frank fred gary greg gregory jerry jesse jim jimmy
    larry lee marty martin nick nicholas patrick pat peter phil philip ralph ray raymond
    roger ron ronald roy sam samuel sean shawn stan terry todd tyler vince walter wayne
    sergei vladimir xi wang dmitry dmitri ivan emmanuel francois boris angelo benjamin
    bibi recep justin narendra kim-jong-un mohammed muhammad ali omar ahmed hassan
    tucker rush glenn sean lou orrin trey jared roger rudy rudolph mitt dick al ralph
    """)
# First names given to both men and women: a first name here, but no gender.
UNISEX_NAMES = wordset("lee terry pat sam dana kelly kim tracy")

# Lowercase words inside a surname ("Bill de Blasio", "Chris Van Hollen").
PARTICLES = wordset("de van von der den bin al da du del della la le")

# Capitalised words that start sentences or name days, never people.
NON_NAME_CAPS = wordset("""
    the a an and but or nor so yet for in on at to of by with from as if when while after
    before since because although though unless until once where whereas which who whom
    whose what why how this that these those there here then now still also even just only
    it its he she they we i you his her their our my your him them us me one some many most
    several both each every other another such no not yes all any few more less
    asked speaking according said says told added meanwhile however instead indeed despite
    during earlier later last next first second third finally overall today yesterday
    tonight tomorrow monday tuesday wednesday thursday friday saturday sunday january
    february march april may june july august september october november december jan feb
    mar apr jun jul aug sep sept oct nov dec mr mrs ms dr sen rep gov
    like unlike among under over without through about into against between across
    had has have does did do is was are were be been being can could would should will
    besides neither either nobody everybody everyone someone anyone nothing something
    whoever whatever perhaps maybe though thus hence therefore otherwise elsewhere
    let please thanks dear oh well why two three four five six seven eight nine ten
    team
    """)

# Words that make a capitalised phrase an organisation or place rather than a person.
ORG_WORDS = wordset("""
    committee department house party news times post court university college council
    ministry agency bank association institute center centre office service union press
    network foundation senate congress administration campaign inc corp co company group
    journal street square city county state states republic tv magazine review fund club
    commission organization organisation board federation force army navy guard police
    school hospital church airport station island river mountain valley park hall tower
    bureau caucus coalition alliance project initiative fox cnn msnbc abc nbc cbs npr
    times tribune herald gazette daily weekly channel radio media reuters associated
    democrats republicans america american washington york california texas florida
    iowa ohio china russia britain europe european ukraine hotel resort train tour
    international national global pac llc foundation doral casino plaza
    """)

# Places that look like two-word names ("South Carolina", "New York").
PLACE_WORDS = wordset("""
    new york jersey hampshire mexico carolina dakota virginia west north south east
    rhode island los angeles san francisco diego antonio las vegas salt lake st louis
    saint paul kansas city oklahoma hong kong united kingdom states arab emirates saudi
    arabia sri lanka costa rica puerto rico el salvador palm beach des moines little rock
    """)

PRONOUNS = {"he": "m", "she": "f"}

_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _fold(text: str) -> str:
    """Lowercase, strip accents and apostrophes-s so variants compare equal."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("’", "'").lower()
    return re.sub(r"'s\b", "", text)


def name_tokens(name: str) -> list[str]:
    """Folded word tokens of a name, titles and suffixes removed."""
    words = _WORD.findall(_fold(name).replace("'", ""))
    last_title = title_prefix_length(words) - 1
    words = words[last_title + 1 :]
    # "Secretary of State John Kerry": drop an "of X" left behind by a title.
    if last_title >= 0 and len(words) > 2 and words[0] == "of":
        words = words[2:]
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words.pop()
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    return words


def title_prefix_length(words: list[str]) -> int:
    """How many leading (folded) words are titles or descriptors, never the whole name."""
    cut = 0
    for i, word in enumerate(words[:-1]):
        if word in TITLE_WORDS or word in TITLE_ABBREVS or word.split("-")[0] in TITLE_WORDS:
            cut = i + 1
    rest = words[cut:]
    while len(rest) > 1 and rest[0] in DESCRIPTORS and (
        len(rest) <= 4 and not any(w in ORG_WORDS for w in rest[1:])
    ):
        rest = rest[1:]
        cut += 1
    return cut


def looks_like_person(words: list[str]) -> bool:
    """2-4 folded tokens with no organisation/place word: probably a person's name."""
    return (
        2 <= len(words) <= 4
        and not any(w in ORG_WORDS for w in words)
        and not all(w in PLACE_WORDS for w in words)
    )


@functools.lru_cache(maxsize=65536)  # called for every mention a resolution compares
def speaker_key(name: str) -> str:
    """Corpus-wide grouping key: "Russian Foreign Minister Sergei Lavrov" -> "sergei lavrov".

    Titles, accents, suffixes and middle names/initials are dropped for people, so
    "Hillary Rodham Clinton" and "Hillary Clinton" share a key; organisations keep
    every word.
    """
    words = name_tokens(name)
    words = words[first_name_at(words) :]
    if len(words) > 2 and looks_like_person(words):
        words = [words[0], words[-1]]
    return " ".join(words)


def first_name_at(words: list[str]) -> int:
    """Where a person's name starts in a long run of (folded) capitalised words that
    does not open with a first name: 'senate intelligence ranking democrat dianne
    feinstein' -> 4, 'chicago alderman jason c ervin' -> 2; 0 otherwise ('anne marie
    murphy', 'republican national committee')."""
    if len(words) < 3 or gender_of(words[0]) is not None or words[0] in UNISEX_NAMES:
        return 0
    for i in range(1, len(words) - 1):
        if words[i] in MALE_NAMES or words[i] in FEMALE_NAMES:
            return i
    return 0


def gender_of(first_word: str) -> str | None:
    """'m', 'f' or None from a folded first name or title word."""
    if first_word in UNISEX_NAMES:
        return None
    if first_word in FEMALE_NAMES or first_word in FEMALE_WORDS:
        return "f"
    if first_word in MALE_NAMES or first_word in MALE_WORDS:
        return "m"
    return None


# Short forms that are not prefixes of the full first name.
NICKNAMES = {
    "bill": "william", "billy": "william", "will": "william", "bob": "robert", "bobby": "robert",
    "rob": "robert", "jim": "james", "jimmy": "james", "mike": "michael", "dick": "richard",
    "rick": "richard", "rich": "richard", "ted": "edward", "ed": "edward", "ned": "edward",
    "sandy": "sandra", "peggy": "margaret", "maggie": "margaret", "meg": "margaret",
    "betty": "elizabeth", "liz": "elizabeth", "beth": "elizabeth", "kate": "katherine",
    "kathy": "katherine", "cathy": "catherine", "sue": "susan", "chuck": "charles",
    "charlie": "charles", "hank": "henry", "jack": "john", "johnny": "john", "tony": "anthony",
    "joe": "joseph", "tom": "thomas", "dan": "daniel", "danny": "daniel", "larry": "lawrence",
    "jerry": "gerald", "pat": "patrick", "steve": "steven", "andy": "andrew", "drew": "andrew",
    "matt": "matthew", "chris": "christopher", "nick": "nicholas", "sam": "samuel",
    "bernie": "bernard", "newt": "newton", "mitt": "willard", "jeb": "john",
}


def _same_first_name(a: str, b: str) -> bool:
    """'h' ~ 'hillary', 'geoff' ~ 'geoffrey', 'bob' ~ 'robert'."""
    a, b = NICKNAMES.get(a, a), NICKNAMES.get(b, b)
    first, other = sorted((a, b), key=len)
    return other.startswith(first) and (len(first) == 1 or len(first) >= 3)


def keys_compatible(a: str, b: str) -> bool:
    """Could two speaker keys name the same person? "wang" ~ "wang yi", but
    "wang wenbin" !~ "wang yi"."""
    ta, tb = a.split(), b.split()
    if not ta or not tb:
        return False
    if ta == tb:
        return True
    if len(ta) == 1 or len(tb) == 1:
        one, full = (ta[0], tb) if len(ta) == 1 else (tb[0], ta)
        return one in (full[0], full[-1])
    if ta[-1] != tb[-1]:
        return False
    # Same surname: first names must agree, allowing an initial ("h clinton") or a
    # short form ("geoff garin" ~ "geoffrey garin", "sandy" ~ "sandra").
    return _same_first_name(ta[0], tb[0])
