"""File rescue (檔案救援): each refused phone file made into one the rules take, looking like its original; hostile
files refused with a message and nothing written; the original kept beside the derivative and removed in time."""

from __future__ import annotations

import glob
import io
import json
import tempfile
from datetime import datetime

import pytest
from PIL import Image, ImageChops, ImageStat
from sqlalchemy import select

from portfolio_lib import services
from portfolio_lib.adapters import tables as t
from portfolio_lib.adapters.converters import convert
from portfolio_lib.domain.calendar import Term
from portfolio_lib.domain.errors import ConversionFailed, ConversionNoFit, FileTooLarge, FileTypeMismatch, NoRescue
from portfolio_lib.domain.files import Upload, check_file
from portfolio_lib.domain.model import Actor
from portfolio_lib.domain.policy import Policy
from portfolio_lib.domain.rescue import Rescue, fits_seconds, keep_until, offer_for, too_long_advice, video_target
from portfolio_lib.domain.units import MIB
from portfolio_lib.services.check import check_workbench

from ..conftest import course_code, snapshot
from . import samples

RULES = Policy.default().rules(Term(113, 1))
DOC, VID = RULES.file_max_bytes["document"], RULES.file_max_bytes["video"]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def photo() -> Image.Image:
    return samples.scene(4032, 3024)                    # 12 megapixels, as a phone takes


@pytest.fixture(scope="module")
def phone_heic(photo) -> bytes:
    return samples.heic(photo, gps=True)


def pixels_alike(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference (0–255) of two pictures compared at 64 × 48."""
    small = [im.convert("RGB").resize((64, 48), Image.Resampling.BILINEAR) for im in (a, b)]
    return sum(ImageStat.Stat(ImageChops.difference(*small)).mean) / 3


def no_leftovers():
    return glob.glob(f"{tempfile.gettempdir()}/portfolio-rescue-*")


# --- what is offered ------------------------------------------------------------------------------------

def test_offers_follow_the_refusal_and_the_content(photo, phone_heic):
    assert offer_for(Upload("IMG_0001.HEIC", phone_heic), "document", RULES).kind == Rescue.HEIC
    assert offer_for(Upload("IMG_0001.jpg", phone_heic), "document", RULES).kind == Rescue.HEIC   # named wrong
    at_limit = Upload("a.jpg", samples.jpeg(photo, 90))
    assert len(at_limit.data) <= DOC and offer_for(at_limit, "document", RULES) is None
    big = Upload("a.jpg", samples.jpeg(photo, 98))
    assert len(big.data) > DOC and offer_for(big, "document", RULES).kind == Rescue.IMAGE
    assert offer_for(Upload("clip.mov", samples.video(2, "320x240", 300, "mov")), "video", RULES).kind == \
        Rescue.VIDEO
    assert offer_for(Upload("clip.mp4", samples.video(2, "320x240", 300)), "video", RULES) is None   # fine as is
    assert offer_for(Upload("IMG.HEIC", phone_heic), "video", RULES) is None      # a photo on the video slot
    with pytest.raises(NoRescue, match="可以直接上傳"):
        services.rescue_file(at_limit, "document", RULES)


def test_the_limit_and_one_byte_more(photo):
    """A photo exactly at the limit is taken as it is; one byte more is offered a rescue."""
    data = samples.jpeg(photo, 98)
    exact = data[:DOC - 2] + b"\xff\xd9"
    assert len(exact) == DOC and offer_for(Upload("a.jpg", exact), "document", RULES) is None
    over = data[:DOC - 1] + b"\xff\xd9"
    assert len(over) == DOC + 1 and offer_for(Upload("a.jpg", over), "document", RULES).kind == Rescue.IMAGE


# --- each rescue, on real inputs ---------------------------------------------------------------------------

def test_a_phone_heic_becomes_a_jpeg_that_passes_the_upload_check(photo, phone_heic):
    with pytest.raises(FileTypeMismatch):
        check_file(Upload("IMG_0001.jpg", phone_heic), "document", RULES)
    rescued = services.rescue_file(Upload("IMG_0001.HEIC", phone_heic), "document", RULES)
    assert rescued.upload.name == "IMG_0001.jpg"
    checked = check_file(rescued.upload, "document", RULES)
    assert checked.ext == "jpg" and rescued.size <= DOC
    result = Image.open(io.BytesIO(rescued.upload.data))
    assert result.size == (4032, 3024) or max(result.size) <= 3000
    assert pixels_alike(result, photo) < 6
    assert not result.getexif().get_ifd(0x8825), "the location is stripped"
    assert "移除位置資訊（GPS）" in rescued.summary and "HEIC" in rescued.summary and "JPG" in rescued.summary
    (origin,) = rescued.upload.origins
    assert origin.data == phone_heic and origin.ext == "heic" and "libheif" in origin.tool_version
    assert rescued.converted.preview_before and rescued.converted.preview_after
    assert not no_leftovers()


def test_an_oversized_photo_is_turned_once_and_scaled_under_the_limit(photo):
    upright = photo.rotate(90, expand=True)             # the phone held upright: stored sideways, EXIF says 6
    data = samples.jpeg(photo, 98, orientation=6, gps=True)
    assert len(data) > DOC
    rescued = services.rescue_file(Upload("IMG_0002.jpg", data), "document", RULES)
    result = Image.open(io.BytesIO(rescued.upload.data))
    assert rescued.size <= DOC and rescued.size < len(data)
    assert result.size == (3024, 4032) or result.height > result.width, "turned upright once"
    assert result.getexif().get(0x0112) in (None, 1), "no orientation left to apply a second time"
    assert pixels_alike(result, upright.transpose(Image.Transpose.ROTATE_180)) < 6
    assert not result.getexif().get_ifd(0x8825)


def test_a_heic_orientation_tag_is_not_applied_a_second_time(photo):
    """HEIF's EXIF orientation is informational (libheif applies the HEIF transforms itself)."""
    data = samples.heic(photo.resize((800, 600)), orientation=6)
    rescued = services.rescue_file(Upload("IMG.HEIC", data), "document", RULES)
    assert Image.open(io.BytesIO(rescued.upload.data)).size == (800, 600)


def test_a_six_megabyte_scan_is_recompressed_under_the_limit():
    scan = samples.scan_pdf()
    assert len(scan) > DOC
    rescued = services.rescue_file(Upload("成績單掃描.pdf", scan), "document", RULES)
    assert check_file(rescued.upload, "document", RULES).ext == "pdf"
    assert rescued.size <= DOC and rescued.size < len(scan)
    assert rescued.converted.parameters["steps"][0] == "PDF 結構無損重寫"
    import pikepdf
    with pikepdf.open(io.BytesIO(rescued.upload.data)) as pdf, pikepdf.open(io.BytesIO(scan)) as before:
        assert len(pdf.pages) == len(before.pages) == 3
        after_image = pikepdf.PdfImage(next(iter(pdf.pages[0].get_images().values()))).as_pil_image()
        before_image = pikepdf.PdfImage(next(iter(before.pages[0].get_images().values()))).as_pil_image()
    assert pixels_alike(after_image, before_image) < 6


def test_a_thirty_second_phone_video_is_transcoded_to_fit_ten_megabytes():
    clip = samples.video(30)
    assert len(clip) > VID
    rescued = services.rescue_file(Upload("IMG_0003.MOV", clip), "video", RULES)
    assert rescued.upload.name == "IMG_0003.mp4"
    assert check_file(rescued.upload, "video", RULES).ext == "mp4"
    assert rescued.size <= VID and rescued.size < len(clip)
    after = rescued.converted.after
    assert after["codec"] == "h264" and abs(after["duration"] - 30) < 0.5 and after["height"] <= 720
    assert b"loci" in clip and b"loci" not in rescued.upload.data, "where it was shot is not copied"
    frame_before = Image.open(io.BytesIO(rescued.converted.preview_before))
    frame_after = Image.open(io.BytesIO(rescued.converted.preview_after))
    assert pixels_alike(frame_before, frame_after) < 8


def test_a_mov_that_fits_is_remuxed_without_re_encoding():
    clip = samples.video(3, "640x360", 800, "mov")
    rescued = services.rescue_file(Upload("clip.mov", clip), "video", RULES)
    assert rescued.converted.parameters["steps"][0] == "轉封裝為 MP4（不重新編碼）"
    assert check_file(rescued.upload, "video", RULES).ext == "mp4"


def test_a_three_minute_video_gets_advice_instead():
    clip = samples.video(180, "320x240", 600)
    assert len(clip) > VID
    before = no_leftovers()
    with pytest.raises(ConversionNoFit) as err:
        services.rescue_file(Upload("社團成果.mp4", clip), "video", RULES)
    assert "影片長 3 分鐘，10 MB 內約可放 60 秒，請剪輯後再上傳" in err.value.message
    assert no_leftovers() == before


def test_a_long_recording_is_re_encoded_or_advised():
    twelve = samples.mp3(720)
    assert len(twelve) > VID
    rescued = services.rescue_file(Upload("朗讀.mp3", twelve), "video", RULES)
    assert check_file(rescued.upload, "video", RULES).ext == "mp3" and rescued.size <= VID
    assert rescued.converted.parameters["audio_kbps"] == 96
    with pytest.raises(ConversionNoFit, match="音檔長 25 分鐘，10 MB 內約可放 20 分鐘"):
        services.rescue_file(Upload("演講.mp3", samples.mp3(1500, 64)), "video", RULES)


def test_several_photos_become_one_pdf(photo, phone_heic):
    uploads = [Upload("p1.jpg", samples.jpeg(photo, 95, gps=True)), Upload("p2.HEIC", phone_heic),
               Upload("p3.png", samples.png(photo.resize((1200, 900))))]
    rescued = services.rescue_photos(uploads, RULES, "獎狀.pdf")
    assert check_file(rescued.upload, "document", RULES).ext == "pdf" and rescued.size <= DOC
    assert [o.name for o in rescued.upload.origins] == ["p1.jpg", "p2.HEIC", "p3.png"]
    import pikepdf
    with pikepdf.open(io.BytesIO(rescued.upload.data)) as pdf:
        assert len(pdf.pages) == 3
        first = pikepdf.PdfImage(next(iter(pdf.pages[0].get_images().values()))).as_pil_image()
    assert pixels_alike(first, photo) < 6
    with pytest.raises(NoRescue, match="兩張以上"):
        services.rescue_photos(uploads[:1], RULES)


# --- hostile and broken files ------------------------------------------------------------------------------

def test_a_decompression_bomb_is_refused_before_decoding():
    bomb = samples.png_bomb()
    with pytest.raises(ConversionFailed, match="安全上限"):
        services.rescue_file(Upload("bomb.png", bomb), "document", RULES)
    assert not no_leftovers()


def test_a_truncated_heic_fails_with_a_message(phone_heic):
    with pytest.raises(ConversionFailed, match="損壞或不完整") as err:
        services.rescue_file(Upload("IMG.HEIC", phone_heic[: len(phone_heic) // 2]), "document", RULES)
    assert "portfolio-rescue" not in err.value.message, "no server folder in the message"


def test_a_pdf_whose_page_tree_loops_fails_with_a_message():
    with pytest.raises(ConversionFailed, match="Loop detected"):
        services.rescue_file(Upload("loop.pdf", samples.looping_pdf()), "document", RULES)


def test_time_and_memory_limits_stop_the_converter(phone_heic):
    clip = samples.video(30)
    with pytest.raises(ConversionFailed, match="超過 1 秒仍未完成"):
        convert(Rescue.VIDEO, [("clip.mp4", clip, "mp4")], VID, seconds=1)
    with pytest.raises(ConversionFailed, match="記憶體"):
        convert(Rescue.HEIC, [("IMG.HEIC", phone_heic, "heic")], DOC, memory=150 * MIB)
    assert not no_leftovers()


def test_a_file_larger_than_conversion_takes_is_refused_unread():
    big = Upload("huge.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * (RULES.rescue.max_input_bytes))
    with pytest.raises(ConversionFailed, match="超過可轉換的 64 MB 上限"):
        services.rescue_file(big, "video", RULES)


# --- the rules of the advice and of keeping originals -------------------------------------------------------

def test_the_advice_figures():
    assert fits_seconds(VID, 1296) == 60
    assert too_long_advice("影片", 180, VID, 1296) == "影片長 3 分鐘，10 MB 內約可放 60 秒，請剪輯後再上傳"
    assert video_target(62, True, VID, 1200)["video_kbps"] == 1202 and video_target(63, True, VID, 1200) is None
    assert video_target(20, True, VID, 1200)["max_height"] == 720


def test_an_original_is_kept_until_the_end_of_the_term_after_its_settlement():
    from datetime import date
    assert keep_until(date(2025, 1, 10), 1) == date(2025, 7, 31)      # certified in 113-1: kept through 113-2
    assert keep_until(date(2025, 3, 1), 1) == date(2026, 1, 31)
    assert keep_until(date(2025, 3, 1), 2) == date(2026, 7, 31)


# --- storing a rescued upload -----------------------------------------------------------------------------

def test_the_derivative_is_stored_counted_and_its_original_kept_outside_the_quota(school, phone_heic, clock):
    with pytest.raises((FileTypeMismatch,)):
        services.upload_outcome(school.uow(), "113001", 113, 1, course_code(0), "手機照片", document=Upload(
            "IMG.jpg", phone_heic))
    rescued = services.rescue_file(Upload("IMG.HEIC", phone_heic), "document", RULES)
    outcome_id = services.upload_outcome(school.uow(), "113001", 113, 1, course_code(0), "手機照片",
                                         document=rescued.upload)
    wb = school.wb
    with wb.engine.connect() as conn:
        outcome = conn.execute(select(t.outcomes).where(t.outcomes.c.id == outcome_id)).one()
        kept = conn.execute(select(t.rescued_originals)).one()
        sizes = dict(conn.execute(select(t.files.c.sha256, t.files.c.size)).all())
    assert outcome.document_name == "IMG.jpg" and sizes[outcome.document_sha256] == rescued.size
    assert wb.store.read(outcome.document_sha256) == rescued.upload.data
    assert kept.derivative_sha256 == outcome.document_sha256 and wb.store.read(kept.original_sha256) == phone_heic
    assert kept.original_name == "IMG.HEIC" and "libheif" in kept.tool_version
    assert json.loads(kept.parameters)["quality"] in (90, 85)
    with wb.engine.connect() as conn:
        from portfolio_lib.adapters.answers import used_bytes
        assert used_bytes(conn, [outcome.student_id])[outcome.student_id] == rescued.size   # the original is not
    assert check_workbench(wb) == []


def test_an_original_goes_with_its_item_and_can_be_removed_earlier(school, phone_heic, photo):
    wb = school.wb
    rescued = services.rescue_file(Upload("IMG.HEIC", phone_heic), "document", RULES)
    outcome_id = services.upload_outcome(school.uow(), "113001", 113, 1, course_code(0), "照片",
                                         document=rescued.upload)
    with wb.engine.connect() as conn:
        original = conn.execute(select(t.rescued_originals)).one()
    services.delete_outcome(school.uow(), outcome_id)
    with wb.engine.connect() as conn:
        assert conn.execute(select(t.rescued_originals)).all() == []
    assert not wb.store.exists(original.original_sha256)

    second = services.upload_outcome(school.uow(), "113001", 113, 1, course_code(1), "照片",
                                     document=rescued.upload)
    with wb.engine.connect() as conn:
        original = conn.execute(select(t.rescued_originals)).one()
    with pytest.raises(Exception, match="權限|不能|只能"):
        services.remove_original(school.uow(), original.id, actor=Actor("student", "113002"))
    services.remove_original(school.uow(), original.id, actor=Actor("student", "113001"))
    assert not wb.store.exists(original.original_sha256)
    with wb.engine.connect() as conn:
        outcome = conn.execute(select(t.outcomes).where(t.outcomes.c.id == second)).one()
    assert wb.store.exists(outcome.document_sha256), "the converted file stays"
    assert check_workbench(wb) == []


def test_originals_are_purged_one_term_after_certification(school, phone_heic, clock):
    wb = school.wb
    rescued = services.rescue_file(Upload("IMG.HEIC", phone_heic), "document", RULES)
    outcome_id = services.upload_outcome(school.uow(), "113001", 113, 1, course_code(0), "照片",
                                         document=rescued.upload)
    assert services.purge_originals(school.uow()) == []              # not yet certified: kept
    services.send_for_certification(school.uow(), outcome_id)
    services.certify(school.uow(), outcome_id, actor=Actor("staff", "T002"), passed=True)   # 2025-01-10, 113-1
    clock.now = datetime(2025, 7, 31, 23, 59)                        # the last day of 113-2: kept
    assert services.purge_originals(school.uow()) == []
    before = snapshot(wb)
    clock.now = datetime(2025, 8, 1, 2, 30)
    (gone,) = services.purge_originals(school.uow())
    assert gone["name"] == "IMG.HEIC" and gone["settled"] == "2025-01-10"
    after = snapshot(wb)
    assert after != before
    with wb.engine.connect() as conn:
        assert conn.execute(select(t.rescued_originals)).all() == []
        outcome = conn.execute(select(t.outcomes).where(t.outcomes.c.id == outcome_id)).one()
    assert wb.store.exists(outcome.document_sha256)
    assert check_workbench(wb) == []


def test_a_refused_rescued_upload_writes_nothing(school, phone_heic):
    """The rules still apply to a converted file: refused (here by the window), neither it nor its original stays."""
    rescued = services.rescue_file(Upload("IMG.HEIC", phone_heic), "document", RULES)
    before = snapshot(school.wb)
    school.clock.now = datetime(2025, 9, 10)
    with pytest.raises(Exception):
        services.upload_outcome(school.uow(), "113001", 113, 1, course_code(0), "太晚", document=rescued.upload)
    assert snapshot(school.wb) == before


def test_an_oversized_upload_is_still_refused_without_its_rescue(school, photo):
    big = Upload("a.jpg", samples.jpeg(photo, 98))
    with pytest.raises(FileTooLarge):
        services.upload_outcome(school.uow(), "113001", 113, 1, course_code(0), "太大", document=big)


# --- the command line -----------------------------------------------------------------------------------

def test_portfolio_rescue_writes_the_converted_file_and_never_overwrites(tmp_path, phone_heic, capsys):
    from portfolio_lib.cli import main
    source = tmp_path / "IMG_0001.HEIC"
    source.write_bytes(phone_heic)
    assert main(["rescue", str(source), "--kind", "document", "--out", str(tmp_path / "IMG_0001.jpg"),
                 "--term", "113-1", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    written = (tmp_path / "IMG_0001.jpg").read_bytes()
    assert report["size_after"] == len(written) <= DOC and report["ratio_to_limit"] <= 1
    assert check_file(Upload("IMG_0001.jpg", written), "document", RULES).ext == "jpg"
    assert source.read_bytes() == phone_heic
    with pytest.raises(SystemExit):
        main(["rescue", str(source), "--kind", "document", "--out", str(tmp_path / "IMG_0001.jpg")])
    assert "已經存在" in capsys.readouterr().err
    assert (tmp_path / "IMG_0001.jpg").read_bytes() == written


def test_portfolio_rescue_says_what_to_do_when_nothing_fits(tmp_path, capsys):
    from portfolio_lib.cli import main
    source = tmp_path / "社團成果.mp4"
    source.write_bytes(samples.video(180, "320x240", 600))
    assert main(["rescue", str(source), "--kind", "video", "--out", str(tmp_path / "out.mp4")]) == 1
    assert "10 MB 內約可放 60 秒" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["社團成果.mp4"]


def test_portfolio_originals_lists_and_purges(school, phone_heic, clock, capsys):
    from portfolio_lib.cli import main
    rescued = services.rescue_file(Upload("IMG.HEIC", phone_heic), "document", RULES)
    outcome_id = services.upload_outcome(school.uow(), "113001", 113, 1, course_code(0), "照片",
                                         document=rescued.upload)
    services.send_for_certification(school.uow(), outcome_id)
    services.certify(school.uow(), outcome_id, actor=Actor("staff", "T002"), passed=True)
    db = ["--db", str(school.wb.engine.url.database), "--files", str(school.wb.store.root)]
    assert main(["originals", *db, "--json"]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert listed["name"] == "IMG.HEIC" and listed["keep_until"].startswith("2025-07-31")
    assert main(["originals", "--purge", *db, "--json"]) == 0        # by the machine's clock, long past it
    assert [p["name"] for p in json.loads(capsys.readouterr().out)["purged"]] == ["IMG.HEIC"]
    assert main(["originals", *db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
