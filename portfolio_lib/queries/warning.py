"""Early warning (預警): which students will likely miss an open deadline, why, for staff in scope.

Rules first (`domain.warning`): a student who has done nothing toward a deadline N days before it closes, has an
outcome not sent or failed and not replaced, or has nothing selected as the selection window closes. A model where
the school's own history allows: a logistic regression per kind of deadline and horizon (days before the close),
trained on the finished deadlines of that kind, from five explainable features (`domain.warning.FEATURES`). It is
shown only when, trained on all but the last finished deadline, it beats the rules on that last one and meets the
policy's thresholds (`domain.warning.gate`); each student's reasons are the features' contributions to the log-odds,
largest first. The model is the school's: it learns from every student of the school, and lists only the students
the viewer may see."""

from __future__ import annotations

import hashlib
import math
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from ..adapters import answers
from ..adapters import tables as t
from ..domain.calendar import Term, format_roc_datetime
from ..domain.errors import NotFound
from ..domain.model import OutcomeStatus, Role, WindowKind
from ..domain.policy import Policy, Rules
from ..domain.warning import (
    FEATURES,
    QUIET_CAP_DAYS,
    TIMING_SCORES,
    Deadline,
    Evidence,
    feature_reason,
    gate,
    horizon_for,
    scores,
    timing_class,
)
from .frames import Readable, question
from .frames import frame as _frame
from .rules import school_rules
from .scope import classes_of, student_counts
from .viewer import Viewer

KEYS = ["year", "semester"]


@dataclass
class History:
    """A school's portfolio history as the model reads it: no names, no ID numbers, only who did what when."""

    roster: pd.DataFrame            # student_id, year, class_id
    first_outcome: pd.Series        # (student_id, year, semester) → first outcome uploaded
    first_performance: pd.Series    # (student_id, year) → first 多元表現 uploaded
    first_selection: pd.Series      # (student_id, year) → first selection
    first_passed: pd.Series         # (student_id, year) → first outcome certified 通過
    uploads: pd.DataFrame           # student_id, at: every upload (outcomes and 多元表現)
    certifications: pd.DataFrame    # student_id, at, passed
    windows: dict                   # (year, semester, WindowKind) → (opens, closes)

    def instances(self, deadline: Deadline) -> list[tuple[int, int, datetime, datetime]]:
        """(year, semester, opens, closes) of every deadline of a kind the school has scheduled, by close; opens is
        when a student can first act toward it (an upload stage: the term's first upload window)."""
        found = []
        for (year, semester, kind), (opens, closes) in self.windows.items():
            if kind is deadline.window:
                start = self.windows.get((year, semester, WindowKind.UPLOAD_1), (opens, closes))[0] \
                    if deadline in (Deadline.STAGE_1, Deadline.STAGE_2) else opens
                found.append((year, semester, start, closes))
        return sorted(found, key=lambda item: item[3])


def _series(table: pd.DataFrame, keys: list[str]) -> pd.Series:
    if table.empty:
        return pd.Series(dtype="datetime64[ns]", index=pd.MultiIndex.from_tuples([], names=keys))
    return pd.to_datetime(table.set_index(keys)["at"])


@question
def load_history(engine: Readable, school_id: int) -> History:
    """Everything the early warning reads of one school, in a handful of grouped queries."""
    e, c, o, p, x, r = t.enrolments, t.classes, t.outcomes, t.performances, t.selections, t.certifications
    s = t.students
    mine = s.c.school_id == school_id
    roster = _frame(engine, select(e.c.student_id, e.c.academic_year.label("year"), e.c.class_id)
                    .join(c, c.c.id == e.c.class_id).where(c.c.school_id == school_id)
                    .order_by(e.c.academic_year, e.c.student_id))      # one order on every backend: the same splits
    first_outcome = _frame(engine, select(o.c.student_id, o.c.academic_year.label("year"), o.c.semester,
                                          func.min(o.c.uploaded_at).label("at")).join(s, s.c.id == o.c.student_id)
                           .where(mine).group_by(o.c.student_id, o.c.academic_year, o.c.semester))
    first_performance = _frame(engine, select(p.c.student_id, p.c.academic_year.label("year"),
                                              func.min(p.c.uploaded_at).label("at")).join(s, s.c.id == p.c.student_id)
                               .where(mine, answers.uploaded_performance())
                               .group_by(p.c.student_id, p.c.academic_year))
    first_selection = _frame(engine, select(x.c.student_id, x.c.academic_year.label("year"),
                                            func.min(x.c.selected_at).label("at")).join(s, s.c.id == x.c.student_id)
                             .where(mine).group_by(x.c.student_id, x.c.academic_year))
    certified = _frame(engine, select(o.c.student_id, o.c.academic_year.label("year"), r.c.certified_at.label("at"),
                                      r.c.passed).join(o, o.c.id == r.c.outcome_id)
                       .join(s, s.c.id == o.c.student_id).where(mine))
    uploads = pd.concat([
        _frame(engine, select(o.c.student_id, o.c.uploaded_at.label("at")).join(s, s.c.id == o.c.student_id)
               .where(mine)),
        _frame(engine, select(p.c.student_id, p.c.uploaded_at.label("at")).join(s, s.c.id == p.c.student_id)
               .where(mine, answers.uploaded_performance()))], ignore_index=True)
    uploads["at"] = pd.to_datetime(uploads["at"])
    certified["at"] = pd.to_datetime(certified["at"])
    certified["passed"] = certified["passed"].astype(bool)
    passed = certified[certified["passed"]].groupby(["student_id", "year"], as_index=False)["at"].min()
    w = t.windows
    rows = _frame(engine, select(w.c.academic_year, w.c.semester, w.c.kind, w.c.opens, w.c.closes)
                  .where(w.c.school_id == school_id))
    windows = {(int(row.academic_year), int(row.semester), WindowKind(row.kind)):
               (pd.Timestamp(row.opens).to_pydatetime(), pd.Timestamp(row.closes).to_pydatetime())
               for row in rows.itertuples()}
    return History(roster=roster, first_outcome=_series(first_outcome, ["student_id", "year", "semester"]),
                   first_performance=_series(first_performance, ["student_id", "year"]),
                   first_selection=_series(first_selection, ["student_id", "year"]),
                   first_passed=_series(passed, ["student_id", "year"]),
                   uploads=uploads, certifications=certified[["student_id", "at", "passed"]], windows=windows)


def _first_action(history: History, deadline: Deadline, year: int, semester: int) -> pd.Series:
    """student_id → the first moment a student acted toward a deadline (NaT never)."""
    if deadline in (Deadline.STAGE_1, Deadline.STAGE_2):
        series = history.first_outcome
        key = (year, semester)
        if series.empty:
            return pd.Series(dtype="datetime64[ns]")
        picked = series[(series.index.get_level_values("year") == key[0])
                        & (series.index.get_level_values("semester") == key[1])]
        return picked.droplevel(["year", "semester"])
    series = history.first_performance if deadline is Deadline.PERFORMANCE else history.first_selection
    return _of_year(series, year)


def _of_year(series: pd.Series, year: int) -> pd.Series:
    if series.empty:
        return pd.Series(dtype="datetime64[ns]")
    return series[series.index.get_level_values("year") == year].droplevel("year")


def _population(history: History, deadline: Deadline, year: int, moment: datetime) -> pd.DataFrame:
    """The students a deadline concerns at a moment (student_id index, class_id): everyone enrolled that year; for
    the selection window, those with something to select (an outcome certified 通過 or a 多元表現 uploaded)."""
    roster = history.roster[history.roster["year"] == year].set_index("student_id")[["class_id"]]
    if deadline is Deadline.SELECTION:
        ready = pd.concat([_of_year(history.first_passed, year), _of_year(history.first_performance, year)])
        ready = ready[ready <= moment]
        roster = roster[roster.index.isin(ready.index)]
    return roster


def frame_at(history: History, deadline: Deadline, year: int, semester: int, closes: datetime,
             moment: datetime) -> pd.DataFrame:
    """One row per student the deadline concerns, as they stood at `moment`: done (acted by then), missed (had not
    acted by the close: known once it has passed), the features, and the facts the reasons are worded from."""
    table = _population(history, deadline, year, moment)
    first = _first_action(history, deadline, year, semester).reindex(table.index)
    table["done"] = (first <= moment).fillna(False).astype(bool)
    table["missed"] = ~(first <= closes).fillna(False).astype(bool)
    # days since the last upload of any kind
    before = history.uploads[history.uploads["at"] <= moment]
    last = before.groupby("student_id")["at"].max().reindex(table.index)
    quiet = ((moment - last).dt.total_seconds() / 86400).clip(upper=QUIET_CAP_DAYS)
    table["never_uploaded"] = last.isna()
    table["days_quiet"] = quiet.fillna(QUIET_CAP_DAYS).astype(float)
    # past timing of the same kind of deadline, scored like Moodle's submit_close_to_due
    counts = {kind: pd.Series(0, index=table.index) for kind in TIMING_SCORES}
    for past_year, past_semester, _, past_close in history.instances(deadline):
        if past_close >= moment:
            continue
        concerned = _population(history, deadline, past_year, past_close).index.intersection(table.index)
        acted = _first_action(history, deadline, past_year, past_semester).reindex(concerned)
        acted = acted.where(acted <= moment)
        kinds = [timing_class(None if pd.isna(at) else at.to_pydatetime(), past_close) for at in acted]
        for kind in TIMING_SCORES:
            counts[kind] = counts[kind].add(pd.Series([k == kind for k in kinds], index=concerned, dtype=int),
                                            fill_value=0)
    total = sum(counts.values())
    weighted = sum(counts[kind] * score for kind, score in TIMING_SCORES.items())
    table["timing"] = (weighted / total.where(total > 0)).fillna(0.0).astype(float)
    table["timing_counts"] = [{kind: int(counts[kind][sid]) for kind in TIMING_SCORES} for sid in table.index]
    # certification results so far
    certs = history.certifications[history.certifications["at"] <= moment]
    tally = certs.groupby("student_id")["passed"].agg(["size", "sum"]).reindex(table.index, fill_value=0)
    table["certified"] = tally["size"].astype(int)
    table["failed"] = (tally["size"] - tally["sum"]).astype(int)
    table["failed_share"] = (table["failed"] / table["certified"].where(table["certified"] > 0)).fillna(0.0)
    # the last selection window closed before the moment
    table["missed_selection"] = 0.0
    table["missed_selection_year"] = None
    closed = [item for item in history.instances(Deadline.SELECTION) if item[3] < moment]
    if closed:
        sel_year, _, _, sel_close = closed[-1]
        concerned = _population(history, Deadline.SELECTION, sel_year, sel_close).index.intersection(table.index)
        acted = _of_year(history.first_selection, sel_year).reindex(concerned)
        missed = concerned[~(acted <= sel_close).fillna(False).to_numpy(bool)]
        table.loc[missed, "missed_selection"] = 1.0
        table.loc[missed, "missed_selection_year"] = sel_year
    # the class's progress so far
    table["class_done"] = table.groupby("class_id")["done"].transform("mean").astype(float)
    return table


# --- the model --------------------------------------------------------------------------------------------------

@dataclass
class Model:
    """A fitted model of one kind of deadline at one horizon, with the evidence that it may (or may not) be shown."""

    deadline: Deadline
    horizon: int
    evidence: Evidence
    why_not: list[str]
    test_term: str | None = None            # the finished deadline it was checked on (e.g. "114-2", "114 學年度")
    pipeline: object = None                 # scikit-learn pipeline fitted on every finished deadline
    trained_on: list[str] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return not self.why_not and self.pipeline is not None


def _instance_label(deadline: Deadline, year: int, semester: int) -> str:
    return f"{year} 學年度" if deadline.yearly else f"{year}-{semester}"


def _rule_fires(deadline: Deadline, days_left: float, opens: datetime, moment: datetime, rules: Rules) -> bool:
    """Whether the rule for doing nothing fires this many days before the close."""
    if deadline is Deadline.SELECTION:
        return moment >= opens and days_left <= rules.warn_selection_closing_days
    return days_left <= rules.early_warning.no_upload_days


def training_rows(history: History, deadline: Deadline, horizon: int, now: datetime) -> list[tuple]:
    """(label, rows of students not yet done `horizon` days before the close, rule flags) of every finished deadline
    of a kind (closed before `now`), oldest first."""
    found = []
    for year, semester, opens, closes in history.instances(deadline):
        if closes >= now:
            continue
        moment = closes - timedelta(days=horizon)
        table = frame_at(history, deadline, year, semester, closes, moment)
        found.append((_instance_label(deadline, year, semester), year, semester, opens, closes, moment, table))
    return found


def _pipeline():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=500))


_FITTED: OrderedDict = OrderedDict()       # a fit is a pure function of its rows: keyed by their digest


def _fit(x: np.ndarray, y: np.ndarray):
    key = hashlib.sha256(x.tobytes() + y.tobytes() + str(x.shape).encode()).hexdigest()
    if key in _FITTED:
        _FITTED.move_to_end(key)
        return _FITTED[key]
    pipeline = _pipeline().fit(x, y)
    _FITTED[key] = pipeline
    if len(_FITTED) > 64:
        _FITTED.popitem(last=False)
    return pipeline


def _flags(pipeline, x: np.ndarray, confidence: float) -> np.ndarray:
    return pipeline.predict_proba(x)[:, 1] >= confidence if len(x) else np.zeros(0, bool)


def _spread(x: np.ndarray, y: np.ndarray, policy, seed: int = 0) -> float:
    """Standard deviation of F1 over repeated stratified 80/20 splits (Moodle's ten splits)."""
    from sklearn.model_selection import StratifiedShuffleSplit
    if min(int(y.sum()), int((~y).sum())) < 2:
        return math.nan
    splitter = StratifiedShuffleSplit(n_splits=policy.splits, test_size=0.2, random_state=seed)
    f1s = []
    for train, test in splitter.split(x, y):
        if y[train].all() or not y[train].any():
            return math.nan
        pipeline = _fit(x[train], y[train])
        f1s.append(scores(_flags(pipeline, x[test], policy.min_confidence), y[test]).f1)
    return float(np.std(f1s))


def build_model(history: History, deadline: Deadline, horizon: int, now: datetime, rules: Rules,
                shuffle_labels: int | None = None) -> Model:
    """Train and judge the model of a kind of deadline at a horizon on the finished deadlines before `now`.
    `shuffle_labels` (a seed) permutes who missed, within each deadline: a model that then still passes the gate
    would be finding something that is not there (a test's control)."""
    policy = rules.early_warning
    finished = training_rows(history, deadline, horizon, now)
    parts = []
    rng = np.random.default_rng(shuffle_labels) if shuffle_labels is not None else None
    for label, year, semester, opens, closes, moment, table in finished:
        waiting = table[~table["done"]]
        y = waiting["missed"].to_numpy(bool)
        if rng is not None:
            y = rng.permutation(y)
        fires = _rule_fires(deadline, horizon, opens, moment, rules)
        parts.append((label, waiting[list(FEATURES)].to_numpy(float), y, fires, table))
    usable = [part for part in parts if len(part[2])]
    positives = sum(int(part[2].sum()) for part in usable[:-1])
    evidence = Evidence(finished=len(usable), positives=positives, model=None, rules=None, spread=None)
    model = Model(deadline, horizon, evidence, [], trained_on=[part[0] for part in usable])
    model.why_not = gate(evidence, policy)
    if model.why_not:
        return model
    train_x = np.vstack([part[1] for part in usable[:-1]])
    train_y = np.concatenate([part[2] for part in usable[:-1]])
    if train_y.all() or not train_y.any():
        model.why_not = ["過去的截止全部都錯過或全部都完成，無法訓練模型"]
        return model
    label, test_x, test_y, fires, table = usable[-1]
    done = int(table["done"].sum())                       # done before the horizon: neither warning flags them
    flagged = _flags(_fit(train_x, train_y), test_x, policy.min_confidence)
    model_scores = scores(list(flagged) + [False] * done, list(test_y) + [False] * done)
    rule_scores = scores([fires] * len(test_y) + [False] * done, list(test_y) + [False] * done)
    all_x, all_y = np.vstack([train_x, test_x]), np.concatenate([train_y, test_y])
    evidence = Evidence(finished=len(usable), positives=positives, model=model_scores, rules=rule_scores,
                        spread=_spread(all_x, all_y, policy))
    model.evidence, model.test_term = evidence, label
    model.why_not = gate(evidence, policy)
    model.pipeline = _fit(all_x, all_y)
    return model


def contributions(pipeline, x: np.ndarray) -> np.ndarray:
    """Each feature's contribution to each student's log-odds of missing, against the average student the model
    learnt from (who had not acted by the same horizon): βᵢ·zᵢ of the standardised features."""
    scaler, logistic = pipeline[0], pipeline[-1]
    return scaler.transform(x) * logistic.coef_[0]


# --- the list ---------------------------------------------------------------------------------------------------

COLUMNS = ["student_id", "class_id", "class_name", "seat", "student_no", "name", "source", "risk", "reasons"]


@dataclass
class Warnings:
    """The warning list of one deadline as staff in scope see it, with how it was made."""

    deadline: Deadline
    year: int
    semester: int
    opens: datetime
    closes: datetime
    now: datetime
    table: pd.DataFrame                     # COLUMNS, one row per student warned, class and seat order
    model: Model | None                     # the model of the horizon in force, shown or not
    horizon: int | None
    notes: list[str]                        # why the model is not shown, or what the rules leave out

    @property
    def days_left(self) -> float:
        return (self.closes - self.now).total_seconds() / 86400

    @property
    def title(self) -> str:
        term = f"{self.year} 學年度" if self.deadline.yearly else Term(self.year, self.semester).label
        return f"{term}{self.deadline.label}"

    @property
    def method(self) -> str:
        return "模型" if self.model is not None and self.model.shown else "規則"


def deadline_window(history: History, deadline: Deadline, term: Term) -> tuple[datetime, datetime]:
    semester = 0 if deadline.yearly else term.semester
    for year, sem, opens, closes in history.instances(deadline):
        if year == term.year and sem == semester:
            return opens, closes
    raise NotFound(entity="截止期限", key=f"{term} {deadline.label}")


@question
def warnings(engine: Readable, viewer: Viewer, deadline: Deadline, term: Term, now: datetime, policy: Policy,
             class_id: int | None = None, history: History | None = None) -> Warnings:
    """The students of the classes the viewer may open (one class, or every class they may open) likely to miss a
    deadline of a term, each with their reasons, largest first. `history` may be handed in by a page that keeps it."""
    class_ids = classes_of(engine, viewer, term.year, class_id)
    history = history if history is not None else load_history(engine, viewer.school_id)
    rules = school_rules(engine, viewer.school_id, term, policy)
    opens, closes = deadline_window(history, deadline, term)
    semester = 0 if deadline.yearly else term.semester
    days_left = (closes - now).total_seconds() / 86400
    roster = student_counts(engine, class_ids, term.year, None if deadline.yearly else term.semester)
    roster = roster.set_index("id")
    notes: list[str] = []
    if now > closes:
        notes.append(f"已於 {format_roc_datetime(closes)} 截止：名單是截止時仍未完成的學生")
    live = frame_at(history, deadline, term.year, semester, closes, min(now, closes))
    live = live[live.index.isin(roster.index)]
    horizon = horizon_for(days_left, rules.early_warning.horizons_days) if now <= closes else None
    model = build_model(history, deadline, horizon, now, rules) if horizon is not None else None
    if model is None:
        notes.append(f"模型只在截止前 {max(rules.early_warning.horizons_days)} 天內預測；目前距截止 "
                     f"{max(days_left, 0):.0f} 天，先看規則" if now <= closes else "截止後不再預測")
    elif not model.shown:
        notes += [f"模型不顯示：{reason}" for reason in model.why_not]
    fires = _rule_fires(deadline, days_left, opens, now, rules) and now <= closes
    waiting = live[~live["done"]]
    found: dict[int, tuple[str, float | None, list[str]]] = {}
    if model is not None and model.shown and len(waiting):
        x = waiting[list(FEATURES)].to_numpy(float)
        risk = model.pipeline.predict_proba(x)[:, 1]
        parts = contributions(model.pipeline, x)
        cleared = 0
        for row, (sid, facts) in enumerate(waiting.iterrows()):
            if risk[row] < rules.early_warning.min_confidence:
                cleared += 1
                continue
            order = np.argsort(-parts[row])
            reasons = [deadline.nothing]
            for index in order:
                if parts[row][index] <= 0:
                    break
                text = feature_reason(FEATURES[index], facts.to_dict(), deadline)
                if text:
                    reasons.append(text)
            found[sid] = ("模型", float(risk[row]), reasons)
        if fires and cleared:
            notes.append(f"另有 {cleared} 位尚未{deadline.done}，模型判斷會在截止前完成，未列入")
    elif fires:
        for sid in waiting.index:
            found[sid] = ("規則", None, [f"{deadline.nothing}（距截止 {max(days_left, 0):.0f} 天）"])
    elif now > closes:
        for sid in waiting.index:
            found[sid] = ("已截止", None, [f"已錯過：截止時{deadline.nothing}"])
    first_stage = history.windows.get((term.year, term.semester, WindowKind.UPLOAD_1))
    current_stage = deadline is Deadline.STAGE_1 or first_stage is None or now > first_stage[1]
    if deadline in (Deadline.STAGE_1, Deadline.STAGE_2) and now <= closes and current_stage:
        # outcomes not sent or failed are the open stage's to remind of: the second's once the first has closed
        for sid, row in roster.iterrows():
            extra = []
            if row["not_sent"]:
                extra.append(f"有 {int(row['not_sent'])} 件已上傳未送認證")
            if row[OutcomeStatus.FAILED.value]:
                extra.append(f"有 {int(row[OutcomeStatus.FAILED.value])} 件認證不通過未補件")
            if extra:
                source, risk, reasons = found.get(sid, ("規則", None, []))
                found[sid] = (source, risk, reasons + extra)
    table = pd.DataFrame([(sid, roster.at[sid, "class_id"], roster.at[sid, "class_name"], roster.at[sid, "seat"],
                           roster.at[sid, "student_no"], roster.at[sid, "name"], source, risk, tuple(reasons))
                          for sid, (source, risk, reasons) in found.items()], columns=COLUMNS)
    table = table.sort_values(["class_name", "seat"], kind="stable").reset_index(drop=True)
    return Warnings(deadline, term.year, semester, opens, closes, now, table, model, horizon, notes)


def class_id_of(engine: Readable, school_id: int, year: int, name: str) -> int:
    """A class of the school by year and name (115/101)."""
    c = t.classes
    found = _frame(engine, select(c.c.id).where(c.c.school_id == school_id, c.c.academic_year == year,
                                                c.c.name == name))
    if found.empty:
        raise NotFound(entity="班級", key=f"{year}/{name}")
    return int(found.iloc[0]["id"])


@question
def open_deadlines(engine: Readable, school_id: int, now: datetime,
                   history: History | None = None) -> list[tuple[Deadline, Term, datetime, datetime]]:
    """The deadlines a student can still act toward at `now` (its first window open, its close ahead), by close."""
    history = history if history is not None else load_history(engine, school_id)
    found = []
    for deadline in Deadline:
        for year, semester, opens, closes in history.instances(deadline):
            if opens <= now <= closes:
                found.append((deadline, Term(year, semester or Term.of(now.date()).semester), opens, closes))
    return sorted(found, key=lambda item: item[3])


def evaluation(history: History, now: datetime, rules: Rules) -> pd.DataFrame:
    """The 預警成效 table: for every kind of deadline and horizon, the model against the rules on the last finished
    deadline (trained on the earlier ones), the spread over repeated splits, and whether it is shown and why not."""
    rows = []
    for deadline in Deadline:
        for horizon in sorted(rules.early_warning.horizons_days, reverse=True):
            model = build_model(history, deadline, horizon, now, rules)
            e = model.evidence
            rows.append({"deadline": deadline.value, "horizon": horizon, "test_term": model.test_term,
                         "students": e.model.students if e.model else None,
                         "missed": e.model.missed if e.model else None,
                         **{f"{who}_{measure}": getattr(getattr(e, who), measure) if getattr(e, who) else None
                            for who in ("rules", "model") for measure in ("precision", "recall", "f1")},
                         "spread": e.spread, "shown": model.shown, "why_not": "；".join(model.why_not)})
    return pd.DataFrame(rows)


def student_nudge(engine: Readable, student_id: int, now: datetime, policy: Policy) -> list[tuple[str, list[str]]]:
    """A student's own reasons for each open deadline, when their school turns the nudge on (else nothing):
    (deadline title, reasons). Only this student's row is ever read back."""
    with_class = _frame(engine, select(t.classes.c.school_id, t.classes.c.id, t.classes.c.homeroom_teacher_id)
                        .join(t.enrolments, t.enrolments.c.class_id == t.classes.c.id)
                        .where(t.enrolments.c.student_id == student_id,
                               t.enrolments.c.academic_year == Term.of(now.date()).year))
    if with_class.empty:
        return []
    school_id, class_id = int(with_class.iloc[0]["school_id"]), int(with_class.iloc[0]["id"])
    if not school_rules(engine, school_id, Term.of(now.date()), policy).early_warning.student_nudge:
        return []
    reader = Viewer(staff_id=0, staff_no="nudge", name="提醒", school_id=school_id, roles=frozenset({Role.COUNSELOR}))
    history = load_history(engine, school_id)
    found = []
    for deadline, term, _, _ in open_deadlines(engine, school_id, now, history=history):
        listed = warnings(engine, reader, deadline, term, now, policy, class_id=class_id, history=history)
        mine = listed.table[listed.table["student_id"] == student_id]
        if not mine.empty:
            found.append((listed.title, list(mine.iloc[0]["reasons"])))
    return found


__all__ = ["History", "Model", "Warnings", "build_model", "contributions", "deadline_window", "evaluation",
           "frame_at", "load_history", "open_deadlines", "student_nudge", "warnings"]
