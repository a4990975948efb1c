"""Choosing the answer / clarify / fall-back cut-offs from validation predictions."""

import numpy as np

GRID = np.round(np.arange(0.05, 0.96, 0.01), 2)


def choose_answer_threshold(confidence: np.ndarray, correct: np.ndarray,
                            target_precision: float) -> float:
    """Lowest cut-off at which the answered messages are right at least target_precision."""
    for cut in GRID:
        answered = confidence >= cut
        if answered.any() and correct[answered].mean() >= target_precision:
            return float(cut)
    return float(GRID[-1])


def choose_clarify_threshold(confidence: np.ndarray, in_top_two: np.ndarray,
                             answer_cut: float, target_hit_rate: float) -> float:
    """Lowest cut-off above which a two-choice question usually holds the right topic."""
    for cut in GRID[GRID < answer_cut]:
        asked = (confidence >= cut) & (confidence < answer_cut)
        if asked.any() and in_top_two[asked].mean() >= target_hit_rate:
            return float(cut)
    return float(answer_cut)


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray,
                               bins: int = 10) -> float:
    """Gap between confidence and accuracy, averaged over equal-width bins."""
    edges = np.linspace(0, 1, bins + 1)
    error = 0.0
    for low, high in zip(edges[:-1], edges[1:]):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            error += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(error)
