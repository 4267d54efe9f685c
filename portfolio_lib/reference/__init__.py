"""Reference data shipped with the workbench (see README.md here): the school guide's category chart."""

from __future__ import annotations

import io
from importlib import resources

import pandas as pd


def slide_reference() -> pd.DataFrame:
    """The guide's chart of 多元表現 item types (F–M), with shares."""
    text = resources.files(__name__).joinpath("category_distribution_slide.csv").read_text("utf-8")
    slide = pd.read_csv(io.StringIO(text))
    slide["slide_share"] = slide["count"] / slide["count"].sum()
    return slide
