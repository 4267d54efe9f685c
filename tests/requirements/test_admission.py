"""The item codes programmes ask for (大學端需求): the code tables, the requirement strings' grammar at its edges, the
codes each of the workbench's items fits, and a student's items against what a programme asks."""

import pytest

from portfolio_lib.domain.admission import (
    CODE_TABLES,
    REQUIREMENT_MAX_CHARS,
    Cover,
    HeldItem,
    OutcomeKind,
    System,
    categories_for,
    cover,
    infer_outcome_kind,
    outcome_codes,
    outcome_kind,
    parse_requirement,
    performance_codes,
)
from portfolio_lib.domain.categories import CATEGORIES
from portfolio_lib.domain.errors import InvalidRequirement, UnknownOutcomeKind
from portfolio_lib.domain.model import ItemKind

SEED_STRING = ("修課紀錄(A)、課程學習成果(B、D)、多元表現(F、G、H、J、N)、學習歷程自述(O、P、Q)、"
               "其他(R.其他有利審查資料)")


def test_both_code_tables_are_dated_and_sourced():
    university, technical = CODE_TABLES[System.UNIVERSITY], CODE_TABLES[System.TECHNICAL]
    assert list(university.codes) == list("ABCDEFGHIJKLMNOPQR")
    assert list(technical.codes) == ["B-1", "B-2", *[f"C-{n}" for n in range(1, 9)], "D-1", "D-2", "D-3"]
    assert (university.from_year, technical.from_year) == (111, 113)
    assert university.source.startswith("https://") and technical.source.startswith("https://")
    assert university.codes["F"].label == "高中自主學習計畫與成果" and technical.codes["C-6"].group == "多元表現"
    assert {c.kind for c in university.codes.values()} == {"record", "outcome", "performance", "written"}


@pytest.mark.parametrize("text, system, groups", [
    (SEED_STRING, System.UNIVERSITY,
     (("修課紀錄", ("A",)), ("課程學習成果", ("B", "D")), ("多元表現", ("F", "G", "H", "J", "N")),
      ("學習歷程自述", ("O", "P", "Q")), ("其他", ("R",)))),
    # full-width parentheses, letters and separators are the half-width ones
    ("課程學習成果（Ｂ，Ｄ）；多元表現(F,G)", System.UNIVERSITY,
     (("課程學習成果", ("B", "D")), ("多元表現", ("F", "G")))),
    ("多元表現(f ／ g)", System.UNIVERSITY, (("多元表現", ("F", "G")),)),
    # a label with parentheses of its own inside a code's entry stays the label
    ("其他(R.其他有利審查資料(如作品集))", System.UNIVERSITY, (("其他", ("R",)),)),
    # the technical system, its groups, its dash variants; its course record has no code
    ("課程學習成果(B－1、B–2)、多元表現(C-1、C-5)、多元表現綜整心得(D-1)", System.TECHNICAL,
     (("課程學習成果", ("B-1", "B-2")), ("多元表現", ("C-1", "C-5")), ("多元表現綜整心得", ("D-1",)))),
    ("修課紀錄、B-1、C-5", System.TECHNICAL, (("", ("B-1",)), ("", ("C-5",)))),
    ("多元表現(C-1、D-1)", System.TECHNICAL, (("多元表現", ("C-1", "D-1")),)),
    ("A、F", System.UNIVERSITY, (("", ("A",)), ("", ("F",)))),
])
def test_a_requirement_string_is_read_into_its_groups_and_codes(text, system, groups):
    requirement = parse_requirement(text)
    assert (requirement.system, requirement.groups) == (system, groups)
    assert parse_requirement(requirement.text()) == requirement       # its usual spelling reads back the same


@pytest.mark.parametrize("text, reason", [
    ("", "沒有填寫任何項目"),
    ("多元表現(F、(G、J))", "「(G、J)」不是項目代碼：括號內不能再分組"),          # a nested group
    ("多元表現()", "「多元表現」的括號內沒有任何代碼"),                            # an empty group
    ("多元表現(、)", "「多元表現」的括號內沒有任何代碼"),
    ("多元表現(F、、G)", "「多元表現」的括號內有空的項目"),
    ("多元表現(F、Z)", "不認得項目代碼「Z」"),                                  # an unknown code
    ("多元表現(C-9)", "不認得項目代碼「C-9」"),
    ("課程學習成果(F)", "代碼 F 屬於「多元表現」，不屬於「課程學習成果」"),
    ("作品(F)", "不認得組名「作品」"),
    ("多元表現(F、F)", "代碼 F 出現兩次"),
    ("B、C-1", "同一個校系不能同時用大學（A–R）與四技（B-1、C-1…）的代碼"),
    ("多元表現(F", "有括號沒有關上"),
    ("多元表現(F))", "右括號「)」比左括號多"),
    ("多元表現(F)G", "右括號之後還有文字"),
    ("、F", "有空的項目"),
    ("(F)", "括號前沒有組名"),
    ("課程學習成果", "「課程學習成果」不是項目代碼"),                           # a group named without its codes
    ("修課紀錄(B-1)", "不認得組名「修課紀錄」"),                                  # 四技 has no code for it
])
def test_a_malformed_requirement_is_refused_with_its_reason(text, reason):
    with pytest.raises(InvalidRequirement) as err:
        parse_requirement(text)
    assert reason in err.value.facts["reason"]
    assert "無法解讀" in err.value.message


def test_a_requirement_string_is_taken_up_to_its_length_and_not_a_character_more():
    head = "多元表現(F)、"
    fill = "其他(R." + "資" * (REQUIREMENT_MAX_CHARS - len(head) - len("其他(R.)")) + ")"
    assert len(head + fill) == REQUIREMENT_MAX_CHARS
    assert parse_requirement(head + fill).groups[-1] == ("其他", ("R",))
    with pytest.raises(InvalidRequirement, match=f"超過 {REQUIREMENT_MAX_CHARS} 字"):
        parse_requirement(head + fill.replace("資", "資料", 1))


# --- the codes an item fits -----------------------------------------------------------------------------

EVERY_CATEGORY = {      # category: (申請入學, 四技)
    "cadre": ("H", "C-3"), "competition": ("J", "C-5"), "certificate": ("L", "C-7"), "service": ("I", "C-4"),
    "flexible": ("F", "C-1"), "group_activity": ("G", "C-2"), "workplace": ("M", "C-6"), "work": ("K", "C-6"),
    "advanced_course": ("M", "C-8"), "other": ("M", "C-8"),
}


@pytest.mark.parametrize("category", list(CATEGORIES))
def test_every_category_fits_one_code_of_each_system(category):
    university, technical = EVERY_CATEGORY[category]
    assert performance_codes(category, {"type": "1"}) == {System.UNIVERSITY: university, System.TECHNICAL: technical}
    for system, code in ((System.UNIVERSITY, university), (System.TECHNICAL, technical)):
        assert CODE_TABLES[system].codes[code].kind == "performance"
        assert CATEGORIES[category].label in " ".join(categories_for(code))


@pytest.mark.parametrize("kind, expected", [("1", "F"), ("2", "K"), ("3", "K"), ("4", "K"), ("5", "K")])
def test_flexible_learning_is_self_directed_learning_only_when_its_type_says_so(kind, expected):
    assert performance_codes("flexible", {"type": kind}) == {System.UNIVERSITY: expected, System.TECHNICAL: "C-1"}


def test_an_outcome_fits_b_to_e_by_its_kind_and_b1_or_b2_by_its_course():
    general, practicum = "113330301H110101100" + "0401", "113330301H110101700" + "0401"
    assert outcome_codes(None, "物理", general) == {System.UNIVERSITY: None, System.TECHNICAL: "B-2"}
    for kind, code in ((OutcomeKind.REPORT, "B"), (OutcomeKind.WORK, "C"), (OutcomeKind.SCIENCE, "D"),
                       (OutcomeKind.SOCIAL, "E")):
        assert outcome_codes(kind, "物理", general)[System.UNIVERSITY] == code
        assert outcome_codes(kind.label, "物理", general)[System.UNIVERSITY] == code    # by its label too
    assert outcome_codes("report", "機械實習", practicum)[System.TECHNICAL] == "B-1"     # course type 7: 實習科目
    assert outcome_codes("work", "專題實作", general)[System.TECHNICAL] == "B-1"
    with pytest.raises(UnknownOutcomeKind, match="書面報告、實作作品"):
        outcome_kind("心得")


def test_only_an_inquiry_course_of_the_science_or_social_domain_makes_the_kind_certain():
    def code(domain: str) -> str:
        return f"113330301H110101100{domain}01"
    assert infer_outcome_kind("探究與實作", code("04")) is OutcomeKind.SCIENCE
    assert infer_outcome_kind("歷史探究", code("03")) is OutcomeKind.SOCIAL
    assert infer_outcome_kind("探究與實作", code("05")) is None          # an arts inquiry: B or C, the student says
    assert infer_outcome_kind("物理", code("04")) is None


# --- a student's items against what is asked ----------------------------------------------------------

ASKED = parse_requirement("修課紀錄(A)、課程學習成果(B、D)、多元表現(F、J、N)、學習歷程自述(O、P、Q)")


def item(kind, n, university, picked=True, unmarked=False, selected=True, ready=True):
    return HeldItem(kind, n, f"項目{n}", {System.UNIVERSITY: university, System.TECHNICAL: None}, picked, unmarked,
                    selected, ready)


def states(result):
    return {c.code.code: c.state for c in result.codes}


def test_a_student_with_nothing_lacks_every_item_code_and_nothing_else():
    result = cover(ASKED, [], 3, 10, final_grade=True)
    assert states(result) == {"A": Cover.SCHOOL, "B": Cover.MISSING, "D": Cover.MISSING, "F": Cover.MISSING,
                              "J": Cover.MISSING, "N": Cover.WRITTEN, "O": Cover.WRITTEN, "P": Cover.WRITTEN,
                              "Q": Cover.WRITTEN}
    assert [c.code for c in result.missing] == ["B", "D", "F", "J"] and not result.covered
    assert result.next_steps[2] == "F：新增一筆彈性學習時間紀錄（類別為「自主學習」）並勾選"
    assert "N 多元表現綜整心得：申請時撰寫" in [c.line() for c in result.codes]


def test_a_student_with_exactly_what_is_asked_covers_it_with_nothing_to_do():
    held = [item(ItemKind.OUTCOME, 1, "B"), item(ItemKind.OUTCOME, 2, "D"), item(ItemKind.PERFORMANCE, 3, "F"),
            item(ItemKind.PERFORMANCE, 4, "F"), item(ItemKind.PERFORMANCE, 5, "J")]
    result = cover(ASKED, held, 3, 10, final_grade=True)
    assert result.covered and result.next_steps == () and result.off_target == ()
    assert next(c for c in result.codes if c.code.code == "F").line() == "F 高中自主學習計畫與成果：2 件 ✔"


def test_one_missing_item_is_the_only_gap_and_the_only_step():
    held = [item(ItemKind.OUTCOME, 1, "B"), item(ItemKind.PERFORMANCE, 3, "F"), item(ItemKind.PERFORMANCE, 5, "J")]
    result = cover(ASKED, held, 3, 10, final_grade=True)
    assert [c.code for c in result.missing] == ["D"]
    assert result.next_steps == ("D：上傳一件自然科學領域探究活動成果的課程學習成果，認證通過後勾選",)


def test_a_selected_item_not_yet_picked_is_the_next_step_and_a_full_pick_names_what_to_replace():
    spare = [item(ItemKind.OUTCOME, n, "C") for n in (7, 8, 9)]           # three picks, none asked
    waiting = item(ItemKind.OUTCOME, 1, "B", picked=False)
    result = cover(ASKED, [waiting, *spare], 3, 10, final_grade=True)
    b = next(c for c in result.codes if c.code.code == "B")
    assert b.state is Cover.SELECTED and "B 書面報告" not in [c.short for c in result.missing]
    assert b.next_step == "申請入學的課程學習成果已選滿 3 件：以「項目1」替換不在要求內的「項目7」"
    assert [i.item_id for i in result.off_target] == [7, 8, 9]
    free = cover(ASKED, [waiting], 3, 10, final_grade=True)
    assert next(c for c in free.codes if c.code.code == "B").next_step == "把「項目1」選為申請入學項目"
    younger = cover(ASKED, [waiting], 3, 10, final_grade=False)
    assert next(c for c in younger.codes if c.code.code == "B").next_step == "高三時把「項目1」選為申請入學項目"


def test_an_unmarked_outcome_is_named_when_a_b_to_e_code_is_missing():
    result = cover(ASKED, [item(ItemKind.OUTCOME, 1, None, unmarked=True)], 3, 10, final_grade=True)
    assert "1 件學習成果尚未標示成果類型" in result.next_steps[0]


def test_an_item_not_yet_selected_is_still_missing_but_named_as_the_way_to_cover_it():
    held = [item(ItemKind.OUTCOME, 1, "B", picked=False, selected=False, ready=False),       # not yet certified
            item(ItemKind.OUTCOME, 2, "D", picked=False, selected=False),                    # certified
            item(ItemKind.PERFORMANCE, 3, "F", picked=False, selected=False, ready=False)]   # synced, no proof
    result = cover(ASKED, held, 3, 10, final_grade=True)
    assert [c.code for c in result.missing] == ["B", "D", "F", "J"] and result.off_target == ()
    assert result.next_steps == ("B：「項目1」認證通過後勾選", "D：勾選「項目2」（開放勾選期間內）",
                                 "F：為「項目3」補上證明文件後勾選", "J：新增一筆競賽參與紀錄並勾選")


def test_written_parts_carry_no_invented_cap():
    result = cover(parse_requirement("學習歷程自述(O、P、Q)"), [], 3, 10, final_grade=True)
    assert result.covered and all(c.state is Cover.WRITTEN and c.selected == () for c in result.codes)
    assert all("件" not in c.line() for c in result.codes)
