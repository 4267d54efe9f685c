"""Dated policy data: every limit of the cycle, read from policy.toml, with school overrides."""

from __future__ import annotations

import copy
import json
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

from .calendar import Term
from .errors import InvalidPolicy

_TERM_KEY = re.compile(r"^\d{2,3}(-[12])?$")


def _term_of_key(key: str) -> Term:
    year, _, semester = key.partition("-")
    return Term(int(year), int(semester or 1))


def _is_dated(table) -> bool:
    return isinstance(table, dict) and bool(table) and all(_TERM_KEY.match(k) for k in table)


@dataclass(frozen=True)
class EarlyWarning:
    """The early warning's dated thresholds (預警): when its rules fire, and the gate a model must pass to be shown."""

    no_upload_days: int            # rule 尚未上傳: nothing done this many days (or fewer) before the close
    horizons_days: tuple[int, ...]  # the model's horizons, ascending
    min_f1: float                  # the model's F1 on the last finished deadline must reach this
    max_spread: float              # and vary by no more than this over repeated splits
    min_confidence: float          # a student is flagged at this probability or above
    splits: int
    min_positives: int             # students who missed in the training terms, at least
    student_nudge: bool            # a student sees their own reasons in their cabinet


@dataclass(frozen=True)
class RescueRules:
    """What a file rescue keeps to (檔案救援): how long originals stay, the least bit rate a conversion may use."""

    keep_terms: int                # an original is kept until its item is settled plus this many terms
    video_min_kbps: int            # under this the student is told to trim the video instead
    audio_min_kbps: int
    max_input_bytes: int           # a larger file is not taken for conversion


@dataclass(frozen=True)
class Rules:
    """Every limit in force for one term at one school."""

    term: Term
    file_types: MappingProxyType          # slot -> tuple of extensions
    file_max_bytes: MappingProxyType      # slot -> bytes
    file_labels: MappingProxyType         # slot -> 文件檔案 / 影音檔案
    description_max_chars: int
    field_max_chars: int
    plan_title_max_chars: int
    outcome_upload_cap_per_semester: int
    outcome_selection_cap_per_year: int
    certification_days_after_deadline: int
    performance_upload_cap_per_year: int
    performance_selection_cap_per_year: int
    application_outcome_picks: int
    application_outcome_pool: int
    application_performance_picks: int
    application_performance_pool: int
    application_targets: int              # programmes a student may keep as targets (目標校系)
    quota_bytes: int
    receipt_check_days: int
    flexible_weeks_min: int
    flexible_weeks_max: int
    warn_selection_closing_days: int
    warn_quota_share: float
    early_warning: "EarlyWarning"
    rescue: "RescueRules"
    codes: MappingProxyType               # table name -> {code: label}


class Policy:
    """The policy tree; `rules(term)` resolves every dated value for a term."""

    def __init__(self, tree: dict):
        self._tree = tree
        self._fingerprint: str | None = None
        self._validate()

    @classmethod
    def default(cls) -> "Policy":
        return _default_policy()

    @classmethod
    def from_toml(cls, text: str) -> "Policy":
        return cls(tomllib.loads(text))

    def with_overrides(self, overrides: dict | str | None) -> "Policy":
        """A school's policy: its own dated values laid over these (JSON text or a dict)."""
        if not overrides:
            return self
        if isinstance(overrides, str):
            try:
                overrides = json.loads(overrides)
            except json.JSONDecodeError as err:
                raise InvalidPolicy(reason=f"學校設定不是正確的 JSON（{err.msg}）") from None
        tree = copy.deepcopy(self._tree)
        _merge(tree, overrides, path=())
        return Policy(tree)

    def _validate(self):
        for _, table in _dated_tables(self._tree):
            for key in table:
                _term_of_key(key)
        for slot in ("document", "video"):
            if slot not in self._tree.get("files", {}):
                raise InvalidPolicy(reason=f"缺少 files.{slot}")

    def value(self, path: str, term: Term):
        """The value at a dotted path in force at a term."""
        node = self._tree
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                raise InvalidPolicy(reason=f"沒有設定 {path}")
            node = node[part]
        return _resolve(node, term, path)

    def rules(self, term: Term) -> Rules:
        return _rules_for(self, term)

    def largest_file_bytes(self) -> int:
        """The largest file any slot takes in any term: a larger one is refused whatever its term and slot."""
        return max(int(size) for slot in self._tree["files"].values() for size in slot["max_bytes"].values())

    def fingerprint(self) -> str:
        """The tree as text, the key of its resolved rules (the tree never changes once made)."""
        if self._fingerprint is None:
            self._fingerprint = json.dumps(self._tree, sort_keys=True, ensure_ascii=False)
        return self._fingerprint


def _resolve(table, term: Term, path: str):
    if not _is_dated(table):
        raise InvalidPolicy(reason=f"{path} 不是依學期設定的值")
    applicable = [(_term_of_key(k), v) for k, v in table.items() if _term_of_key(k) <= term]
    if not applicable:
        raise InvalidPolicy(reason=f"{path} 在 {term} 之前沒有設定")
    return max(applicable, key=lambda pair: pair[0])[1]


def _dated_tables(node, path=()):
    if _is_dated(node):
        yield path, node
    elif isinstance(node, dict):
        for key, child in node.items():
            yield from _dated_tables(child, path + (key,))


def _merge(tree: dict, overrides: dict, path: tuple):
    for key, value in overrides.items():
        where = ".".join(path + (key,))
        if key not in tree:
            raise InvalidPolicy(reason=f"學校設定有不認得的項目 {where}")
        if _is_dated(tree[key]):
            if not _is_dated(value):
                raise InvalidPolicy(reason=f"{where} 須依學期設定，例如 {{\"110-1\": 9}}")
            tree[key] = {**tree[key], **value}
        elif isinstance(value, dict) and isinstance(tree[key], dict):
            _merge(tree[key], value, path + (key,))
        else:
            tree[key] = value


@lru_cache(maxsize=1)
def _default_policy() -> Policy:
    text = resources.files("portfolio_lib.domain").joinpath("policy.toml").read_text(encoding="utf-8")
    return Policy.from_toml(text)


_RULES_CACHE: dict[tuple[str, Term], Rules] = {}


def _rules_for(policy: Policy, term: Term) -> Rules:
    key = (policy.fingerprint(), term)
    if key in _RULES_CACHE:
        return _RULES_CACHE[key]
    files = policy._tree["files"]
    v = policy.value
    rules = Rules(
        term=term,
        file_types=MappingProxyType({s: tuple(v(f"files.{s}.types", term)) for s in files}),
        file_max_bytes=MappingProxyType({s: int(v(f"files.{s}.max_bytes", term)) for s in files}),
        file_labels=MappingProxyType({s: files[s].get("label", s) for s in files}),
        description_max_chars=int(v("text.description_max_chars", term)),
        field_max_chars=int(v("text.field_max_chars", term)),
        plan_title_max_chars=int(v("text.plan_title_max_chars", term)),
        outcome_upload_cap_per_semester=int(v("outcomes.upload_cap_per_semester", term)),
        outcome_selection_cap_per_year=int(v("outcomes.selection_cap_per_year", term)),
        certification_days_after_deadline=int(v("outcomes.certification_days_after_deadline", term)),
        performance_upload_cap_per_year=int(v("performances.upload_cap_per_year", term)),
        performance_selection_cap_per_year=int(v("performances.selection_cap_per_year", term)),
        application_outcome_picks=int(v("application.outcome_picks", term)),
        application_outcome_pool=int(v("application.outcome_pool", term)),
        application_performance_picks=int(v("application.performance_picks", term)),
        application_performance_pool=int(v("application.performance_pool", term)),
        application_targets=int(v("application.targets", term)),
        quota_bytes=int(v("storage.quota_bytes", term)),
        receipt_check_days=int(v("submission.receipt_check_days", term)),
        flexible_weeks_min=int(v("flexible_learning.weeks_min", term)),
        flexible_weeks_max=int(v("flexible_learning.weeks_max", term)),
        warn_selection_closing_days=int(v("warnings.selection_closing_days", term)),
        warn_quota_share=float(v("warnings.quota_share", term)),
        early_warning=EarlyWarning(
            no_upload_days=int(v("early_warning.no_upload_days", term)),
            horizons_days=tuple(sorted(int(h) for h in v("early_warning.horizons_days", term))),
            min_f1=float(v("early_warning.min_f1", term)), max_spread=float(v("early_warning.max_spread", term)),
            min_confidence=float(v("early_warning.min_confidence", term)),
            splits=int(v("early_warning.splits", term)), min_positives=int(v("early_warning.min_positives", term)),
            student_nudge=bool(v("early_warning.student_nudge", term))),
        rescue=RescueRules(keep_terms=int(v("rescue.keep_terms", term)),
                           video_min_kbps=int(v("rescue.video_min_kbps", term)),
                           audio_min_kbps=int(v("rescue.audio_min_kbps", term)),
                           max_input_bytes=int(v("rescue.max_input_bytes", term))),
        codes=MappingProxyType({name: MappingProxyType(dict(_resolve(table, term, f"codes.{name}")))
                                for name, table in policy._tree["codes"].items()}),
    )
    if len(_RULES_CACHE) > 512:
        _RULES_CACHE.clear()
    _RULES_CACHE[key] = rules
    return rules
