"""Small, real, valid files for the demo school: PDFs, PNG and JPEG pictures, an MP3 and an MP4."""

from __future__ import annotations

import io
from importlib import resources

from PIL import Image, ImageDraw


def make_pdf(lines: list[str], size: int | None = None) -> bytes:
    """A one-page PDF (A4) showing ASCII lines of text in Helvetica; padded to exactly `size` bytes if given."""
    if size is not None:
        return _pdf_of_size(lines, size)
    return _pdf(lines, 0)


def _pdf_of_size(lines: list[str], size: int) -> bytes:
    padding = max(0, size - len(_pdf(lines, 0)))
    for _ in range(8):
        data = _pdf(lines, padding)
        if len(data) == size:
            return data
        padding += size - len(data)
    raise ValueError(f"cannot make a PDF of exactly {size} bytes")


def _pdf(lines: list[str], padding: int) -> bytes:
    def esc(s: str) -> str:
        s = s.encode("ascii", "backslashreplace").decode("ascii")   # Helvetica shows ASCII only
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    text = "BT /F1 14 Tf 60 780 Td 18 TL " + " ".join(f"({esc(line)}) '" for line in lines) + " ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text.encode("ascii") + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    if padding:
        objects.append(b"<< /Length %d >>\nstream\n" % padding + b"0" * padding + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def make_picture(fmt: str, number: int, label: str) -> bytes:
    """A 320×240 picture with coloured shapes (PNG or JPEG), different for every number."""
    hue = (number * 47) % 256
    image = Image.new("RGB", (320, 240), ((hue * 3) % 256, (hue * 5 + 80) % 256, (hue * 7 + 160) % 256))
    draw = ImageDraw.Draw(image)
    for k in range(4):
        x, y = (number * 37 + k * 71) % 260, (number * 53 + k * 41) % 180
        draw.ellipse([x, y, x + 60, y + 60], fill=((hue + 90 * k) % 256, 200 - 40 * k, 60 + 50 * k))
    draw.rectangle([0, 200, 320, 240], fill=(255, 255, 255))
    draw.text((10, 212), label, fill=(0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG" if fmt == "png" else "JPEG", quality=80)
    return out.getvalue()


def media(ext: str) -> bytes:
    """The packaged two-second MP3 or MP4 sample."""
    return resources.files("portfolio_lib.demo").joinpath("assets", f"sample.{ext}").read_bytes()
