"""Quote extraction and speaker attribution (index time, rule-based)."""

from index.quotes.extract import extract_quotes
from index.quotes.names import keys_compatible, speaker_key

__all__ = ["extract_quotes", "keys_compatible", "speaker_key"]
