"""The web app end to end in a real headless Chromium (Debian's ``chromium`` and
``chromium-driver``, driven by Selenium), against ``formcheck serve`` with the real pose
model. The camera is Chromium's fake device playing a rendered sample (``samples/``)
converted to Y4M here; nothing is downloaded. Skipped without chromium/chromedriver.

- live: the page shows the camera picture with the skeleton drawn on it, ``rep-count``
  reaches the sample's true count, Finish shows the summary card and the history gets
  a live row;
- upload: the result page shows the same rep count as ``formcheck analyze`` on the same
  file, the annotated video plays, and the report frame is filled;
- history: the rows are listed, with the trend plot.

Screenshots of each page are saved under ``FORMCHECK_SCREENSHOTS`` (default: the test's
tmp folder) so a person can look at them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from formcheck.history.store import History
from tests.browser import ROOT, available, browser, serve, text_of, wait_for, write_y4m

SAMPLES = ROOT / "samples"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not available(),
        reason="chromium, chromium-driver or selenium missing (apt-get install chromium chromium-driver)",
    ),
]


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("FORMCHECK_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """``formcheck serve`` in its own process, with its own history database."""
    history = tmp_path_factory.mktemp("webhistory") / "history.sqlite3"
    with serve(history) as url:
        yield url, history


def canvas_colours(driver) -> dict[str, float]:
    """How much of the live canvas is camera picture (not black) and skeleton blue."""
    data = driver.execute_script(
        "const c = document.getElementById('view');"
        "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        "let lit = 0, blue = 0, n = d.length / 4;"
        "for (let i = 0; i < d.length; i += 4) {"
        "  if (d[i] + d[i + 1] + d[i + 2] > 60) lit++;"
        "  if (d[i] < 130 && d[i + 1] > 170 && d[i + 2] > 220) blue++; }"
        "return [lit / n, blue / n, c.width, c.height];"
    )
    return {"lit": data[0], "blue": data[1], "width": data[2], "height": data[3]}


def test_live_page_counts_the_fake_camera_and_records_the_session(tmp_path, server, shots):
    url, history = server
    truth = json.loads((SAMPLES / "bridge.json").read_text())
    y4m = write_y4m(SAMPLES / "bridge.mp4", tmp_path / "bridge.y4m")
    driver = browser(
        tmp_path,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={y4m}",
    )
    try:
        driver.get(f"{url}/live?exercise=bridge&countdown=0&mute=1")
        assert "formcheck" in driver.title
        driver.find_element("id", "start").click()
        wait_for(lambda: text_of(driver, "exercise-name") == "Bridges", 30, "the hello message")
        wait_for(lambda: canvas_colours(driver)["blue"] > 0.0005, 60, "the skeleton on the camera picture")
        colours = canvas_colours(driver)
        assert colours["lit"] > 0.5 and colours["width"] > 0
        driver.save_screenshot(str(shots / "live-counting.png"))
        true_reps = len(truth["reps"])
        # The fake camera loops the clip: the count must reach the true count and stop there
        # for a moment (polled 5 times a second), not jump past it. On a heavily loaded
        # machine Chromium's fake camera itself plays slowly, hence the generous wait.
        duration_s = truth["frames"] / truth["fps"]
        held = []  # the hold seconds seen while the reps are counted

        def counted() -> bool:
            held.append(float(text_of(driver, "hold-s")))
            if held[-1] > 1.0 and max(held[:-1], default=0.0) <= 1.0:
                driver.save_screenshot(str(shots / "live-hold.png"))
            return int(text_of(driver, "rep-count")) >= true_reps

        try:
            wait_for(counted, 3 * duration_s + 30, f"{true_reps} reps", poll_s=0.2)
        except AssertionError as exc:
            driver.save_screenshot(str(shots / "live-failed.png"))
            raise AssertionError(
                f"{exc}: rep-count {text_of(driver, 'rep-count')}, longest hold {max(held):.1f} s"
            ) from None
        assert max(held) > 1.0  # hold-s timed the holds
        assert int(text_of(driver, "rep-count")) == true_reps
        driver.save_screenshot(str(shots / "live-reps.png"))
        stats = text_of(driver, "stats")
        assert "delay" in stats
        driver.find_element("id", "finish").click()
        wait_for(lambda: driver.find_element("id", "summary").is_displayed(), 30, "the summary card")
        assert text_of(driver, "summary-reps").startswith(str(true_reps))
        assert "Saved in your history" in text_of(driver, "summary-history")
        driver.save_screenshot(str(shots / "live-summary.png"))
    finally:
        driver.quit()
    with History(history) as h:
        rows = [r for r in h.sessions() if r.source_kind == "camera"]
    assert rows and rows[0].exercise == "bridge" and rows[0].reps == true_reps


def test_upload_shows_the_analyze_report_and_the_history_lists_it(tmp_path, server, shots):
    url, history = server
    sample = SAMPLES / "cobra.mp4"
    expected = tmp_path / "cli.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "formcheck",
            "analyze",
            str(sample),
            "-e",
            "cobra",
            "--report",
            str(expected),
            "--no-history",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    expected_reps = json.loads(expected.read_text())["rep_count"]
    driver = browser(tmp_path)
    try:
        driver.get(f"{url}/analyse")
        wait_for(lambda: len(driver.find_elements("css selector", "#exercise option")) > 5, 20, "the exercises")
        driver.find_element("id", "video-file").send_keys(str(sample))
        driver.find_element("css selector", "#exercise option[value='cobra']").click()
        driver.find_element("id", "analyse-btn").click()
        wait_for(lambda: driver.find_element("id", "progress-box").is_displayed(), 20, "the progress bar")
        wait_for(lambda: float(driver.find_element("id", "progress").get_attribute("value")) > 0, 60, "progress")
        wait_for(lambda: driver.find_element("id", "result").is_displayed(), 240, "the result")
        assert text_of(driver, "result-reps") == str(expected_reps)
        wait_for(
            lambda: driver.execute_script("return document.getElementById('annotated').readyState") >= 2,
            30,
            "the annotated video to load",
        )
        assert driver.execute_script("return document.getElementById('annotated').videoWidth") > 0
        driver.switch_to.frame("report-frame")
        wait_for(lambda: "Cobra" in driver.find_element("tag name", "h1").text, 20, "the report")
        driver.switch_to.default_content()
        driver.set_window_size(1280, 2600)  # the whole result page: summary, video, report
        driver.save_screenshot(str(shots / "analyse-result.png"))
        driver.get(f"{url}/history")
        wait_for(lambda: driver.find_elements("css selector", "#sessions tbody tr"), 20, "history rows")
        rows = [r.text for r in driver.find_elements("css selector", "#sessions tbody tr")]
        assert any("Cobra" in r and "uploaded" in r for r in rows)
        driver.find_element("css selector", "#trend-exercise option[value='cobra']").click()
        wait_for(
            lambda: driver.execute_script("return document.getElementById('trend').naturalWidth") > 0, 20, "the trend"
        )
        driver.set_window_size(1280, 1500)
        driver.save_screenshot(str(shots / "history.png"))
    finally:
        driver.quit()
    with History(history) as h:
        assert any(r.source_kind == "upload" and r.exercise == "cobra" for r in h.sessions())
