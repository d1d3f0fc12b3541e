from __future__ import annotations

import numpy as np
import pytest

from knowledge_base.search import clean_query, ranks_from_scores, rrf


def test_rrf_hand_made_rankings():
    # item:          0     1     2     3
    bm25 = [1, 2, None, 3]
    dense = [3, 1, 2, None]
    k = 10
    scores = rrf([(bm25, 1.0), (dense, 1.0)], k)
    expected = np.array([
        (11 / 11 + 11 / 13) / 2,
        (11 / 12 + 11 / 11) / 2,
        (11 / 12) / 2,
        (11 / 13) / 2,
    ])
    assert scores == pytest.approx(expected)
    assert list(np.argsort(-scores)) == [1, 0, 2, 3]


def test_rrf_first_everywhere_scores_one_and_weights_shift_the_winner():
    assert rrf([([1, 2], 1.0), ([1, 2], 0.5)], 60)[0] == pytest.approx(1.0)
    bm25, dense = [1, 2], [2, 1]
    assert rrf([(bm25, 1.0), (dense, 0.3)], 10).argmax() == 0
    assert rrf([(bm25, 0.3), (dense, 1.0)], 10).argmax() == 1


def test_ranks_from_scores():
    scores = np.array([0.0, 2.0, 1.0, 2.0])
    assert ranks_from_scores(scores) == [4, 1, 3, 2]  # ties keep input order
    assert ranks_from_scores(scores, positive_only=True) == [None, 1, 3, 2]
    assert ranks_from_scores(scores, depth=2) == [None, 1, None, 2]


def test_clean_query():
    assert clean_query("  hallo \n  daar ") == "hallo daar"
    assert clean_query(None) == ""
    long = "woord " * 1000
    cleaned = clean_query(long)
    assert len(cleaned) <= 1000 and cleaned.endswith("woord")
