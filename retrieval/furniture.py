"""What a news page holds besides its story: links to other stories, promotions, a video
player's text, photo credits. Such a line is another article's headline or no news at
all, so it is never an answer sentence nor a highlighted match in an excerpt (it is still
shown verbatim inside the excerpt it belongs to)."""

from __future__ import annotations

import re

from index.sentences import PHOTO_CREDITS

# A link or a promotion, from the line's start ("More:Phoenix Mercury guard out with ACL
# tear", "►Hearing aids: Here's everything you need to know", "Sign up for our
# newsletter"). The label glued to the headline ("Celebrity Split:Jennifer Lopez and Alex
# Rodriguez officially call it quits") is how 1,495 such links read in the realtimeqa
# archive; prose puts a space after a colon.
_LINK = re.compile(
    r"[►▶»]|(?:More|MORE|Related|RELATED|Read more|Read More|READ MORE|Also read|See also|"
    r"Watch|WATCH)\s*:|(?:Sign up|SIGN UP|Subscribe|Click here|Follow us)\b|"
    r"[^\s:][^:\n]{0,50}:[A-Z“\"‘']")
# A video player's titles of other videos ("Video Ad Feedback Big blow to Putin as Russia
# orders to withdraw from Kherson 02:30 - Source: CNN", "Replay More Videos ... MUST
# WATCH ..."), anywhere in the line, and a photo credit split from its caption ("John
# Moore/Getty Images").
_MEDIA = re.compile(r"MUST WATCH|Video Ad Feedback|Replay More Videos|"
                    r"\b\d\d:\d\d\s*-\s*Source:|"
                    rf"^[^\n]{{0,80}}/{PHOTO_CREDITS}$")


def is_furniture(sentence: str) -> bool:
    """Whether ``sentence`` (one sentence, as `index.sentences.sentence_spans` cuts them)
    is page furniture rather than the story."""
    return bool(_LINK.match(sentence) or _MEDIA.search(sentence))
