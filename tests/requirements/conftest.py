"""A school's programme list for the requirement tests: a university programme, a technical one, and six more."""

import pytest

from portfolio_lib import services
from portfolio_lib.domain.model import Actor

from ..conftest import csv_bytes

SENIOR = "111001"          # grade 12, class 301
PHYSICS = "100001"
ASKS = "修課紀錄(A)、課程學習成果(B、D)、多元表現(F、J、N)、學習歷程自述(O、P、Q)"


def programme_rows(extra: int = 6) -> list[dict]:
    rows = [{"校系代碼": PHYSICS, "校系名稱": "甲大學 物理學系", "要求項目": ASKS, "學年度": 115,
             "來源": "https://example.edu.tw/115/100001", "範例資料": ""},
            {"校系代碼": "200001", "校系名稱": "乙科技大學 機械工程系",
             "要求項目": "課程學習成果(B-1、B-2)、多元表現(C-5)", "學年度": 115, "來源": "", "範例資料": "是"}]
    rows += [{"校系代碼": f"1000{n + 10}", "校系名稱": f"甲大學 第 {n} 系", "要求項目": "多元表現(F)", "學年度": "",
              "來源": "", "範例資料": ""} for n in range(extra)]
    return rows


@pytest.fixture
def listed(school):
    result = services.import_file(school.uow(), "programmes", csv_bytes(programme_rows()), name="校系.csv",
                                  actor=Actor("staff", "A001"))
    assert (result.inserted, result.updated) == (8, 0)
    return school


