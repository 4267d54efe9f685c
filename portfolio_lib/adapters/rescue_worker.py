"""The converter process of a file rescue (檔案救援), run by `converters.convert` in a folder of its own, under a
time limit and memory limits; of the workbench it imports only the rescue's domain rules.

    python -I -m portfolio_lib.adapters.rescue_worker JOB.json

The job names the kind (heic, image, pdf, video, audio, photos), the input files in the current folder, the size
limit and the ladders. The worker writes `out.<ext>` and previews `before.jpg` and `after.jpg`, and prints one JSON
report on stdout: what it made and how, or {"error": code, ...} with exit status 3. Each ladder goes from the
gentlest step to the strongest and stops at the first result within the limit (and smaller than the original,
when its size was the problem).
"""

from __future__ import annotations

import ctypes
import io
import json
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

from portfolio_lib.domain.rescue import AUDIO_IN_VIDEO_KBPS, audio_target, video_target

PREVIEW_EDGE = 480


class Refused(Exception):
    """A conversion that cannot be done: `code` for the caller, facts for its message."""

    def __init__(self, code: str, **facts):
        super().__init__(code)
        self.code, self.facts = code, facts


# --- tools and their versions -------------------------------------------------------------------

def _pillow():
    from PIL import Image
    # Above Pillow's bomb limit (89,478,485 pixels) an image is refused, not merely warned about.
    warnings.simplefilter("error", Image.DecompressionBombWarning)
    return Image


def pillow_version() -> str:
    import PIL
    return PIL.__version__


def libheif_version() -> str:
    try:
        lib = ctypes.CDLL("libheif.so.1")
        lib.heif_get_version.restype = ctypes.c_char_p
        return lib.heif_get_version().decode()
    except OSError:
        return "unknown"


def ffmpeg_version() -> str:
    out = subprocess.run(["ffmpeg", "-hide_banner", "-version"], capture_output=True, text=True).stdout
    first = out.splitlines()[0] if out else ""
    return first.split()[2] if first.startswith("ffmpeg version") else "unknown"


def _run(args: list[str], what: str) -> None:
    done = subprocess.run(args, capture_output=True, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip().splitlines()
        if any(word in line.lower() for line in detail[-5:] for word in ("memory", "alloc")):
            raise Refused("memory")
        raise Refused("broken", detail=f"{what}：{detail[-1] if detail else done.returncode}")


def _near_memory_limit() -> bool:
    """Whether this process came close to its address-space limit: a codec that fails then fails for memory."""
    import resource
    limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    if limit == resource.RLIM_INFINITY:
        return False
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmPeak:"):
            return int(line.split()[1]) * 1024 > 0.8 * limit
    return False


# --- photos ----------------------------------------------------------------------------------------

def open_photo(path: Path, kind: str):
    """The photo as Pillow pixels, turned the way it is shown, with no metadata but its colour profile; and
    whether the original carried a location. Only the format asked for is opened."""
    Image = _pillow()
    from PIL import ImageOps
    located = False
    try:
        if kind == "heic":
            # libheif applies the HEIF transforms (irot, imir) while decoding; the EXIF orientation a HEIF
            # carries is informational (HEIF spec; libheif issue 227), so it is not applied a second time.
            png = path.with_suffix(".decoded.png")
            _run(["heif-convert", str(path), str(png)], "HEIC 解碼失敗")
            if not png.exists():
                decoded = sorted(path.parent.glob(png.stem + "*.png"))
                if not decoded:
                    raise Refused("broken", detail="HEIC 檔中沒有可以解碼的影像")
                png = decoded[0]
            image = Image.open(png, formats=["PNG"])
            image.load()
            exif = image.getexif()
        else:
            image = Image.open(path, formats=["JPEG" if kind == "jpg" else "PNG"])
            image.load()
            exif = image.getexif()
            image = ImageOps.exif_transpose(image)      # the EXIF orientation, applied once
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise Refused("bomb", limit=Image.MAX_IMAGE_PIXELS) from None
    except (OSError, SyntaxError, ValueError) as err:
        raise Refused("broken", detail=str(err)) from None
    try:
        located = bool(exif.get_ifd(0x8825))
    except Exception:           # a malformed GPS block is dropped with the rest of the metadata
        located = 0x8825 in exif
    return image, located


def _rgb(image):
    """Pixels a JPEG can hold: transparency laid on white, palettes and greys expanded."""
    Image = _pillow()
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    if image.mode == "L":
        return image
    return image.convert("RGB")


def scaled(image, long_edge: int | None):
    Image = _pillow()
    if long_edge is None or max(image.size) <= long_edge:
        return image
    ratio = long_edge / max(image.size)
    size = (max(1, round(image.width * ratio)), max(1, round(image.height * ratio)))
    return image.resize(size, Image.Resampling.LANCZOS)


def jpeg_bytes(image, quality: int, icc: bytes | None = None) -> bytes:
    out = io.BytesIO()
    options = {"quality": quality, "optimize": True, "progressive": True}
    if icc:
        options["icc_profile"] = icc
    _rgb(image).save(out, "JPEG", **options)
    return out.getvalue()


def preview(image) -> bytes:
    small = _rgb(image).copy()
    small.thumbnail((PREVIEW_EDGE, PREVIEW_EDGE))
    return jpeg_bytes(small, 80)


def convert_photo(job: dict, folder: Path) -> dict:
    """HEIC → JPEG, or an oversized JPEG/PNG made to fit: a PNG is first saved again losslessly, then the photo
    ladder (longest edge, JPEG quality) is walked."""
    source = folder / job["inputs"][0]
    kind, limit, size = job["input_kinds"][0], job["limit"], source.stat().st_size
    image, located = open_photo(source, kind)
    icc = image.info.get("icc_profile")
    before = {"width": image.width, "height": image.height, "format": kind.upper()}
    tried = []
    if kind == "png":
        out = io.BytesIO()
        image.save(out, "PNG", optimize=True)
        data = out.getvalue()
        tried.append(len(data))
        if len(data) <= limit and len(data) < size:
            return _photo_result(folder, data, "png", image, image, before, located,
                                 {"steps": ["PNG 無損重新壓縮"], "width": image.width, "height": image.height})
    for edge, quality in job["ladder"]:
        shown = scaled(image, edge)
        data = jpeg_bytes(shown, quality, icc)
        tried.append(len(data))
        if len(data) <= limit:        # an oversized photo's result within the limit is smaller than it
            steps = ([] if edge is None or shown is image else [f"長邊縮為 {max(shown.size)} 像素"]) + \
                    [f"JPEG 品質 {quality}"]
            return _photo_result(folder, data, "jpg", image, shown, before, located,
                                 {"steps": steps, "width": shown.width, "height": shown.height,
                                  "quality": quality})
    raise Refused("no_fit", smallest=min(tried), limit=limit)


def _photo_result(folder, data, ext, original, shown, before, located, parameters) -> dict:
    (folder / f"out.{ext}").write_bytes(data)
    (folder / "before.jpg").write_bytes(preview(original))
    Image = _pillow()
    (folder / "after.jpg").write_bytes(preview(Image.open(io.BytesIO(data))))
    if located:
        parameters["steps"].append("移除位置資訊（GPS）")
    tool = "libheif heif-convert + Pillow" if before["format"] == "HEIC" else "Pillow"
    version = f"libheif {libheif_version()}; Pillow {pillow_version()}" if before["format"] == "HEIC" \
        else pillow_version()
    return {"ext": ext, "tool": tool, "tool_version": version, "parameters": parameters, "before": before,
            "after": {"width": shown.width, "height": shown.height, "format": ext.upper()}}


def convert_photos(job: dict, folder: Path) -> dict:
    """Several photos → one PDF, a page each (A4, the photo fitted in, turned to the page's orientation): each
    photo is JPEG-encoded on the ladder until all fit, then wrapped without re-encoding (img2pdf)."""
    import img2pdf
    limit = job["limit"]
    photos = [open_photo(folder / name, kind) for name, kind in zip(job["inputs"], job["input_kinds"])]
    located = any(loc for _, loc in photos)
    a4 = (img2pdf.mm_to_pt(210), img2pdf.mm_to_pt(297))
    layout = img2pdf.get_layout_fun(pagesize=a4, fit=img2pdf.FitMode.into, auto_orient=True)
    tried = []
    for edge, quality in job["ladder"]:
        pages = [jpeg_bytes(scaled(image, edge), quality) for image, _ in photos]
        if sum(map(len, pages)) > limit:
            tried.append(sum(map(len, pages)))
            continue
        data = img2pdf.convert(pages, layout_fun=layout)
        tried.append(len(data))
        if len(data) <= limit:
            (folder / "out.pdf").write_bytes(data)
            (folder / "before.jpg").write_bytes(preview(photos[0][0]))
            Image = _pillow()
            (folder / "after.jpg").write_bytes(preview(Image.open(io.BytesIO(pages[0]))))
            steps = [f"{len(pages)} 張照片合併為 {len(pages)} 頁 A4 PDF",
                     *([f"長邊縮為 {edge} 像素"] if edge else []), f"JPEG 品質 {quality}"]
            if located:
                steps.append("移除位置資訊（GPS）")
            return {"ext": "pdf", "tool": "Pillow + img2pdf",
                    "tool_version": f"Pillow {pillow_version()}; img2pdf {img2pdf.__version__}",
                    "parameters": {"steps": steps, "pages": len(pages), "long_edge": edge, "quality": quality},
                    "before": {"photos": len(pages)}, "after": {"pages": len(pages), "format": "PDF"}}
    raise Refused("no_fit", smallest=min(tried), limit=limit)


# --- PDF ----------------------------------------------------------------------------------------------

_SIMPLE_SPACES = {"/DeviceRGB": 3, "/DeviceGray": 1}


def _components(space) -> int | None:
    """Colour components of an image's colour space when it is plain RGB, grey or an ICC profile of them."""
    import pikepdf
    if isinstance(space, pikepdf.Name):
        return _SIMPLE_SPACES.get(str(space))
    if isinstance(space, pikepdf.Array) and len(space) == 2 and space[0] == pikepdf.Name.ICCBased:
        n = int(space[1].get("/N", 0))
        return n if n in (1, 3) else None
    return None


def _recompress_images(pdf, dpi: int | None, quality: int) -> int:
    """Re-encode the page images as JPEG at `quality`, downsampled to `dpi` of their page where they are above
    1.5 times it; an image is replaced only when the new one is smaller. Returns how many were replaced."""
    import pikepdf
    from pikepdf import Name, PdfImage
    Image = _pillow()
    seen, replaced = set(), 0
    for page in pdf.pages:
        box = [float(v) for v in page.mediabox]
        page_inches = max(abs(box[2] - box[0]), abs(box[3] - box[1])) / 72
        for _name, raw in page.get_images().items():
            if raw.objgen in seen:
                continue
            seen.add(raw.objgen)
            if raw.get("/ImageMask") or "/Decode" in raw or int(raw.get("/BitsPerComponent", 0)) != 8:
                continue
            components = _components(raw.get("/ColorSpace"))
            filters = raw.get("/Filter")
            names = [str(f) for f in (filters if isinstance(filters, pikepdf.Array) else [filters] if filters
                                      else [])]
            if components is None or any(f not in ("/DCTDecode", "/FlateDecode") for f in names):
                continue
            try:
                image = PdfImage(raw).as_pil_image()
            except (pikepdf.PdfError, NotImplementedError, ValueError, OSError, Image.DecompressionBombError):
                continue        # meant: an image this step cannot read stays as it was; the result is still checked

            if dpi is not None and max(image.size) > 1.5 * dpi * page_inches:
                image = scaled(image, int(dpi * page_inches))
            image = image.convert("L" if components == 1 else "RGB")
            data = jpeg_bytes(image, quality)
            if len(data) >= len(raw.read_raw_bytes()):
                continue
            raw.write(data, filter=Name.DCTDecode)
            raw.Width, raw.Height, raw.BitsPerComponent = image.width, image.height, 8
            if _components(raw.get("/ColorSpace")) is None or isinstance(raw.ColorSpace, pikepdf.Name):
                raw.ColorSpace = Name.DeviceGray if components == 1 else Name.DeviceRGB
            if "/DecodeParms" in raw:
                del raw["/DecodeParms"]
            replaced += 1
    return replaced


def _save_pdf(pdf, path: Path) -> int:
    import pikepdf
    pdf.remove_unreferenced_resources()
    pdf.save(path, compress_streams=True, recompress_flate=True,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return path.stat().st_size


def _first_page(path: Path) -> bytes | None:
    """A preview of the first page, where pypdfium2 (the dashboards' PDF renderer) is installed."""
    try:
        import pypdfium2
    except ImportError:
        return None
    document = pypdfium2.PdfDocument(str(path))
    try:
        page = document[0]
        scale = PREVIEW_EDGE / max(page.get_width(), page.get_height())
        return preview(page.render(scale=scale).to_pil())
    finally:
        document.close()


def convert_pdf(job: dict, folder: Path) -> dict:
    """An oversized PDF: first rewritten losslessly (unused objects dropped, streams compressed, object streams),
    then its page images recompressed on the ladder (resolution, JPEG quality)."""
    import pikepdf
    source, limit = folder / job["inputs"][0], job["limit"]
    size = source.stat().st_size
    out = folder / "out.pdf"
    tried = []
    try:
        with pikepdf.open(source) as pdf:
            pages = len(pdf.pages)
            steps = [(None, None)] + [tuple(step) for step in job["ladder"]]
            for dpi_quality in steps:
                with pikepdf.open(source) as work:
                    replaced = 0 if dpi_quality[1] is None else _recompress_images(work, *dpi_quality)
                    got = _save_pdf(work, out)
                tried.append(got)
                if got <= limit and got < size:
                    parameters = {"steps": ["PDF 結構無損重寫"], "pages": pages}
                    if dpi_quality[1] is not None:
                        dpi, quality = dpi_quality
                        parameters["steps"].append(
                            f"{replaced} 張圖片重新壓縮（{'解析度不變' if dpi is None else f'{dpi} dpi'}，"
                            f"JPEG 品質 {quality}）")
                        parameters |= {"dpi": dpi, "quality": quality, "images": replaced}
                    break
            else:
                out.unlink(missing_ok=True)
                raise Refused("no_fit", smallest=min(tried), limit=limit)
    except pikepdf.PdfError as err:
        raise Refused("broken", detail=str(err).splitlines()[0] if str(err) else "PDF 結構錯誤") from None
    for name, path in (("before.jpg", source), ("after.jpg", out)):
        shown = _first_page(path)
        if shown:
            (folder / name).write_bytes(shown)
    return {"ext": "pdf", "tool": "pikepdf (qpdf) + Pillow",
            "tool_version": f"pikepdf {pikepdf.__version__}; qpdf {pikepdf.__libqpdf_version__}; "
                            f"Pillow {pillow_version()}",
            "parameters": parameters, "before": {"pages": pages, "format": "PDF"},
            "after": {"pages": pages, "format": "PDF"}}


# --- video and audio ---------------------------------------------------------------------------------

def probe(path: Path) -> dict:
    done = subprocess.run(["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
                           str(path)], capture_output=True, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise Refused("broken", detail=done.stderr.decode(errors="replace").strip()[-300:] or "無法讀取")
    info = json.loads(done.stdout or b"{}")
    streams = info.get("streams", [])
    video = next((s for s in streams if s.get("codec_type") == "video"
                  and not s.get("disposition", {}).get("attached_pic")), None)
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    duration = float(info.get("format", {}).get("duration") or (video or audio or {}).get("duration") or 0)
    if duration <= 0:
        raise Refused("broken", detail="讀不到影音長度")
    return {"duration": duration, "video": video, "audio": audio}


def _frame(path: Path, at: float, folder: Path, name: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-ss", f"{at:.2f}", "-i", str(path), "-frames:v", "1",
                    "-vf", f"scale='min({PREVIEW_EDGE},iw)':-2", str(folder / name)],
                   capture_output=True, stdin=subprocess.DEVNULL)


def _fps(stream: dict) -> float:
    num, _, den = str(stream.get("avg_frame_rate") or "0/1").partition("/")
    try:
        return float(num) / float(den or 1)
    except (ValueError, ZeroDivisionError):
        return 0.0


def convert_video(job: dict, folder: Path) -> dict:
    """MOV or an oversized MP4 → MP4: remuxed without re-encoding when it is already H.264/AAC and fits, else
    H.264 in two passes at the bit rate that fills the limit (size = bit rate × duration), picture height by
    bit rate, AAC 96 kbit/s; metadata (the phone's location among it) is not copied."""
    source, limit = folder / job["inputs"][0], job["limit"]
    size = source.stat().st_size
    info = probe(source)
    if info["video"] is None:
        return convert_audio(job, folder, info)
    video, audio, duration = info["video"], info["audio"], info["duration"]
    out = folder / "out.mp4"
    before = {"width": video.get("width"), "height": video.get("height"), "duration": round(duration, 2),
              "codec": video.get("codec_name"), "format": job["input_kinds"][0].upper()}
    common = ["-map_metadata", "-1", "-map_chapters", "-1", "-movflags", "+faststart"]
    maps = ["-map", "0:v:0"] + (["-map", "0:a:0"] if audio else [])
    parameters = None
    if size <= limit and video.get("codec_name") == "h264" and (audio is None or audio.get("codec_name") == "aac"):
        _run(["ffmpeg", "-v", "error", "-y", "-i", str(source), *maps, "-c", "copy", *common, str(out)],
             "影片轉封裝失敗")
        if out.stat().st_size <= limit:
            parameters = {"steps": ["轉封裝為 MP4（不重新編碼）"]}
    if parameters is None:
        target = video_target(duration, audio is not None, limit, job["video_min_kbps"])
        if target is None:
            raise Refused("too_long", medium="影片", duration=duration,
                          kbps=job["video_min_kbps"] + (AUDIO_IN_VIDEO_KBPS if audio else 0))
        short_side = target["max_height"]
        scale = (f"scale='if(gte(iw,ih),-2,min(iw,{short_side}))':'if(gte(iw,ih),min(ih,{short_side}),-2)'")
        filters = [scale] + (["fps=30"] if _fps(video) > 30.5 else [])
        kbps = target["video_kbps"]
        for attempt in range(2):
            log = folder / "pass"
            encode = ["-c:v", "libx264", "-preset", "veryfast", "-b:v", f"{kbps}k", "-pix_fmt", "yuv420p",
                      "-vf", ",".join(filters), "-passlogfile", str(log)]
            _run(["ffmpeg", "-v", "error", "-y", "-i", str(source), "-map", "0:v:0", *encode, "-pass", "1",
                  "-an", "-f", "mp4", "/dev/null"], "影片轉檔失敗（第一階段）")
            _run(["ffmpeg", "-v", "error", "-y", "-i", str(source), *maps, *encode, "-pass", "2",
                  *(["-c:a", "aac", "-b:a", f"{target['audio_kbps']}k"] if audio else []), *common, str(out)],
                 "影片轉檔失敗（第二階段）")
            if out.stat().st_size <= limit:
                break
            kbps = int(kbps * limit / out.stat().st_size * 0.95)
        else:
            raise Refused("no_fit", smallest=out.stat().st_size, limit=limit)
        parameters = {"steps": [f"H.264 兩階段編碼 {kbps} kbit/s", f"畫面短邊最多 {short_side} 像素"] +
                      ([f"AAC 音訊 {target['audio_kbps']} kbit/s"] if audio else []) +
                      (["每秒 30 格"] if len(filters) > 1 else []),
                      "video_kbps": kbps, "audio_kbps": target["audio_kbps"] if audio else 0,
                      "short_side": short_side}
    parameters["steps"].append("移除中繼資料（含拍攝位置）")
    after = probe(out)
    mid = min(1.0, duration / 2)
    _frame(source, mid, folder, "before.jpg")
    _frame(out, mid, folder, "after.jpg")
    return {"ext": "mp4", "tool": "ffmpeg (libx264, aac)", "tool_version": ffmpeg_version(),
            "parameters": parameters, "before": before,
            "after": {"width": after["video"].get("width"), "height": after["video"].get("height"),
                      "duration": round(after["duration"], 2), "codec": after["video"].get("codec_name"),
                      "format": "MP4"}}


def convert_audio(job: dict, folder: Path, info: dict | None = None) -> dict:
    """An oversized MP3, a WAV or an audio-only MP4 → MP3 at the highest standard bit rate that fits."""
    source, limit = folder / job["inputs"][0], job["limit"]
    info = info or probe(source)
    if info["audio"] is None:
        raise Refused("broken", detail="檔案中沒有影像也沒有聲音")
    duration = info["duration"]
    kbps = audio_target(duration, limit, job["audio_min_kbps"])
    if kbps is None:
        raise Refused("too_long", medium="音檔", duration=duration, kbps=job["audio_min_kbps"])
    out = folder / "out.mp3"
    _run(["ffmpeg", "-v", "error", "-y", "-i", str(source), "-map", "0:a:0", "-vn", "-map_metadata", "-1",
          "-c:a", "libmp3lame", "-b:a", f"{kbps}k", str(out)], "音檔轉檔失敗")
    got = out.stat().st_size
    if got > limit:
        raise Refused("no_fit", smallest=got, limit=limit)
    return {"ext": "mp3", "tool": "ffmpeg (libmp3lame)", "tool_version": ffmpeg_version(),
            "parameters": {"steps": [f"MP3 {kbps} kbit/s", "移除中繼資料"], "audio_kbps": kbps},
            "before": {"duration": round(duration, 2), "codec": info["audio"].get("codec_name"),
                       "format": job["input_kinds"][0].upper()},
            "after": {"duration": round(probe(out)["duration"], 2), "codec": "mp3", "format": "MP3"}}


CONVERTERS = {"heic": convert_photo, "image": convert_photo, "photos": convert_photos, "pdf": convert_pdf,
              "video": convert_video, "audio": convert_audio}


def main(argv: list[str]) -> int:
    job = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    folder = Path(".")          # the converter's own folder: paths in messages name no server folder
    try:
        if job["kind"] in ("video", "audio") and shutil.which("ffmpeg") is None:
            raise Refused("missing_tool", tool="ffmpeg")
        if "heic" in job["input_kinds"] and shutil.which("heif-convert") is None:
            raise Refused("missing_tool", tool="heif-convert")
        report = CONVERTERS[job["kind"]](job, folder)
    except Refused as refused:
        print(json.dumps({"error": refused.code, **refused.facts}, ensure_ascii=False))
        return 3
    except MemoryError:
        print(json.dumps({"error": "memory"}))
        return 3
    except Exception:
        if _near_memory_limit():
            print(json.dumps({"error": "memory"}))
            return 3
        raise
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
