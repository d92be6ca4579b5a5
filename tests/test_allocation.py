"""The garbage collector pause used around bulk object building (geostory/allocation.py)."""

import gc

import pytest

from geostory.allocation import paused_gc
from geostory.corpus import corpus_places
from geostory.extract.pipeline import extract_story
from geostory.model import Article


@pytest.fixture(autouse=True)
def collector_on():
    gc.enable()
    yield
    gc.enable()


def test_pause_resumes_after_the_block_and_after_an_error():
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), paused_gc():
        raise ValueError("boom")
    assert gc.isenabled()


def test_nested_blocks_resume_only_at_the_outermost():
    with paused_gc():
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still runs
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_caller_stays_off():
    gc.disable()
    with paused_gc():
        pass
    assert not gc.isenabled()


def test_bulk_builders_leave_the_collector_on():
    story = extract_story(Article(text="Emmanuel Macron s'est rendu à Lyon puis à Marseille jeudi.", lang="fr",
                                  published="2024-03-14"))
    assert gc.isenabled() and story.places
    assert corpus_places([("s1", story)]) and gc.isenabled()
    with pytest.raises(Exception):
        extract_story(Article(text="", lang="fr"))  # an error before and inside the stages keeps it on
    assert gc.isenabled()
