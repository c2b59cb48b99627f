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


def test_overlapping_generators_restore_the_first_threshold():
    """Two theme generators consumed side by side end in either order: the threshold in force
    before the first began comes back when both are done."""
    before = gc.get_threshold()
    a = extract_themes(["Crisis team in place."] * 2)
    b = extract_themes(["Pooled budget agreed."] * 3)
    list(zip(a, b))  # a, begun first, ends first; b is left open
    assert gc.get_threshold()[0] >= BULK_THRESHOLD
    b.close()
    assert gc.get_threshold() == before


def test_a_collector_switched_off_stays_off():
    before = gc.get_threshold()
    try:
        gc.set_threshold(0)
        with bulk_allocations():
            assert gc.get_threshold()[0] == 0
        assert gc.get_threshold()[0] == 0
    finally:
        gc.set_threshold(*before)


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
