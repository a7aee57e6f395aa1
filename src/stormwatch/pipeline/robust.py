"""Robust statistics shared by the signals: the median and MAD of baseline windows, the robust
z against them, and the strength a z gives."""

from __future__ import annotations

import warnings

import numpy as np

Z_FLOOR = 2.0  # z <= 2 is noise
Z_FULL = 10.0  # z >= 10 is full strength


def median_mad(baseline: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows: no history yet
        median = np.nanmedian(baseline, axis=1)
        mad = np.nanmedian(np.abs(baseline - median[:, None]), axis=1)
    return median, mad


def robust_z(now: np.ndarray, baseline: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Median of each row of ``baseline`` (NaN = window not covered) and the robust z of
    ``now`` against it: ``(now - median) / max(1.4826 · MAD, sqrt(median + 1))``.

    Shapes: ``now`` (T,), ``baseline`` (T, n). Rows without any covered window give NaN.
    """
    median, mad = median_mad(baseline)
    scale = np.maximum(1.4826 * mad, np.sqrt(median + 1.0))
    return median, (now - median) / scale


def strength_from_z(z: np.ndarray) -> np.ndarray:
    """``clip((z - 2) / 8, 0, 1)``; no history (NaN) is no evidence (0)."""
    return np.nan_to_num(np.clip((z - Z_FLOOR) / (Z_FULL - Z_FLOOR), 0.0, 1.0), nan=0.0)
