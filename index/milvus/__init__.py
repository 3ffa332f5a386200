"""The Milvus backend (pymilvus `MilvusClient`): see index/milvus/backend.py.

Imported only when NEWSDESK_BACKEND=milvus or a command names a Milvus URI."""

from index.milvus.backend import MilvusBackend, open_backend

__all__ = ["MilvusBackend", "open_backend"]
