"""A small gazetteer: countries, US states, continents and large cities, lower-cased.

Enough to tell "China" or "New Jersey" from "Netflix" when a question asks where.
Entries are comma-separated (names have spaces).
"""

from __future__ import annotations

from retrieval.answer_type import singular

_COUNTRIES = """
afghanistan, albania, algeria, andorra, angola, argentina, armenia, australia, austria,
azerbaijan, bahamas, bahrain, bangladesh, barbados, belarus, belgium, belize, benin, bhutan,
bolivia, bosnia, botswana, brazil, brunei, bulgaria, burkina faso, burundi, cambodia,
cameroon, canada, cape verde, chad, chile, china, colombia, comoros, congo, costa rica,
croatia, cuba, cyprus, czech republic, czechia, denmark, djibouti, dominica,
dominican republic, ecuador, egypt, el salvador, eritrea, estonia, eswatini, ethiopia, fiji,
finland, france, gabon, gambia, georgia, germany, ghana, greece, grenada, guatemala, guinea,
guyana, haiti, honduras, hungary, iceland, india, indonesia, iran, iraq, ireland, israel,
italy, ivory coast, jamaica, japan, jordan, kazakhstan, kenya, kiribati, kosovo, kuwait,
kyrgyzstan, laos, latvia, lebanon, lesotho, liberia, libya, liechtenstein, lithuania,
luxembourg, madagascar, malawi, malaysia, maldives, mali, malta, mauritania, mauritius,
mexico, moldova, monaco, mongolia, montenegro, morocco, mozambique, myanmar, burma, namibia,
nauru, nepal, netherlands, holland, new zealand, nicaragua, niger, nigeria, north korea,
north macedonia, norway, oman, pakistan, palau, palestine, panama, papua new guinea,
paraguay, peru, philippines, poland, portugal, qatar, romania, russia, rwanda, samoa,
san marino, saudi arabia, senegal, serbia, seychelles, sierra leone, singapore, slovakia,
slovenia, somalia, south africa, south korea, south sudan, spain, sri lanka, sudan,
suriname, sweden, switzerland, syria, taiwan, tajikistan, tanzania, thailand, togo, tonga,
trinidad, tunisia, turkey, türkiye, turkmenistan, tuvalu, uganda, ukraine,
united arab emirates, uae, united kingdom, uk, britain, great britain, united states, us,
usa, america, uruguay, uzbekistan, vanuatu, vatican, venezuela, vietnam, yemen, zambia,
zimbabwe, england, scotland, wales, northern ireland
"""
# Parts of a country, or governed by another: "which region?" as much as "which country?".
_TERRITORIES = """
greenland, puerto rico, gaza, west bank, crimea, catalonia, donbas, kashmir, tibet,
hong kong
"""
_STATES = """
alabama, alaska, arizona, arkansas, california, colorado, connecticut, delaware, florida,
georgia, hawaii, idaho, illinois, indiana, iowa, kansas, kentucky, louisiana, maine,
maryland, massachusetts, michigan, minnesota, mississippi, missouri, montana, nebraska,
nevada, new hampshire, new jersey, new mexico, new york, north carolina, north dakota, ohio,
oklahoma, oregon, pennsylvania, rhode island, south carolina, south dakota, tennessee, texas,
utah, vermont, virginia, washington, west virginia, wisconsin, wyoming
"""
_REGIONS = """
africa, antarctica, asia, europe, north america, south america, oceania, latin america,
middle east, the moon, moon, mars, space
"""
_CITIES = """
new york city, nyc, los angeles, chicago, houston, phoenix, philadelphia, san antonio,
san diego, dallas, san francisco, seattle, boston, miami, atlanta, denver, detroit,
las vegas, baltimore, washington dc, new orleans, nashville, austin, portland, minneapolis,
london, paris, berlin, rome, madrid, moscow, beijing, shanghai, tokyo, seoul, delhi,
new delhi, mumbai, istanbul, cairo, dubai, sydney, melbourne, toronto, montreal, vancouver,
mexico city, kyiv, kiev, kabul, tehran, baghdad, jerusalem, tel aviv, hong kong, bangkok,
manila, jakarta, lagos, nairobi, johannesburg, rio de janeiro, sao paulo, buenos aires, lima,
bogota, brussels, amsterdam, vienna, warsaw, athens, lisbon, dublin, edinburgh, manchester,
birmingham, glasgow, liverpool, geneva, zurich, stockholm, oslo, copenhagen, helsinki,
taipei, pyongyang, kharkiv, odesa, odessa, mariupol, bakhmut, kherson, saint-denis,
new york, washington
"""


def _entries(text: str) -> frozenset[str]:
    return frozenset(" ".join(e.split()) for e in text.split(",") if e.strip())


COUNTRIES, US_STATES = _entries(_COUNTRIES), _entries(_STATES)
TERRITORIES, REGIONS, CITIES = _entries(_TERRITORIES), _entries(_REGIONS), _entries(_CITIES)
PLACES = COUNTRIES | TERRITORIES | US_STATES | REGIONS | CITIES
# The places a question's place noun admits: "which city?" is not answered by
# "California", "which country?" by "Texas", nor "which Ukrainian region?" by "China"
# (a place the gazetteer lacks may be anything). A "state" may be a nation state.
_PARTS = TERRITORIES | US_STATES | REGIONS
_ADMITS = {"country": COUNTRIES | TERRITORIES, "nation": COUNTRIES | TERRITORIES,
           "state": US_STATES | COUNTRIES, "city": CITIES, "town": CITIES,
           "capital": CITIES, "region": _PARTS, "province": _PARTS, "territory": _PARTS,
           "continent": REGIONS}


def fits_place_noun(place: str, noun: str) -> bool:
    """Whether ``place`` can be what "which ``noun``" asks for ("countries" -> country)."""
    admits = _ADMITS.get(singular(noun.lower()))
    name = " ".join(place.lower().removesuffix("’s").removesuffix("'s").split())
    name = name.removeprefix("the ")
    return admits is None or name not in PLACES or name in admits
LONGEST_PLACE_WORDS = max(len(p.split()) for p in PLACES)
