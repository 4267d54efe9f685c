"""Running a file rescue's converter (`rescue_worker.py`) in a subprocess: in a private temporary folder, under a
wall-clock limit (the whole process group is killed), an address-space limit and a file-size limit. The folder is
removed whatever happens, so a refused or failed conversion leaves nothing behind."""

from __future__ import annotations

import json
import logging
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..domain.errors import ConversionFailed, ConversionNoFit
from ..domain.rescue import PDF_LADDER, PHOTO_LADDER, Rescue, too_long_advice
from ..domain.units import MIB, format_mb

log = logging.getLogger(__name__)

SECONDS = int(os.environ.get("PORTFOLIO_RESCUE_SECONDS", "180"))          # wall clock, per conversion
MEMORY_BYTES = int(os.environ.get("PORTFOLIO_RESCUE_MEMORY_MB", "3072")) * MIB   # address space of each process
FILE_BYTES = 1024 * MIB           # the largest file a converter may write (a decoded photo, a pass log)


@dataclass(frozen=True)
class Converted:
    """What a converter made: the bytes, their extension, how (tool, version, parameters) and previews."""

    data: bytes = field(repr=False)
    ext: str
    tool: str
    tool_version: str
    parameters: dict
    before: dict
    after: dict
    preview_before: bytes | None = field(default=None, repr=False)
    preview_after: bytes | None = field(default=None, repr=False)
    seconds: float = 0.0


def _limits(memory: int):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_BYTES, FILE_BYTES))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


def convert(kind: Rescue, inputs: list[tuple[str, bytes, str]], limit: int, *, video_min_kbps: int = 1200,
            audio_min_kbps: int = 64, seconds: int | None = None, memory: int | None = None) -> Converted:
    """Convert `inputs` ((name, bytes, kind as read from the content), several only for Rescue.PHOTOS) to fit
    `limit` bytes. Raises ConversionFailed or ConversionNoFit with a message for the student."""
    import time
    seconds = seconds or SECONDS
    memory = memory or MEMORY_BYTES
    name = inputs[0][0] if len(inputs) == 1 else f"{inputs[0][0]} 等 {len(inputs)} 個檔案"
    folder = Path(tempfile.mkdtemp(prefix="portfolio-rescue-"))
    started = time.monotonic()
    try:
        files = []
        for i, (_, data, detected) in enumerate(inputs):
            path = folder / f"in{i}.{detected}"
            path.write_bytes(data)
            files.append(path.name)
        job = {"kind": kind.value, "inputs": files, "input_kinds": [k for _, _, k in inputs], "limit": limit,
               "ladder": PDF_LADDER if kind == Rescue.PDF else PHOTO_LADDER,
               "video_min_kbps": video_min_kbps, "audio_min_kbps": audio_min_kbps}
        (folder / "job.json").write_text(json.dumps(job), encoding="utf-8")
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "MALLOC_ARENA_MAX": "2", "HOME": str(folder),
               "LANG": "C.UTF-8"}
        process = subprocess.Popen([sys.executable, "-I", "-m", "portfolio_lib.adapters.rescue_worker", "job.json"],
                                   cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, preexec_fn=_limits(memory), start_new_session=True)
        try:
            out, err = process.communicate(timeout=seconds)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise ConversionFailed(name=name, reason=f"超過 {seconds} 秒仍未完成，已停止；請先剪短或縮小後再試")
        finally:
            _kill_group(process.pid)
        report = _report(out)
        if process.returncode != 0 or report is None or "error" in report:
            raise _refusal(kind, name, inputs, limit, process.returncode, report, err, memory)
        path = folder / f"out.{report['ext']}"
        before, after = folder / "before.jpg", folder / "after.jpg"
        return Converted(path.read_bytes(), report["ext"], report["tool"], report["tool_version"],
                         report["parameters"], report["before"], report["after"],
                         before.read_bytes() if before.exists() else None,
                         after.read_bytes() if after.exists() else None, round(time.monotonic() - started, 2))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _kill_group(pid: int) -> None:
    """Whatever the converter started (ffmpeg, heif-convert) ends with it."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _report(out: bytes) -> dict | None:
    lines = out.decode(errors="replace").strip().splitlines()
    try:
        return json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        return None


def _refusal(kind: Rescue, name: str, inputs: list, limit: int, code: int, report: dict | None, err: bytes,
             memory: int):
    """The converter's refusal or crash as the error the student reads."""
    error = (report or {}).get("error")
    if error == "too_long":
        return ConversionNoFit(name=name, advice=too_long_advice(report["medium"], report["duration"], limit,
                                                                 report["kbps"]))
    if error == "no_fit":
        got, cap = format_mb(report["smallest"]), format_mb(limit)
        advice = {Rescue.PDF: f"壓縮圖片後最小仍有 {got}（上限 {cap}），多半是文字、字型或向量圖形佔空間，"
                              "請刪除不需要的頁面或分成兩個檔案後再上傳",
                  Rescue.PHOTOS: f"合併後最小仍有 {got}（上限 {cap}），請減少照片張數或分成兩個檔案",
                  Rescue.VIDEO: f"轉檔後仍有 {got}（上限 {cap}），請剪短後再上傳",
                  Rescue.AUDIO: f"轉檔後仍有 {got}（上限 {cap}），請剪短後再上傳"}
        photo = f"縮小後最小仍有 {got}（上限 {cap}），請裁切照片後再上傳"
        return ConversionNoFit(name=name, advice=advice.get(kind, photo))
    if error == "bomb":
        return ConversionFailed(name=name,
                                reason=f"影像超過 {report['limit']:,} 像素的安全上限，可能是損壞或惡意的檔案")
    if error == "broken":
        detail = report.get("detail", "")
        for i, (original, _, detected) in enumerate(inputs):
            detail = detail.replace(f"in{i}.{detected}", original)
        return ConversionFailed(name=name, reason=f"檔案可能已損壞或不完整（{detail}）")
    if error == "missing_tool":
        return ConversionFailed(name=name, reason=f"伺服器沒有安裝轉換工具 {report['tool']}，請洽系統管理者")
    said = err.decode(errors="replace").strip().splitlines()
    if error == "memory" or code in (-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGABRT) or \
            any("MemoryError" in line or "Cannot allocate" in line for line in said[-5:]):
        return ConversionFailed(name=name, reason=f"轉換需要的記憶體超過 {format_mb(memory)} 的上限，已停止；"
                                                  "檔案可能損壞或過大")
    log.warning("file rescue %s of %s ended with %s: %s", kind.value, name, code, "\n".join(said[-20:]))
    return ConversionFailed(name=name, reason=f"轉換程式發生錯誤（{said[-1] if said else code}）")
