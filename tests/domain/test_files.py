import pytest

from portfolio_lib.demo.samples import make_pdf, make_picture, media
from portfolio_lib.domain.calendar import Term
from portfolio_lib.domain.errors import FileEmpty, FileTooLarge, FileTruncated, FileTypeMismatch, FileTypeNotAllowed
from portfolio_lib.domain.files import Upload, check_file
from portfolio_lib.domain.policy import Policy

MB = 1024 * 1024
RULES = Policy.default().rules(Term(113, 1))
OLD_RULES = Policy.default().rules(Term(108, 2))


@pytest.mark.parametrize("name,data,slot", [
    ("report.pdf", make_pdf(["x"]), "document"),
    ("photo.PNG", make_picture("png", 1, "x"), "document"),
    ("photo.jpeg", make_picture("jpg", 1, "x"), "document"),
    ("clip.mp4", media("mp4"), "video"),
    ("talk.mp3", media("mp3"), "video"),
])
def test_accepts_each_allowed_type_by_content(name, data, slot):
    checked = check_file(Upload(name, data), slot, RULES)
    assert checked.ext == name.rsplit(".", 1)[1].lower().replace("jpeg", "jpg")


def test_a_pdf_that_is_really_a_png_is_refused():
    with pytest.raises(FileTypeMismatch) as err:
        check_file(Upload("report.pdf", make_picture("png", 1, "x")), "document", RULES)
    assert err.value.facts["declared"] == "pdf" and "PNG" in err.value.message


def test_a_video_cannot_go_in_the_document_slot():
    with pytest.raises(FileTypeNotAllowed):
        check_file(Upload("clip.mp4", media("mp4")), "document", RULES)


@pytest.mark.parametrize("name", ["essay.docx", "noextension", "archive.zip", "movie.avi"])
def test_refuses_types_that_are_not_allowed(name):
    with pytest.raises(FileTypeNotAllowed) as err:
        check_file(Upload(name, make_pdf(["x"])), "document", RULES)
    assert "pdf, jpg, png" in err.value.message


def test_refuses_an_empty_file():
    with pytest.raises(FileEmpty):
        check_file(Upload("empty.pdf", b""), "document", RULES)


@pytest.mark.parametrize("name,data,slot", [
    ("report.pdf", make_pdf(["x"]), "document"),
    ("photo.png", make_picture("png", 1, "x"), "document"),
    ("photo.jpg", make_picture("jpg", 1, "x"), "document"),
    ("clip.mp4", media("mp4"), "video"),
    ("talk.mp3", media("mp3"), "video"),
])
def test_refuses_a_truncated_file_of_each_type(name, data, slot):
    with pytest.raises(FileTruncated):
        check_file(Upload(name, data[: len(data) - 50]), slot, RULES)


def test_document_limit_is_4_mb_from_109_1():
    assert check_file(Upload("a.pdf", make_pdf(["x"], size=4 * MB)), "document", RULES).size == 4 * MB
    with pytest.raises(FileTooLarge) as err:
        check_file(Upload("a.pdf", make_pdf(["x"], size=4 * MB + 1)), "document", RULES)
    assert err.value.facts == {"name": "a.pdf", "size": 4 * MB + 1, "limit": 4 * MB,
                               "slot_label": "文件檔案", "term": "113-1"}
    assert "4 MB" in err.value.message


def test_document_limit_was_2_mb_before_109_1():
    check_file(Upload("a.pdf", make_pdf(["x"], size=2 * MB)), "document", OLD_RULES)
    with pytest.raises(FileTooLarge):
        check_file(Upload("a.pdf", make_pdf(["x"], size=2 * MB + 1)), "document", OLD_RULES)


def _mp4_of_size(size: int) -> bytes:
    base = media("mp4")
    free = size - len(base)
    return base + free.to_bytes(4, "big") + b"free" + b"\0" * (free - 8)


def test_video_limit_is_10_mb_from_109_1():
    assert check_file(Upload("v.mp4", _mp4_of_size(10 * MB)), "video", RULES).size == 10 * MB
    with pytest.raises(FileTooLarge):
        check_file(Upload("v.mp4", _mp4_of_size(10 * MB + 1)), "video", RULES)
