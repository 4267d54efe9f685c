"""Research reports: notebooks run headless by papermill, rendered to HTML without code, charts exported with
Chinese text drawn in a CJK font; the command line refuses bad sources before writing anything."""

from __future__ import annotations

import json
import re
import sqlite3
import stat
import subprocess

import nbformat
import pandas as pd
import plotly.graph_objects as go
import pytest
from PIL import Image, ImageChops

from portfolio_lib.cli import main
from portfolio_lib.research.charts import CJK_FONTS, export_images, note_lines, styled
from portfolio_lib.research.notebooks import NOTEBOOKS_DIR, REPORTS

pytestmark = pytest.mark.slow
CHARTS = {"categories": 2, "certification": 2, "deadlines": 2, "funnel": 6, "trends": 2}


def test_every_report_notebook_exists_with_a_parameters_cell():
    assert set(CHARTS) == set(REPORTS)
    for name, file in REPORTS.items():
        book = nbformat.read(NOTEBOOKS_DIR / file, as_version=4)
        tagged = [c for c in book.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, name
        for parameter in ("databases", "exports", "schools", "years", "k", "figures_dir"):
            assert re.search(rf"^{parameter} = ", tagged[0].source, re.M), (name, parameter)
        assert all(not c.get("outputs") for c in book.cells if c.cell_type == "code"), f"{name} has outputs"


@pytest.mark.parametrize("name", list(CHARTS))
def test_a_rendered_report_holds_its_charts_and_no_code(rendered_reports, name):
    page = rendered_reports.reports[name].read_text("utf-8")
    assert page.count('class="plotly-graph-div"') == CHARTS[name]
    assert len(re.findall(r"plotly\.js v\d", page)) == 1            # the chart library once, offline
    for code in ("report.show(", "load_research_data", "from portfolio_lib", "figures_dir = "):
        assert code not in page
    assert "999301" in page and "999302" in page and "k = 10" in page
    executed = nbformat.read(rendered_reports.folder / f"{name}.ipynb", as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "one.sqlite" in injected[0].source
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors


def test_suppressed_cells_show_as_a_star_in_the_report(rendered_reports):
    page = rendered_reports.reports["funnel"].read_text("utf-8")
    assert "＊" in page and "人數或件數少於 10 的格子以「＊」表示" in page


def test_the_command_line_writes_reports_with_png_svg_and_csv(rendered_reports, tmp_path, capsys):
    one, two = rendered_reports.databases
    code = main(["research-report", "certification", "--source", str(one), "--source", str(two),
                 "--years", "113", "114", "--out", str(tmp_path), "--figures", "--json"])
    assert code == 0
    written = json.loads(capsys.readouterr().out)
    assert written["certification"].endswith("certification.html")
    figures = tmp_path / "figures" / "certification"
    for chart in ("pass_rates_by_domain", "time_to_certification"):
        width, height = Image.open(figures / f"{chart}.png").size
        assert width == 960 and height >= 420                          # the layout's size, not kaleido's 700×500
        svg = (figures / f"{chart}.svg").read_text("utf-8")
        assert "Noto Sans CJK TC" in svg and "認證" in svg
    table = (figures / "pass_rates_by_domain_table1.csv").read_bytes()
    assert table.startswith(b"\xef\xbb\xbf") and "通過".encode() in table
    back = pd.read_csv(figures / "pass_rates_by_domain_table2.csv", encoding="utf-8-sig", index_col=0)
    assert back["通過率"].dropna().between(0, 1).all()


def test_a_bad_source_is_refused_before_anything_is_written(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["research-report", "all", "--source", str(tmp_path / "missing.sqlite"), "--out", str(out)]) == 1
    assert "找不到這個資料庫檔案" in capsys.readouterr().err
    assert not out.exists()


def test_a_threshold_below_two_is_refused(rendered_reports, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["research-report", "trends", "--source", str(rendered_reports.databases[0]), "--k", "1",
                 "--out", str(out)])
    assert code == 1 and "k 應為 2 以上" in capsys.readouterr().err and not out.exists()


def test_an_export_with_a_key_file_keeps_pseudonyms_and_one_without_does_not(rendered_reports, tmp_path, capsys):
    db = str(rendered_reports.databases[1])
    key = tmp_path / "secret" / "research.key"
    for n in (1, 2):
        assert main(["--db", db, "research-export", "--out", str(tmp_path / f"keyed{n}"), "--key-file", str(key)]) == 0
    assert main(["--db", db, "research-export", "--out", str(tmp_path / "fresh")]) == 0
    capsys.readouterr()
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    pids = {name: set(pd.read_parquet(tmp_path / name / "students.parquet")["pid"])
            for name in ("keyed1", "keyed2", "fresh")}
    assert pids["keyed1"] == pids["keyed2"]
    assert not pids["keyed1"] & pids["fresh"]
    key.write_text("k" * 15)
    with pytest.raises(SystemExit) as usage:
        main(["--db", db, "research-export", "--out", str(tmp_path / "short"), "--key-file", str(key)])
    assert usage.value.code == 2 and "至少要 16 個字元" in capsys.readouterr().err
    assert not (tmp_path / "short").exists()
    key.write_text("k" * 16)
    assert main(["--db", db, "research-export", "--out", str(tmp_path / "sixteen"), "--key-file", str(key)]) == 0


# --- Chinese text in static charts ---------------------------------------------------------------

def test_a_cjk_font_is_what_fontconfig_gives_for_traditional_chinese():
    first = subprocess.run(["fc-match", "sans-serif:lang=zh-tw"], capture_output=True, text=True, check=True).stdout
    assert "Noto Sans CJK" in first, first
    assert CJK_FONTS.startswith("Noto Sans CJK TC")


def test_different_chinese_titles_draw_different_glyphs_not_empty_boxes(tmp_path):
    """Missing glyphs draw as identical boxes, so two titles of different characters would look the same."""
    titles = {"first": "學習歷程檔案", "second": "認證通過比率"}
    export_images({key: styled(go.Figure(go.Bar(x=[1], y=[1])), title) for key, title in titles.items()},
                  tmp_path, ("png",))
    first, second = (Image.open(tmp_path / f"{key}.png").convert("L").crop((0, 0, 400, 45)) for key in titles)
    assert ImageChops.difference(first, second).getbbox() is not None
    assert first.getextrema()[0] < 100                                   # dark title pixels are there


def test_a_long_note_is_broken_at_clause_ends_into_short_lines():
    note = "人數或件數少於 10 的格子以「＊」表示；本表隱藏 24 格（含為避免由合計反推而一併隱藏的格子）。" * 2
    lines = note_lines(note, width=40)
    assert "".join(lines) == note
    assert all(len(line) <= 40 for line in lines)
    assert all(line.endswith(("。", "；")) or len(line) == 40 for line in lines[:-1])


def test_the_demo_command_builds_a_second_school_under_its_own_code(tmp_path, capsys):
    db = tmp_path / "second.sqlite"
    assert main(["--db", str(db), "demo", "--students", "60", "--school-code", "999302",
                 "--school-name", "第二示範高中",
                 "--as-of", "115/11/28", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["school"] == "999302"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT code, name FROM schools").fetchall() == [("999302", "第二示範高中")]
        codes = {row[0] for row in conn.execute("SELECT DISTINCT substr(course_code, 4, 6) FROM course_sections")}
    assert codes == {"999302"}


def test_a_report_combines_a_database_with_another_schools_export(rendered_reports, tmp_path, capsys):
    one, two = rendered_reports.databases
    assert main(["--db", str(two), "research-export", "--out", str(tmp_path / "second")]) == 0
    code = main(["research-report", "trends", "--source", str(one), "--source", str(tmp_path / "second"),
                 "--out", str(tmp_path / "out")])
    assert code == 0, capsys.readouterr().err
    page = (tmp_path / "out" / "trends.html").read_text("utf-8")
    assert "one.sqlite" in page and ">second<" in page and "999302 114 學年" in page
    assert main(["research-report", "trends", "--source", str(two), "--source", str(tmp_path / "second"),
                 "--out", str(tmp_path / "twice")]) == 1
    assert "同時出現" in capsys.readouterr().err and not (tmp_path / "twice").exists()
