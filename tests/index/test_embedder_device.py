"""Device choice (NEWSDESK_DEVICE / NEWSDESK_QUERY_DEVICE) and the GPU path's pipelined
encoder, checked on the CPU (no GPU is lent to this machine)."""

from __future__ import annotations

import numpy as np
import pytest

from index.embedder import Embedder, choose_device, ingest_device, query_device
from index.errors import ModelLoadError
from index.settings import NewsdeskSettings


def test_auto_picks_cuda_only_when_torch_sees_it() -> None:
    assert choose_device("auto", lambda: True) == "cuda"
    assert choose_device("auto", lambda: False) == "cpu"
    assert choose_device(None, lambda: True) == "cuda"
    assert choose_device(" CPU ", lambda: True) == "cpu"
    assert choose_device("cuda:1", lambda: True) == "cuda:1"


def test_asking_for_a_missing_gpu_or_an_unknown_device_is_a_clear_error() -> None:
    with pytest.raises(ModelLoadError, match="no CUDA device"):
        choose_device("cuda", lambda: False)
    with pytest.raises(ModelLoadError, match="Unknown device") as err:
        choose_device("tpu", lambda: True)
    assert "auto, cpu, cuda" in (err.value.hint or "")
    with pytest.raises(ModelLoadError):
        choose_device("cuda:x", lambda: True)


def test_queries_stay_on_the_cpu_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    monkeypatch.delenv("NEWSDESK_QUERY_DEVICE", raising=False)
    monkeypatch.delenv("NEWSDESK_DEVICE", raising=False)
    settings = NewsdeskSettings(_env_file=None)  # type: ignore[call-arg]
    assert (settings.device, settings.query_device) == ("auto", "cpu")
    assert query_device(settings.query_device) == "cpu" == query_device()
    cuda = "cuda" if torch.cuda.is_available() else "cpu"
    assert ingest_device(settings.device) == cuda == ingest_device()
    monkeypatch.setenv("NEWSDESK_DEVICE", " CPU ")
    monkeypatch.setenv("NEWSDESK_QUERY_DEVICE", "")
    settings = NewsdeskSettings(_env_file=None)  # type: ignore[call-arg]
    assert (settings.device, settings.query_device) == ("cpu", "cpu")
    assert ingest_device(settings.device) == "cpu"


def test_the_device_settings_reach_the_indexer(monkeypatch: pytest.MonkeyPatch) -> None:
    """NEWSDESK_DEVICE is read once into the settings and passed down, not read again."""
    from index.ingest import Indexer

    monkeypatch.setenv("NEWSDESK_DEVICE", "tpu")
    settings = NewsdeskSettings(_env_file=None)  # type: ignore[call-arg]
    monkeypatch.delenv("NEWSDESK_DEVICE")
    with pytest.raises(ModelLoadError, match="Unknown device 'tpu'"):
        _ = Indexer(None, settings=settings).embedder


def test_pipelined_encoder_matches_sentence_transformers(embedder: Embedder) -> None:
    texts = ["short", "A much longer sentence about the budget vote in the senate today.",
             "Wang Wenbin said cooperation has no limits.", "", "storm " * 60]
    plain = embedder.encode(texts)
    piped = embedder.encode_pipelined(texts, batch_size=2)  # several batches, out of order
    assert piped.shape == plain.shape and piped.dtype == np.float32
    assert np.allclose(piped, plain, atol=1e-5)
    assert np.allclose(np.linalg.norm(piped, axis=1), 1.0, atol=1e-5)


def test_the_cpu_embedder_keeps_small_batches(embedder: Embedder) -> None:
    assert embedder.device == "cpu" and embedder.batch_size == 32
