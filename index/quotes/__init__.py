"""Quote extraction and speaker attribution (index time, rule-based)."""

import functools
import hashlib
from pathlib import Path

from index.quotes.extract import extract_quotes
from index.quotes.names import keys_compatible, speaker_key

__all__ = ["extract_quotes", "keys_compatible", "rules_version", "speaker_key"]


@functools.cache
def rules_version() -> str:
    """A hash of this package's source. An index records the version its quotes were
    extracted with; when the rules change, `index add` re-extracts them (no embedding)."""
    digest = hashlib.blake2b(digest_size=8)
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
