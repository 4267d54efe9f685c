"""Inputs a file rescue meets, made here: phone photos (a HEIC encoded by libheif's own heif-enc), a scanned PDF,
phone video and long recordings (encoded by ffmpeg), and hostile files."""

from __future__ import annotations

import io
import random
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

GPS = {1: "N", 2: (25.0, 2.0, 3.0), 3: "E", 4: (121.0, 33.0, 1.0)}     # 台北 101's neighbourhood


def scene(width: int, height: int, seed: int = 1) -> Image.Image:
    """A photo-like picture: light falling across a gradient, shapes, fine grain, and a red mark in the top-left
    corner that tells which way is up."""
    rng = random.Random(seed)
    base = Image.merge("RGB", [Image.linear_gradient("L").rotate(angle).resize((width, height))
                               for angle in (0, 90, 45)])
    draw = ImageDraw.Draw(base)
    for _ in range(40):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(width // 40, width // 8)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    draw.rectangle((0, 0, width // 5, height // 5), fill=(230, 20, 20))
    grain = Image.effect_noise((width, height), 40).filter(ImageFilter.GaussianBlur(0.6))
    return Image.composite(base, Image.merge("RGB", [grain] * 3), Image.new("L", (width, height), 200))


def jpeg(image: Image.Image, quality: int = 95, orientation: int | None = None, gps: bool = False) -> bytes:
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = GPS
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=exif.tobytes())
    return out.getvalue()


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def heic(image: Image.Image, quality: int = 60, orientation: int | None = None, gps: bool = False) -> bytes:
    """A HEIC encoded by libheif's heif-enc (x265) from a JPEG carrying the EXIF it should carry."""
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder, "in.jpg"), Path(folder, "out.heic")
        source.write_bytes(jpeg(image, 97, orientation, gps))
        subprocess.run(["heif-enc", "-q", str(quality), str(source), "-o", str(target)], check=True,
                       capture_output=True)
        return target.read_bytes()


def scan_pdf(pages: int = 3, dpi: int = 300, quality: int = 93) -> bytes:
    """A scanned A4 document: lines of dark strokes on slightly uneven paper, a page image each at `dpi`."""
    import img2pdf
    width, height = int(8.27 * dpi), int(11.69 * dpi)
    images = []
    for page in range(pages):
        rng = random.Random(page)
        paper = Image.effect_noise((width, height), 18).point(lambda v: 200 + v // 5).convert("RGB")
        draw = ImageDraw.Draw(paper)
        for line in range(60):
            y = dpi + line * (height - 2 * dpi) // 60
            x = dpi
            while x < width - dpi:
                w = rng.randrange(dpi // 12, dpi // 3)
                draw.rectangle((x, y, x + w, y + dpi // 10), fill=(30, 30, 40))
                x += w + rng.randrange(dpi // 20, dpi // 8)
        out = io.BytesIO()
        paper.save(out, "JPEG", quality=quality, dpi=(dpi, dpi))
        images.append(out.getvalue())
    return img2pdf.convert(images)


def video(seconds: float, size: str = "1280x720", kbps: int = 5000, container: str = "mp4", audio: bool = True,
          location: bool = True, preset: str = "ultrafast") -> bytes:
    """A phone-like video: moving test pattern and a tone, at a high bit rate, tagged with where it was shot."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder, f"clip.{container}")
        args = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=30:d={seconds}"]
        if audio:
            args += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
        args += ["-c:v", "libx264", "-preset", preset, "-b:v", f"{kbps}k", "-pix_fmt", "yuv420p"]
        if audio:
            args += ["-c:a", "aac", "-b:a", "128k"]
        if location:
            args += ["-metadata", "location=+25.0330+121.5654/"]
        subprocess.run(args + [str(target)], check=True, capture_output=True)
        return target.read_bytes()


def mp3(seconds: float, kbps: int = 128) -> bytes:
    """A recording of `seconds`: ten seconds of tone encoded once, its frames repeated (MP3 frames stand alone)."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder, "tone.mp3")
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=330:duration=10",
                        "-c:a", "libmp3lame", "-b:a", f"{kbps}k", "-write_xing", "0", "-id3v2_version", "0",
                        str(target)], check=True, capture_output=True)
        ten = target.read_bytes()
    return ten * max(1, int(round(seconds / 10)))


def png_bomb(width: int = 30000, height: int = 30000, pad: int = 5 * 1024 * 1024) -> bytes:
    """A PNG whose header claims width × height pixels, padded past the limit with a private chunk: a
    decompression bomb Pillow must refuse before decoding."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * (width * 3 + 1) * 4)        # a few rows; the header promises the rest
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"prVt", b"\x00" * pad) + chunk(b"IDAT", idat)
            + chunk(b"IEND", b""))


def looping_pdf(pad: int = 5 * 1024 * 1024) -> bytes:
    """A PDF whose page tree contains itself (/Kids of the root /Pages names the root again), made large with an
    image, as a hostile or broken scan is."""
    image = zlib.compress(random.Random(3).randbytes(pad), 0)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /XObject /Subtype /Image /Width 1024 /Height " + str(pad // 3072).encode() +
        b" /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /Length " + str(len(image)).encode() +
        b" >>\nstream\n" + image + b"\nendstream",
        b"<< /Length 31 >>\nstream\nq 595 0 0 842 0 0 cm /Im0 Do Q\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
