"""File rescue (檔案救援): per case, how long a rescue takes, the size before and after and the ratio to the limit,
against a floor measured in the same run.

    python benchmarks/bench_rescue.py [--repeat 1]

Cases are the files students bring from their phones: a 12-megapixel HEIC photo, a 12-megapixel JPEG over the
4 MB limit, a 6 MB scanned PDF, a 30-second phone video, a 12-minute recording and eight photos merged into a PDF.
Ours is `services.rescue_file` / `rescue_photos`: a sandboxed subprocess (time, memory and file-size limits, a
private folder) that converts, checks the result against the upload rules and makes the previews.

The floor is the simplest way anyone would do the same job by hand, in the same run: `heif-convert` straight to
JPEG; Pillow's `thumbnail` to 2000 px and one save at quality 85; pikepdf's lossless rewrite; one ffmpeg pass at
CRF 28 (veryfast) or at 96 kbit/s; img2pdf over the photos as they are. A floor does not check that its result
fits: the table says whether it does. "diff" is the mean absolute pixel difference (0–255) of the result and the
original compared at 64 × 48 (photos and the scan's first page).
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import img2pdf  # noqa: E402
import pikepdf  # noqa: E402
from PIL import Image, ImageChops, ImageStat  # noqa: E402

from portfolio_lib import services  # noqa: E402
from portfolio_lib.domain.calendar import Term  # noqa: E402
from portfolio_lib.domain.files import Upload  # noqa: E402
from portfolio_lib.domain.policy import Policy  # noqa: E402
from tests.rescue import samples  # noqa: E402

RULES = Policy.default().rules(Term(115, 1))


def diff(a: bytes | None, b: bytes | None) -> float | None:
    """Mean absolute difference of two pictures (JPEG/PNG, or a PDF's first page via pypdfium2) at 64 × 48."""
    try:
        small = [_picture(x).convert("RGB").resize((64, 48), Image.Resampling.BILINEAR) for x in (a, b)]
    except Exception:
        return None
    return sum(ImageStat.Stat(ImageChops.difference(*small)).mean) / 3


def _picture(data: bytes) -> Image.Image:
    if data[:4] == b"%PDF":
        import pypdfium2
        return pypdfium2.PdfDocument(data)[0].render(scale=0.3).to_pil()
    return Image.open(io.BytesIO(data))


def _tool(args: list[str], data: bytes, suffix_in: str, suffix_out: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        src, out = Path(folder, "in" + suffix_in), Path(folder, "out" + suffix_out)
        src.write_bytes(data)
        subprocess.run([a.replace("{in}", str(src)).replace("{out}", str(out)) for a in args], check=True,
                       capture_output=True)
        return out.read_bytes()


def floor_heic(data: bytes) -> bytes:
    return _tool(["heif-convert", "-q", "90", "{in}", "{out}"], data, ".heic", ".jpg")


def floor_photo(data: bytes) -> bytes:
    image = Image.open(io.BytesIO(data))
    image.thumbnail((2000, 2000))
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


def floor_pdf(data: bytes) -> bytes:
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def floor_video(data: bytes) -> bytes:
    return _tool(["ffmpeg", "-y", "-loglevel", "error", "-i", "{in}", "-c:v", "libx264", "-preset", "veryfast",
                  "-crf", "28", "-c:a", "aac", "-b:a", "96k", "{out}"], data, ".mp4", ".mp4")


def floor_audio(data: bytes) -> bytes:
    return _tool(["ffmpeg", "-y", "-loglevel", "error", "-i", "{in}", "-b:a", "96k", "{out}"], data, ".mp3", ".mp3")


def floor_photos(photos: list[bytes]) -> bytes:
    return img2pdf.convert(photos)


def show(d: float | None) -> str:
    return f"{d:5.1f}" if d is not None else "    –"


def timed(fn, repeat: int):
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per case; the best time is shown")
    args = parser.parse_args()
    photo = samples.scene(4032, 3024)
    photos = [samples.jpeg(samples.scene(4032, 3024, seed=s), 85) for s in range(8)]
    doc, vid = RULES.file_max_bytes["document"], RULES.file_max_bytes["video"]
    cases = [
        ("12 MP HEIC photo", "document", "IMG_0001.HEIC", samples.heic(photo), floor_heic),
        ("12 MP JPEG over 4 MB", "document", "IMG_0002.jpg", samples.jpeg(photo, 98), floor_photo),
        ("scanned PDF, 3 pages", "document", "掃描.pdf", samples.scan_pdf(), floor_pdf),
        ("30 s phone video", "video", "社團.mp4", samples.video(30), floor_video),
        ("12 min recording", "video", "朗讀.mp3", samples.mp3(720), floor_audio),
    ]
    print(f"File rescue, best of {args.repeat}; limits: document {doc / 2**20:.2f} MiB, video {vid / 2**20:.2f} MiB")
    header = (f"{'case':<22} {'before':>8} {'ours s':>7} {'after':>8} {'/limit':>6} {'diff':>5} │ "
              f"{'floor s':>7} {'after':>8} {'fits':>4} {'diff':>5} │ {'ours/floor':>10}")
    print(header)
    print("─" * len(header))

    def row(label, before, limit, ours_s, ours, floor_s, floor, original_picture):
        d_ours, d_floor = diff(original_picture, ours), diff(original_picture, floor)
        print(f"{label:<22} {before / 2**20:7.2f}M {ours_s:7.2f} {len(ours) / 2**20:7.2f}M "
              f"{len(ours) / limit:6.2f} {show(d_ours)} │ {floor_s:7.2f} {len(floor) / 2**20:7.2f}M "
              f"{'yes' if len(floor) <= limit else 'no':>4} {show(d_floor)} │ {ours_s / floor_s:10.2f}")

    for label, slot, name, data, floor in cases:
        ours_s, rescued = timed(lambda: services.rescue_file(Upload(name, data), slot, RULES), args.repeat)
        floor_s, floored = timed(lambda: floor(data), args.repeat)
        picture = samples.jpeg(photo, 95) if slot == "document" and name != "掃描.pdf" else \
            (data if name == "掃描.pdf" else None)
        row(label, len(data), RULES.file_max_bytes[slot], ours_s, rescued.upload.data, floor_s, floored, picture)
    uploads = [Upload(f"{i}.jpg", p) for i, p in enumerate(photos)]
    ours_s, rescued = timed(lambda: services.rescue_photos(uploads, RULES), args.repeat)
    floor_s, floored = timed(lambda: floor_photos(photos), args.repeat)
    # no diff here: ours lays each photo on an A4 page, the floor makes pages the photos' own size
    row("8 photos → one PDF", sum(map(len, photos)), doc, ours_s, rescued.upload.data, floor_s, floored, None)


if __name__ == "__main__":
    main()
