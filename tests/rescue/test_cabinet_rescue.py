"""File rescue through the cabinet's own widgets: a refused file is offered its conversion, the student sees the
result and confirms, the form stores the derivative and keeps the original; cancelling or a result that cannot
fit writes nothing; several photos become one PDF; the student removes a kept original."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portfolio_lib.adapters import tables as t
from portfolio_lib.domain.files import Upload
from portfolio_lib.services.check import check_workbench

from ..conftest import give, snapshot
from ..ui.test_cabinet import cabinet, choose_course
from ..ui.test_dashboards import AS_OF, _batch, _open_courses, demo, sql, viewer_with  # noqa: F401 (a fixture)
from . import samples

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def phone_heic() -> bytes:
    return samples.heic(samples.scene(2016, 1512), gps=True)


def counts(school) -> tuple[int, int, int, int]:
    with school.wb.engine.connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(table)).scalar_one()
                     for table in (t.outcomes, t.performances, t.files, t.rescued_originals))


def test_a_heic_is_offered_previewed_confirmed_and_stored_with_its_original(school, phone_heic):
    app = cabinet(school)
    before = counts(school)
    choose_course(app, "國語文")
    app.outcome_text.text.value = "手機拍的成果"
    give(app.document, Upload("IMG_0001.HEIC", phone_heic))
    panel = app.document_rescue
    assert panel.box.layout.display == "" and panel.convert_button.layout.display == ""
    assert "HEIC 格式" in panel.message.value and panel.convert_button.description == "轉成 JPEG"
    assert "確認後才上傳" in panel.message.value

    panel.convert_button.click()
    assert panel.pending is not None, app.status.text
    assert panel.choices.layout.display == "" and panel.convert_button.layout.display == "none"
    assert panel.preview.value.count("<img src='data:image/jpeg;base64,") == 2
    assert "HEIC" in panel.message.value and "JPEG" in panel.message.value and "IMG_0001.jpg" in panel.message.value
    assert counts(school) == before, "nothing is stored before the student confirms"

    panel.use_button.click()
    assert panel.box.layout.display == "none"
    assert app.document.upload.name == "IMG_0001.jpg" and app.document.upload.origins
    assert "按「儲存」" in app.status.text
    app.save_outcome.click()
    assert "已上傳「國語文」" in app.status.text, app.status.text
    outcomes, performances, files, originals = counts(school)
    assert (outcomes, originals) == (before[0] + 1, before[3] + 1) and files == before[2] + 2
    with school.wb.engine.connect() as conn:
        stored = conn.execute(select(t.outcomes).order_by(t.outcomes.c.id.desc())).first()
    assert stored.document_name == "IMG_0001.jpg"

    # the home tab lists the kept original; the student removes it and the converted file stays
    kept = app.originals.table.frame
    assert list(kept["檔名"]) == ["IMG_0001.HEIC"] and "libheif" in kept["轉換方式"][0]
    assert kept["保留至"][0].startswith("項目認證通過"), "kept until its item is certified, plus a term"
    assert app.originals.view.layout.display == ""
    app.originals.remove_button.click()
    assert "已刪除原始檔 IMG_0001.HEIC" in app.status.text
    assert counts(school)[3] == before[3] and school.wb.store.exists(stored.document_sha256)
    assert app.originals.view.layout.display == "none"
    assert check_workbench(school.wb) == []


def test_cancelling_a_conversion_writes_nothing_and_clears_the_file(school, phone_heic):
    app = cabinet(school)
    before = counts(school)
    give(app.p_document, Upload("IMG_0002.heic", phone_heic))
    panel = app.p_document_rescue
    panel.convert_button.click()
    panel.cancel_button.click()
    assert app.p_document.upload is None and panel.box.layout.display == "none"
    assert "已取消轉換，沒有上傳任何檔案" in app.status.text
    assert counts(school) == before


def test_a_file_that_needs_no_rescue_shows_no_offer_and_a_video_too_long_gets_advice(school):
    app = cabinet(school)
    give(app.video, Upload("clip.mp4", samples.video(2, "320x240", 300)))
    assert app.video_rescue.box.layout.display == "none"
    long_clip = samples.video(180, "320x240", 600)
    give(app.video, Upload("社團成果.mp4", long_clip))
    panel = app.video_rescue
    assert panel.convert_button.description == "轉成 MP4 並壓縮" and "超過" in panel.message.value
    before = counts(school)
    panel.convert_button.click()
    assert panel.pending is None and panel.choices.layout.display == "none"
    assert "影片長 3 分鐘，10 MB 內約可放 60 秒，請剪輯後再上傳" in panel.message.value
    assert "請剪輯後再上傳" in app.status.text and counts(school) == before
    app.video.clear()
    assert panel.box.layout.display == "none", "a cleared zone hides its offer"


def test_several_photos_become_one_pdf_in_the_form(school, phone_heic):
    app = cabinet(school)
    merge = app.p_photo_merge
    merge.merge_button.click()
    assert "兩張以上" in app.status.text
    photos = [Upload("1.HEIC", phone_heic), Upload("2.jpg", samples.jpeg(samples.scene(1600, 1200), 85))]
    merge.photos.receive_many(photos)
    merge.merge_button.click()
    assert merge.pending is not None, app.status.text
    assert "2 張照片" in merge.message.value
    merge.use_button.click()
    assert app.p_document.upload.name == "照片合併.pdf" and len(app.p_document.upload.origins) == 2
    assert merge.photos.uploads == []


# --- the counselor's batch upload ---------------------------------------------------------------

def test_a_batch_report_names_the_rescue_and_the_counselor_converts_on_request(demo, phone_heic):  # noqa: F811
    from portfolio_lib.ui.counselor import CounselorDashboard
    app = CounselorDashboard(demo, viewer_with(demo, "counselor"), now=AS_OF)
    (s1, c1), (s2, c2) = _open_courses(demo, 2)
    rows = [{"學號": s1, "學年度": 115, "學期": 1, "課程代碼": c1, "內容簡述": "手機照片", "檔名": "IMG_7.HEIC"},
            {"學號": s2, "學年度": 115, "學期": 1, "課程代碼": c2, "內容簡述": "錄音",
             "檔名": "朗讀.mp3"}]
    manifest, archive = _batch(rows, {"IMG_7.HEIC": phone_heic, "朗讀.mp3": samples.mp3(20)})
    before = snapshot(demo)
    app.run_batch(manifest, "清單.csv", archive)
    assert snapshot(demo) == before and "整批未匯入" in app.status.text
    report = app.batch_report.frame
    assert list(zip(report["列"], report["欄位"])) == [(2, "檔名")]
    assert "可轉換：IMG_7.HEIC 轉成 JPEG" in report["問題"].iloc[0]

    app.batch_rescue.value = True
    app.run_batch(manifest, "清單.csv", archive)
    assert "已匯入 2 列" in app.status.text, app.status.text
    rescued = app.batch_rescued.frame
    assert list(rescued["檔名"]) == ["IMG_7.HEIC"] and list(rescued["轉換後"]) == ["IMG_7.jpg"]
    assert "HEIC" in rescued["說明"][0] and "JPG" in rescued["說明"][0]
    assert sql(demo, "SELECT o.document_name, k.original_name FROM outcomes o JOIN students s "
                     "ON s.id = o.student_id JOIN rescued_originals k ON k.derivative_sha256 = o.document_sha256 "
                     "WHERE s.student_no = :s", s=s1) == [("IMG_7.jpg", "IMG_7.HEIC")]
