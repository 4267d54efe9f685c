"""多元表現: the ten categories, yearly caps, synced cadre records, links and selection."""

from datetime import datetime

import pytest
from sqlalchemy import select

from portfolio_lib import services
from portfolio_lib.adapters import tables as t
from portfolio_lib.domain.errors import (
    EndBeforeStart,
    ExternalLinkWithoutVideo,
    FileTypeMismatch,
    HoursOutOfRange,
    InvalidState,
    OutsideWindow,
    PerformanceLimitReached,
    ProofRequired,
    SelectionLimitReached,
    SyncedRecordProtected,
    WeeksOutOfRange,
)

from ..conftest import ADMIN, IN_SELECTION, csv_bytes, mp4, pdf, png, snapshot
from ..domain.test_domain_rules import VALID


def upload(school, category="work", fields=None, **kwargs):
    kwargs.setdefault("document", pdf(f"{category}-{kwargs.get('description', '')}"))
    return services.upload_performance(school.uow(), "113001", 113, 1, category,
                                       fields if fields is not None else VALID[category],
                                       kwargs.pop("description", "我的表現"), **kwargs)


@pytest.mark.parametrize("category", list(VALID))
def test_each_category_is_stored_with_its_fields(school, category):
    record_id = upload(school, category)
    with school.wb.engine.connect() as conn:
        row = conn.execute(select(t.performances).where(t.performances.c.id == record_id)).one()
    assert row.category == category and row.synced is False


@pytest.mark.parametrize("category,fields,error", [
    ("other", {**VALID["other"], "end_date": "113/06/30"}, EndBeforeStart),
    ("service", {**VALID["service"], "hours": 49}, HoursOutOfRange),
    ("flexible", {**VALID["flexible"], "weeks": 19}, WeeksOutOfRange),
])
def test_a_bad_field_writes_nothing(school, category, fields, error):
    before = snapshot(school.wb)
    with pytest.raises(error):
        upload(school, category, fields)
    assert snapshot(school.wb) == before


def test_a_png_named_pdf_is_refused_as_proof(school):
    before = snapshot(school.wb)
    with pytest.raises(FileTypeMismatch):
        upload(school, document=png("x", name="proof.pdf"))
    assert snapshot(school.wb) == before


def test_external_link_only_after_a_video(school):
    with pytest.raises(ExternalLinkWithoutVideo):
        upload(school, external_link="https://youtu.be/abc")
    record_id = upload(school, video=mp4(), external_link="https://youtu.be/abc")
    with pytest.raises(ExternalLinkWithoutVideo):
        services.update_performance(school.uow(), record_id, remove_video=True, external_link="https://youtu.be/abc")
    services.update_performance(school.uow(), record_id, remove_video=True)
    with school.wb.engine.connect() as conn:
        row = conn.execute(select(t.performances)).one()
    assert row.video_sha256 is None and row.external_link is None


def test_the_twentieth_record_of_a_year_is_taken_and_the_twenty_first_refused(school):
    for n in range(20):
        upload(school, description=f"作品 {n}")
    with pytest.raises(PerformanceLimitReached) as err:
        upload(school, description="第二十一件")
    assert err.value.facts["count"] == 20


def test_upload_only_inside_the_yearly_window(school, clock):
    clock.now = datetime(2025, 8, 1, 0, 0)
    with pytest.raises(OutsideWindow):
        upload(school)


def _import_cadre(school):
    rows = [{"學號": "113001", "學年度": 113, "學期": 1, "單位名稱": "101班", "擔任職務": "班長", "幹部等級": "2",
             "開始日期": "113/08/01", "結束日期": "114/01/31"}]
    services.import_file(school.uow(), "cadre", csv_bytes(rows), name="cadre.csv", actor=ADMIN)
    with school.wb.engine.connect() as conn:
        return conn.execute(select(t.performances.c.id).where(t.performances.c.synced.is_(True))).scalar_one()


def test_synced_cadre_records_cannot_be_deleted_or_rewritten(school):
    record_id = _import_cadre(school)
    with pytest.raises(SyncedRecordProtected):
        services.delete_performance(school.uow(), record_id)
    with pytest.raises(SyncedRecordProtected):
        services.update_performance(school.uow(), record_id, fields={**VALID["cadre"], "position": "副班長"})
    services.update_performance(school.uow(), record_id, document=pdf("proof"), description="帶領班級")


def test_synced_cadre_records_need_proof_before_selection(school, clock):
    record_id = _import_cadre(school)
    clock.now = IN_SELECTION
    with pytest.raises(ProofRequired):
        services.select_for_submission(school.uow(), "113001", "performance", record_id)
    clock.now = datetime(2025, 6, 1)
    services.update_performance(school.uow(), record_id, document=pdf("proof"))
    clock.now = IN_SELECTION
    services.select_for_submission(school.uow(), "113001", "performance", record_id)


def test_synced_records_are_not_uploads(school):
    _import_cadre(school)
    for n in range(20):
        upload(school, description=f"作品 {n}")


def test_the_tenth_selection_is_taken_and_the_eleventh_refused(school, clock):
    ids = [upload(school, description=f"作品 {n}") for n in range(11)]
    clock.now = IN_SELECTION
    for record_id in ids[:10]:
        services.select_for_submission(school.uow(), "113001", "performance", record_id)
    with pytest.raises(SelectionLimitReached) as err:
        services.select_for_submission(school.uow(), "113001", "performance", ids[10])
    assert err.value.facts == {"count": 10, "limit": 10, "year": 113, "kind": "performance", "kind_label": "多元表現"}


def test_a_selected_record_is_not_deleted(school, clock):
    record_id = upload(school)
    clock.now = IN_SELECTION
    services.select_for_submission(school.uow(), "113001", "performance", record_id)
    with pytest.raises(InvalidState):
        services.delete_performance(school.uow(), record_id)


def test_deleting_a_record_removes_its_unused_files(school):
    record_id = upload(school, document=pdf("only-here"), video=mp4())
    with school.wb.engine.connect() as conn:
        row = conn.execute(select(t.performances)).one()
    services.delete_performance(school.uow(), record_id)
    assert not school.wb.store.exists(row.document_sha256)
    assert not school.wb.store.exists(row.video_sha256)
    assert snapshot(school.wb)["files"] == []
