"""Imputation of missing indicator values within groups of units; every imputed value is flagged."""

from __future__ import annotations

import numpy as np
import pandas as pd


def impute_groups(
    x: np.ndarray, groups: np.ndarray | None, how: str
) -> tuple[np.ndarray, np.ndarray]:
    """Fill NaN with the `how` ("mean" or "median") of the unit's group; return (values, flags).

    `groups` holds one label per unit (None/NaN: no group, never imputed); None means all
    units form one group (COINr's i_mean / i_median). A group with no value stays missing.
    """
    frame = pd.DataFrame(x)
    if groups is None:
        fill = getattr(frame, how)(axis=0).to_numpy()[None, :]
        fill = np.broadcast_to(fill, x.shape)
    else:
        labels = pd.Series(groups)
        grouped = frame.groupby(labels.to_numpy(), dropna=True)
        fill = grouped.transform("median" if how == "median" else "mean")
        fill = fill.reindex(range(len(frame))).to_numpy(dtype=float)
    missing = np.isnan(x)
    out = np.where(missing, fill, x)
    flags = missing & ~np.isnan(out)
    return out, flags
