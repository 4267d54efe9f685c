"""預警 on the staff pages: who will likely miss an open deadline and why (the homeroom teacher's class, the
counselor's school by class), how the list was made, and the 預警成效 panel (the model against the rules)."""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from ..domain.calendar import Term, format_roc_datetime
from ..domain.warning import Deadline
from ..queries import warning as q
from ..queries.rules import school_rules
from ..queries.vocabulary import warning_table
from .common import DataTable

EVALUATION_HEADERS = {"deadline": "截止", "horizon": "截止前天數", "test_term": "檢驗學期", "students": "學生數",
                      "missed": "錯過人數", "rules_precision": "規則精確率", "rules_recall": "規則召回率",
                      "rules_f1": "規則 F1", "model_precision": "模型精確率", "model_recall": "模型召回率",
                      "model_f1": "模型 F1", "spread": "F1 標準差", "shown": "顯示模型", "why_not": "不顯示的原因"}

HELP = ("<p class='pf-help'>名單先依<b>規則</b>：截止前 {days} 天仍未完成、已上傳未送認證、認證不通過未補件、"
        "勾選期間將截止仍未勾選。學校過去的學期足夠時，另以<b>模型</b>（邏輯斯迴歸，依過去各學期訓練）預測；"
        "模型只有在最近一次已結束的同類截止上勝過規則、且達到政策門檻（F1 ≥ {f1:.2f}、重複切分標準差 ≤ "
        "{spread:.2f}）時才使用，風險達 {confidence:.0%} 才列入。原因依對風險的貢獻由大到小排列。"
        "這是提醒名單，不是評分。</p>")


def deadline_label(deadline: Deadline, term, closes, now) -> str:
    days = max((closes - now).total_seconds() / 86400, 0)
    title = f"{term.year} 學年度{deadline.label}" if deadline.yearly else f"{term.label}{deadline.label}"
    return f"{title}（{format_roc_datetime(closes)} 截止，還有 {days:.0f} 天）"


def evidence_line(listed: q.Warnings) -> str:
    model = listed.model
    if model is None or model.evidence.model is None:
        return ""
    e = model.evidence
    return (f"模型以 {'、'.join(model.trained_on[:-1])} 訓練，在 {model.test_term} 檢驗（截止前 {model.horizon} 天）："
            f"精確率 {e.model.precision:.0%}、召回率 {e.model.recall:.0%}、F1 {e.model.f1:.2f}；"
            f"同一批學生規則的 F1 {e.rules.f1:.2f}。")


class WarningPanel:
    """The deadline picker, the list with reasons and its export; `class_id()` gives the class shown (None: every
    class the viewer may open, with a count per class)."""

    def __init__(self, dashboard, class_id=lambda: None, by_class: bool = False):
        self.dashboard, self.class_id, self.by_class = dashboard, class_id, by_class
        self.deadline = widgets.Dropdown(description="截止", layout=widgets.Layout(width="46em"))
        self.summary = widgets.HTML()
        self.table = DataTable("預警名單（可能錯過截止的學生與原因）", "預警名單")
        self.per_class = DataTable("各班預警人數", "各班預警人數", max_height="240px")
        self.history = None
        self.deadline.observe(dashboard.run(lambda _: self.show()), names="value")
        rules = school_rules(dashboard.wb.engine, dashboard.viewer.school_id, dashboard.term_now, dashboard.wb.policy)
        ew = rules.early_warning
        parts = [widgets.HTML(HELP.format(days=ew.no_upload_days, f1=ew.min_f1, spread=ew.max_spread,
                                          confidence=ew.min_confidence)), self.deadline, self.summary]
        self.view = widgets.VBox(parts + ([self.per_class.view] if by_class else []) + [self.table.view])

    def load(self):
        """Read the school's history and the deadlines open now (once per page, or when asked again)."""
        d = self.dashboard
        self.history = q.load_history(d.wb.engine, d.viewer.school_id)
        found = q.open_deadlines(d.wb.engine, d.viewer.school_id, d.now, history=self.history)
        options = [(deadline_label(deadline, term, closes, d.now), (deadline.value, term.year, term.semester))
                   for deadline, term, _, closes in found]
        if not options:
            self.deadline.options = []
            self.summary.value = "<p>目前沒有開放中的截止期限。</p>"
            self.table.show(pd.DataFrame())
            return
        self.deadline.options = options
        self.deadline.value = options[0][1]
        self.show()

    def show(self):
        if self.deadline.value is None or self.history is None:
            return
        d = self.dashboard
        kind, year, semester = self.deadline.value
        listed = q.warnings(d.wb.engine, d.viewer, Deadline(kind), Term(year, semester or d.term_now.semester),
                            d.now, d.wb.policy, class_id=self.class_id(), history=self.history)
        self.listed = listed
        method = ("<b>模型</b>" if listed.method == "模型" else "<b>規則</b>")
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in listed.notes)
        evidence = evidence_line(listed)
        self.summary.value = (f"<p>依據：{method}　列入 {len(listed.table)} 位</p>"
                              + (f"<p>{html.escape(evidence)}</p>" if evidence else "")
                              + (f"<ul>{notes}</ul>" if notes else ""))
        self.table.show(warning_table(listed.table))
        if self.by_class:
            counts = pd.DataFrame(columns=["class_name", "students", "model"])
            if len(listed.table):
                counts = listed.table.groupby("class_name").agg(
                    students=("student_id", "size"), model=("source", lambda s: int((s == "模型").sum()))).reset_index()
            self.per_class.show(counts.rename(columns={"class_name": "班級", "students": "預警人數",
                                                       "model": "其中模型預測"}))


class EvaluationPanel:
    """預警成效: for each kind of deadline and horizon, precision, recall and F1 of the rules and of the model on the
    last finished deadline, the spread over repeated splits, and whether the model is shown (and why not)."""

    def __init__(self, dashboard):
        self.dashboard = dashboard
        self.intro = widgets.HTML(
            "<p class='pf-help'>每一種截止與預測時點（截止前天數），模型以較早結束的學期訓練，"
            "在最近一次已結束的同類截止上與規則比較。精確率：列入名單者真的錯過的比率；召回率：錯過的學生有多少被列入；F1：兩者的調和平均。"
            "未達門檻的模型不會顯示，名單改用規則。</p>")
        self.table = DataTable("預警成效（模型與規則）", "預警成效", max_height="480px")
        self.view = widgets.VBox([self.intro, self.table.view])

    def show(self):
        d = self.dashboard
        history = q.load_history(d.wb.engine, d.viewer.school_id)
        rules = school_rules(d.wb.engine, d.viewer.school_id, d.term_now, d.wb.policy)
        self.frame = q.evaluation(history, d.now, rules)
        shown = self.frame.assign(
            deadline=self.frame["deadline"].map(lambda v: Deadline(v).label),
            shown=self.frame["shown"].map({True: "是", False: "否"}),
            **{c: self.frame[c].map(lambda v: "" if v is None or v != v else f"{v:.2f}")
               for c in self.frame.columns if c.endswith(("precision", "recall", "f1"))},
            spread=self.frame["spread"].map(lambda v: "" if v is None or v != v else f"{v:.3f}"),
            **{c: self.frame[c].map(lambda v: "" if v is None or v != v else f"{int(v)}")
               for c in ("students", "missed")})
        self.table.show(shown.fillna("").rename(columns=EVALUATION_HEADERS))
