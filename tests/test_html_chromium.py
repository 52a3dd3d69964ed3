"""The HTML report in a real browser: headless Chromium (Debian's ``chromium``).

Skipped when /usr/bin/chromium is absent (``.ci/run`` installs it).

"No network requests" is checked with Chromium's own NetLog (``--log-net-log``), which
records every URL request the network stack starts. Chromium itself also phones home
(update and time checks) even with background networking disabled; those requests have
no page origin, whereas anything the page asks for carries the page's ``file://``
network isolation key, so we keep only those. A control page with an external image and
style sheet proves the check sees page requests. The report is loaded with its
Content-Security-Policy removed, so the test shows the content needs no network at all,
not merely that the CSP blocked it. DNS is mapped to nothing so that even a missed
request could not reach the internet.

"Renders the plots" is checked on a screenshot: the measures plot shades holds in blue
and the key frames are dark grey pictures; a control copy of the report with the plot's
data URI removed must lack the blue.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.test_cli import cli

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium not installed (apt-get install chromium)"),
]
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--hide-scrollbars",
]
_runs = itertools.count()


def run_chromium(tmp_path: Path, page: Path, *extra: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile{next(_runs)}"  # a fresh profile every run
    profile.mkdir()
    cmd = [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def page_requests(tmp_path: Path, page: Path) -> tuple[list[str], str]:
    """(URLs the page itself asked the network stack for, the rendered DOM)."""
    netlog = tmp_path / f"{page.stem}.netlog.json"
    dom = run_chromium(tmp_path, page, f"--log-net-log={netlog}", "--dump-dom").stdout
    log = json.loads(netlog.read_text())
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = [
        e["params"]["url"]
        for e in log["events"]
        if e["type"] == start_job and e.get("params", {}).get("network_isolation_key", "").startswith("file://")
    ]
    return urls, dom


def screenshot(tmp_path: Path, page: Path, height: int = 3200) -> np.ndarray:
    shot = tmp_path / f"{page.stem}.png"
    run_chromium(tmp_path, page, f"--screenshot={shot}", f"--window-size=1200,{height}")
    image = cv2.imread(str(shot))
    assert image is not None and image.shape[:2] == (height, 1200)
    return image


def blue_pixels(bgr: np.ndarray) -> int:
    """The plot's hold shading: clearly blue, light (no other part of the page is)."""
    b, g, r = (bgr[..., i].astype(int) for i in range(3))
    return int(np.count_nonzero((b > 200) & (b - r > 20) & (b - g > 8)))


def dark_grey_pixels(bgr: np.ndarray) -> int:
    """The key frames' canvas (a track has no video: the overlay is drawn on grey)."""
    return int(np.count_nonzero(np.all(np.abs(bgr.astype(int) - 48) <= 6, axis=2)))


@pytest.fixture
def report_html(tmp_path, mixed_bridges) -> Path:
    target = tmp_path / "report.html"
    code, _, err = cli("analyze", str(mixed_bridges), "-e", "bridge", "--html", str(target), "--frames")
    assert code == 0, err
    return target


def test_control_page_requests_are_detected(tmp_path):
    page = tmp_path / "control.html"
    page.write_text(
        '<!DOCTYPE html><p>x</p><img src="http://example.invalid/a.png"><link rel="stylesheet" href="https://cdn.example.invalid/s.css">'
    )
    urls, _ = page_requests(tmp_path, page)
    assert sorted(urls) == ["http://example.invalid/a.png", "https://cdn.example.invalid/s.css"]


def test_report_makes_no_network_requests_and_renders_its_tables(tmp_path, report_html):
    html = report_html.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    open_page = tmp_path / "no_csp.html"
    open_page.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html), encoding="utf-8")
    assert "Content-Security-Policy" not in open_page.read_text(encoding="utf-8")
    urls, dom = page_requests(tmp_path, open_page)
    assert urls == []
    assert dom.count("<table") == 4  # summary, holds, faults, reps
    assert dom.count("<img") == 3  # plot, best and worst rep
    assert "Best rep: rep 4" in dom and "Lift your hips a little higher" in dom


def test_report_shows_the_plot_and_key_frames(tmp_path, report_html):
    image = screenshot(tmp_path, report_html)
    assert blue_pixels(image) > 20_000
    assert dark_grey_pixels(image) > 2 * 200 * 150  # two small pictures
    html = report_html.read_text(encoding="utf-8")
    no_plot = tmp_path / "no_plot.html"
    no_plot.write_text(re.sub(r'src="data:image/png;base64,[^"]*"', 'src=""', html), encoding="utf-8")
    assert blue_pixels(screenshot(tmp_path, no_plot)) < 2_000
