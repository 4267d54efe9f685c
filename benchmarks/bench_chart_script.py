"""The chart script alone: one bar chart drawn by plotly.js's full bundle against the partial bundles we send.

    python benchmarks/bench_chart_script.py [--loads 5]

Static pages, each loading one plotly.js bundle and drawing the same four-bar chart, are served
from this machine and loaded --loads times each in Debian's Chromium (a fresh browser context each
time, so nothing is cached); printed is the median time from the navigation's start to the chart
drawn (plotly's own promise resolving), and the bundles' sizes. The floor is the full bundle that
plotly.py ships (what a notebook's plotly output loads); the partial bundles are what the dashboards
send (`portfolio_lib/ui/static/`): basic on every chart page, cartesian on the counselor's (its heatmap).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import statistics
import sys
import tempfile
import threading
from importlib import resources
from pathlib import Path

from playwright.sync_api import sync_playwright

from portfolio_lib.ui.common import PLOTLY_BUNDLES

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu"]
PAGE = """<html><body><div id="chart" style="width:900px;height:380px"></div><script src="{script}"></script>
<script>Plotly.newPlot("chart", [{{type: "bar", x: ["甲", "乙", "丙", "丁"], y: [3, 1, 2, 5]}}], {{height: 380}})
  .then(() => {{ window.drawn = performance.now(); }});</script></body></html>"""


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="portfolio-bench-chart-"))
    bundles = {"full (plotly.py's, the floor)": resources.files("plotly") / "package_data" / "plotly.min.js",
               **{name: resources.files("portfolio_lib.ui") / "static" / script
                  for name, script in PLOTLY_BUNDLES.items()}}
    for n, source in enumerate(bundles.values()):
        (folder / f"{n}.js").write_bytes(source.read_bytes())
        (folder / f"{n}.html").write_text(PAGE.format(script=f"{n}.js"), encoding="utf-8")
    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    times: dict[int, list[float]] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for _ in range(args.loads):
                for n in range(len(bundles)):
                    context = browser.new_context()
                    page = context.new_page()
                    page.goto(f"{base}/{n}.html")
                    page.wait_for_function("window.drawn !== undefined")
                    times.setdefault(n, []).append(page.evaluate("window.drawn") / 1000)
                    context.close()
            browser.close()
    finally:
        server.shutdown()
    floor = statistics.median(times[0])
    print(f"one bar chart in Chromium, median of {args.loads} loads each")
    print(f"{'bundle':<32}{'MB':>7}{'drawn s':>9}{'/floor':>8}   loads")
    for n, name in enumerate(bundles):
        median = statistics.median(times[n])
        size = (folder / f"{n}.js").stat().st_size / 1e6
        print(f"{name:<32}{size:>7.2f}{median:>9.2f}{median / floor:>8.2f}   {' '.join(f'{t:.2f}' for t in times[n])}")
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
