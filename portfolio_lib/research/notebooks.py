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

LABELS = {
    "categories": "多元表現類別分布", "certification": "課程學習成果認證", "deadlines": "截止日前的上傳擁擠程度",
    "funnel": "上傳到提交的流程與勾選行為", "trends": "跨學年度與跨校趨勢",
}
