"""Headless Chromium for the web app's tests and benchmark: Debian's ``chromium`` and
``chromium-driver`` through Selenium, a fresh profile, no network beyond this machine,
and the fake camera fed with a Y4M file made here from a rendered sample."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import cv2
import numpy as np

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
Y4M_SIZE = (640, 480)  # what Chromium's fake camera delivers
ROOT = Path(__file__).resolve().parent.parent


def available() -> bool:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return False
    return Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()


def write_y4m(video: Path, target: Path, size: tuple[int, int] = Y4M_SIZE) -> Path:
    """The video as raw Y4M (4:2:0), the format Chromium's fake camera reads, scaled into
    ``size`` with grey bars: the fake camera delivers 4:3, and a picture stretched to fit
    would change the angles the exercises measure."""
    capture = cv2.VideoCapture(str(video))
    fps = capture.get(cv2.CAP_PROP_FPS) or 30.0
    with target.open("wb") as out:
        out.write(f"YUV4MPEG2 W{size[0]} H{size[1]} F{round(fps)}:1 Ip A1:1 C420jpeg\n".encode())
        while True:
            ok, image = capture.read()
            if not ok:
                break
            out.write(b"FRAME\n" + cv2.cvtColor(_letterbox(image, size), cv2.COLOR_BGR2YUV_I420).tobytes())
    capture.release()
    return target


def _letterbox(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    h, w = image.shape[:2]
    scale = min(size[0] / w, size[1] / h)
    scaled = cv2.resize(image, (round(w * scale), round(h * scale)))
    top, left = (size[1] - scaled.shape[0]) // 2, (size[0] - scaled.shape[1]) // 2
    bottom, right = size[1] - scaled.shape[0] - top, size[0] - scaled.shape[1] - left
    return cv2.copyMakeBorder(scaled, top, bottom, left, right, cv2.BORDER_CONSTANT, value=(128, 128, 128))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(history: Path, timeout_s: float = 30.0) -> Iterator[str]:
    """``formcheck serve`` in its own process on a free port; yields its URL. Its output
    goes to ``serve.log`` beside the history (a pipe nobody reads would stall it)."""
    port = free_port()
    log = history.parent / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "formcheck",
                "serve",
                "--no-browser",
                "--port",
                str(port),
                "--history",
                str(history),
            ],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"formcheck serve did not start: {log.read_text()}") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def browser(tmp_path: Path, *extra: str):
    """A fresh headless Chromium with no network beyond this machine."""
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        "--window-size=1280,800",
        "--autoplay-policy=no-user-gesture-required",
        *extra,
    ):
        options.add_argument(flag)
    service = webdriver.ChromeService(executable_path=CHROMEDRIVER)
    return webdriver.Chrome(options=options, service=service)


def text_of(driver, element_id: str) -> str:
    """The element's text (one script call: cheaper than WebDriver's rendered-text query)."""
    return driver.execute_script("return document.getElementById(arguments[0]).textContent", element_id).strip()


def wait_for(condition, timeout_s: float, what: str, poll_s: float = 0.25):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(poll_s)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")
