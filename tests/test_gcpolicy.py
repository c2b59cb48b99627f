"""The garbage-collector policy of bulk text work: thresholds restored, no reference cycles per doc."""
import gc

import pytest

from wvtext.gcpolicy import BULK_THRESHOLD, bulk_allocations
from wvtext.themes.pipeline import extract_themes


def test_threshold_raised_inside_and_restored_after_error():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError):
        with bulk_allocations():
            assert gc.get_threshold()[0] == max(BULK_THRESHOLD, before[0])
            raise RuntimeError("boom")
    assert gc.get_threshold() == before


def test_generator_restores_threshold_when_closed_early():
    before = gc.get_threshold()
    gen = extract_themes(["Ordinary residence disputes continue.", "CHC funding is agreed."] * 3)
    next(gen)
    assert gc.get_threshold()[0] >= BULK_THRESHOLD
    gen.close()
    assert gc.get_threshold() == before


def test_theme_stage_leaves_no_cyclic_garbage():
    """Each doc is freed by reference counting: the per-doc view kept in user_data must not point
    back at its doc (a cycle per doc made the collector take a large share of the stage's time)."""
    texts = ["There are no issues regarding Ordinary Residence.", "A pooled budget under section 75 is in place."]
    list(extract_themes(texts))  # warm: the pipeline and its caches are built
    gc.collect()
    old = gc.get_debug()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for _ in extract_themes(texts * 20, questions=["Do you have ordinary residence issues?", None] * 20):
            pass
        gc.collect()
        garbage = len(gc.garbage)
    finally:
        gc.set_debug(old)
        gc.garbage.clear()
    assert garbage == 0
