"""Lexical engines compared on the same queries at 21k and 1M passages (see README)."""
