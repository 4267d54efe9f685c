"""The research notebooks that render to reports: name → notebook file under `notebooks/`."""

from pathlib import Path

NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
REPORTS = {
    "categories": "01_categories.ipynb",
    "certification": "02_certification.ipynb",
    "deadlines": "03_deadlines.ipynb",
    "funnel": "04_funnel_selection.ipynb",
    "trends": "05_trends.ipynb",
}
