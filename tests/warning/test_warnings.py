"""Who will likely miss a deadline, on a demo school standing 7.6 days before 115-1's first upload deadline: the rules,
the gated model, the reasons, the scope of each viewer, the student's nudge, and `portfolio warn`."""

import json
from datetime import timedelta

import pandas as pd
import pytest

from portfolio_lib import services
from portfolio_lib.cli import main
from portfolio_lib.demo import build_demo
from portfolio_lib.domain.calendar import Term
from portfolio_lib.domain.errors import PermissionDenied
from portfolio_lib.domain.model import Actor, Role
from portfolio_lib.domain.warning import FEATURES, Deadline
from portfolio_lib.queries import warning as q
from portfolio_lib.queries.viewer import viewer_by_id, viewer_by_staff_no
from portfolio_lib.services.config import fixed_clock
from portfolio_lib.services.unit_of_work import Workbench

AS_OF = "116/01/18 10:00"
NOW = fixed_clock(AS_OF)()
TERM = Term(115, 1)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("warning")
    wb = Workbench.open(str(folder / "demo.sqlite"), clock=fixed_clock(AS_OF))
    build_demo(wb, seed=115, students=600, as_of=NOW)
    return wb


@pytest.fixture(scope="module")
def history(demo):
    return q.load_history(demo.engine, 1)


def counselor(wb):
    return viewer_by_staff_no(wb.engine, "T0003")


def homeroom_of(wb, name: str):
    row = pd.read_sql(f"SELECT id, homeroom_teacher_id FROM classes WHERE academic_year = 115 AND name = '{name}'",
                      wb.engine).iloc[0]
    return int(row["id"]), viewer_by_id(wb.engine, int(row["homeroom_teacher_id"]))


def test_the_model_earns_its_place_for_the_first_stage_and_lists_with_reasons(demo, history):
    listed = q.warnings(demo.engine, counselor(demo), Deadline.STAGE_1, TERM, NOW, demo.policy, history=history)
    assert listed.method == "模型" and listed.horizon == 14 and 7 < listed.days_left < 8
    e = listed.model.evidence
    assert e.model.f1 >= 0.7 and e.model.f1 > e.rules.f1 and e.spread <= 0.05 and listed.model.test_term == "114-2"
    modelled = listed.table[listed.table["source"] == "模型"]
    assert len(modelled) > 5 and (modelled["risk"] >= 0.6).all()
    for reasons in modelled["reasons"]:
        assert reasons[0] == "本學期尚未上傳學習成果" and len(reasons) >= 2
    # every student the model lists has uploaded nothing this term, as the database says
    uploaded = set(pd.read_sql("SELECT DISTINCT s.student_no FROM outcomes o JOIN students s ON s.id = o.student_id "
                               "WHERE o.academic_year = 115 AND o.semester = 1", demo.engine)["student_no"])
    assert not set(modelled["student_no"]) & uploaded
    assert any("模型判斷會在截止前完成" in note for note in listed.notes)


def test_shuffled_labels_close_the_gate(demo, history):
    rules = demo.policy.rules(TERM)
    honest = q.build_model(history, Deadline.STAGE_1, 7, NOW, rules)
    shuffled = q.build_model(history, Deadline.STAGE_1, 7, NOW, rules, shuffle_labels=1)
    assert honest.shown
    assert not shuffled.shown and shuffled.evidence.model.f1 < honest.evidence.model.f1 - 0.3
    assert any("未達門檻" in reason for reason in shuffled.why_not)


def test_the_evaluation_shows_where_the_model_falls_back_to_the_rules(demo, history):
    table = q.evaluation(history, NOW, demo.policy.rules(TERM))
    assert len(table) == 4 * 3
    first = table[table["deadline"] == "1"]
    assert first["shown"].all() and (first["test_term"] == "114-2").all()
    assert (first["rules_recall"] == 1.0).all()           # the rule flags everyone not yet done: it misses no one
    hidden = table[~table["shown"]]
    assert len(hidden) and (hidden["why_not"].str.len() > 0).all()


def test_a_term_with_no_history_gets_the_rules_from_n_days_before_the_close(demo, history):
    opens, closes = q.deadline_window(history, Deadline.STAGE_1, Term(113, 1))
    viewer = counselor(demo)
    at_n = q.warnings(demo.engine, viewer, Deadline.STAGE_1, Term(113, 1), closes - timedelta(days=14), demo.policy,
                      history=history)
    assert at_n.method == "規則" and any("歷史資料不足" in note for note in at_n.notes)
    waiting = q.frame_at(history, Deadline.STAGE_1, 113, 1, closes, closes - timedelta(days=14))
    flagged = at_n.table[at_n.table["reasons"].map(lambda r: r[0].startswith("本學期尚未上傳學習成果"))]
    assert len(flagged) == int((~waiting["done"]).sum()) > 0
    before = q.warnings(demo.engine, viewer, Deadline.STAGE_1, Term(113, 1),
                        closes - timedelta(days=14, minutes=1), demo.policy, history=history)
    assert not before.table["reasons"].map(lambda r: r[0].startswith("本學期尚未上傳")).any()


def test_after_the_close_the_list_is_who_missed_it(demo, history):
    closes = q.deadline_window(history, Deadline.STAGE_1, Term(114, 2))[1]
    listed = q.warnings(demo.engine, counselor(demo), Deadline.STAGE_1, Term(114, 2), NOW, demo.policy,
                        history=history)
    missed = q.frame_at(history, Deadline.STAGE_1, 114, 2, closes, closes)
    assert listed.model is None and set(listed.table["source"]) == {"已截止"}
    assert set(listed.table["student_id"]) == set(missed.index[missed["missed"]])
    assert listed.notes[0].startswith("已於 115/07/05 23:59 截止")


def test_a_homeroom_teacher_sees_their_class_only(demo, history):
    class_id, teacher = homeroom_of(demo, "101")
    other_id, _ = homeroom_of(demo, "102")
    mine = q.warnings(demo.engine, teacher, Deadline.STAGE_1, TERM, NOW, demo.policy, history=history)
    assert set(mine.table["class_name"]) <= {"101"} and len(mine.table)
    with pytest.raises(PermissionDenied):
        q.warnings(demo.engine, teacher, Deadline.STAGE_1, TERM, NOW, demo.policy, class_id=other_id, history=history)
    school = q.warnings(demo.engine, counselor(demo), Deadline.STAGE_1, TERM, NOW, demo.policy, history=history)
    assert set(mine.table["student_no"]) == set(school.table[school.table["class_name"] == "101"]["student_no"])


def test_features_of_a_class_of_one_and_no_names(history):
    closes = q.deadline_window(history, Deadline.STAGE_1, TERM)[1]
    table = q.frame_at(history, Deadline.STAGE_1, 115, 1, closes, NOW)
    assert set(FEATURES) <= set(table.columns)
    assert not {"name", "student_no", "id_number"} & set(table.columns)
    one = table.index[0]
    alone = q.History(**{**history.__dict__, "roster": history.roster.assign(
        class_id=history.roster["class_id"].where(history.roster["student_id"] != one, -1))})
    single = q.frame_at(alone, Deadline.STAGE_1, 115, 1, closes, NOW).loc[one]
    assert single["class_done"] == float(single["done"])


def test_the_student_sees_their_own_reasons_only_when_the_school_turns_the_nudge_on(demo, history):
    listed = q.warnings(demo.engine, counselor(demo), Deadline.STAGE_1, TERM, NOW, demo.policy, history=history)
    student_id = int(listed.table[listed.table["source"] == "模型"].iloc[0]["student_id"])
    assert q.student_nudge(demo.engine, student_id, NOW, demo.policy) == []
    services.set_policy_overrides(demo.uow(), {"early_warning": {"student_nudge": {"115-1": True}}},
                                  actor=Actor.administrator("test"))
    try:
        nudges = q.student_nudge(demo.engine, student_id, NOW, demo.policy)
        mine = listed.table[listed.table["student_id"] == student_id].iloc[0]
        assert nudges[0] == (listed.title, list(mine["reasons"]))
        others = set(listed.table["name"]) - {mine["name"]}
        assert not any(name in reason for _, reasons in nudges for reason in reasons for name in others)
    finally:
        services.set_policy_overrides(demo.uow(), {}, actor=Actor.administrator("test"))


def test_portfolio_warn_prints_the_same_list(demo, capsys, monkeypatch):
    monkeypatch.setenv("PORTFOLIO_AS_OF", AS_OF)
    db = str(demo.engine.url.database)
    class_id, teacher = homeroom_of(demo, "101")
    assert main(["--db", db, "--json", "warn", "--term", "115-1", "--stage", "1", "--class", "115/101",
                 "--as", f"staff:{teacher.staff_no}"]) == 0
    payload = json.loads(capsys.readouterr().out)
    listed = q.warnings(demo.engine, teacher, Deadline.STAGE_1, TERM, NOW, demo.policy, class_id=class_id)
    assert payload["method"] == "模型" and payload["evidence"]["test_term"] == "114-2"
    assert [(s["student_no"], s["reasons"]) for s in payload["students"]] == [
        (row.student_no, list(row.reasons)) for row in listed.table.itertuples()]
    assert main(["--db", db, "warn", "--term", "115-1", "--stage", "1", "--class", "115/102",
                 "--as", f"staff:{teacher.staff_no}"]) == 1
    assert "其他班級" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["--db", db, "warn", "--term", "115-1", "--stage", "1"])
    assert usage.value.code == 2
    assert main(["--db", db, "warn", "--term", "115-1", "--stage", "selection", "--as", "admin"]) == 0
    assert "模型只在截止前" in capsys.readouterr().err


def test_roles_of_the_viewers_used_here(demo):
    assert Role.COUNSELOR in counselor(demo).roles
