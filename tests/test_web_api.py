"""The web app's API, in-process (Starlette's TestClient): pages and their security
headers, the token, uploads analysed as ``formcheck analyze`` does, the history, and the
live WebSocket driven frame by frame with the ``track`` fake pose backend."""

from __future__ import annotations

import json
import socket
import struct
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from formcheck import __version__
from formcheck.history.store import History
from formcheck.pose import BACKENDS
from formcheck.web.app import NewestFrame, WebConfig, create_app
from tests.fakes import TrackEstimator, textured_frame, track_backend, two_bridges, write_clip
from tests.test_cli import cli

JPEG = cv2.imencode(".jpg", textured_frame(np.random.default_rng(3)))[1].tobytes()


@pytest.fixture
def track(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """2 bridges; the ``track`` backend answers with its poses (for the CLI runs compared with)."""
    monkeypatch.setitem(BACKENDS, "track", track_backend)
    return two_bridges(tmp_path / "track.npz", rest_s=0.6)


def make_client(track, history: Path | None, **config) -> TestClient:
    app = create_app(WebConfig(lambda: TrackEstimator(track), history, **config))
    return TestClient(app, base_url="http://127.0.0.1:8750")


@pytest.fixture
def client(track, history_db):
    with make_client(track, history_db) as c:
        yield c


def test_health_exercises_and_pages_with_a_strict_csp(client):
    assert client.get("/api/health").json() == {"status": "ok", "version": __version__}
    exercises = {e["id"]: e for e in client.get("/api/exercises").json()}
    assert exercises["bridge"]["target"] == 10 and exercises["knee_to_chest"]["sides"] == "each"
    for path in ("/", "/live", "/routine", "/analyse", "/history", "/static/live.js", "/static/style.css"):
        r = client.get(path)
        assert r.status_code == 200, path
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe" not in csp
    page = client.get("/live").text
    assert 'id="rep-count"' in page and 'id="hold-s"' in page
    for path in ("/", "/live", "/analyse", "/history"):  # nothing from another origin
        assert "http" not in client.get(path).text.replace('href="/', "")


def test_token_guards_every_request_and_the_websocket(track, history_db):
    with make_client(track, history_db, token="s3cret") as c:
        assert c.get("/api/health").status_code == 403
        assert c.get("/", params={"token": "wrong"}).status_code == 403
        r = c.get("/", params={"token": "s3cret"})
        assert r.status_code == 200 and "formcheck_token=s3cret" in r.headers["set-cookie"]
        assert c.get("/api/health").status_code == 200  # the cookie carries it now
        c.cookies.clear()
        with pytest.raises(WebSocketDisconnect), c.websocket_connect("/ws/live?exercise=bridge") as ws:
            ws.receive_json()
        with c.websocket_connect("/ws/live?exercise=bridge&token=s3cret") as ws:
            assert ws.receive_json()["type"] == "hello"


def test_other_sites_pages_cannot_use_the_server(client):
    """A web page of another origin must not reach the live socket or post and delete."""
    evil = {"origin": "http://evil.example"}
    assert client.delete("/api/sessions/1", headers=evil).status_code == 403
    assert client.post("/api/analyses", headers=evil, files={"video": ("a.mp4", b"x")}).status_code == 403
    with pytest.raises(WebSocketDisconnect), client.websocket_connect("/ws/live?exercise=bridge", headers=evil) as ws:
        ws.receive_json()
    with client.websocket_connect("/ws/live?exercise=bridge", headers={"origin": "http://testserver"}) as ws:
        assert ws.receive_json()["type"] == "hello"


def wait_done(client: TestClient, job_id: str, timeout_s: float = 300.0) -> dict:
    """Poll until the analysis ends (generous: the machine may be shared)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = client.get(f"/api/analyses/{job_id}").json()
        assert 0.0 <= job["progress"] <= 1.0
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError("the analysis did not finish")


def test_upload_gives_the_cli_report_and_files_and_a_history_row(tmp_path, client, history_db, track):
    clip = write_clip(tmp_path / "clip.mp4", len(track.t))
    with clip.open("rb") as f:
        r = client.post("/api/analyses", data={"exercise": "bridge"}, files={"video": ("my clip.mp4", f, "video/mp4")})
    assert r.status_code == 202
    job = wait_done(client, r.json()["id"])
    assert job["status"] == "done" and job["progress"] == 1.0
    report = job["report"]
    code, _, err = cli(
        "analyze",
        str(clip),
        "-e",
        "bridge",
        "--report",
        str(tmp_path / "cli.json"),
        "--no-history",
        "--backend",
        "track",
        "--model",
        str(tmp_path / "track.npz"),
    )
    assert code == 0, err
    expected = json.loads((tmp_path / "cli.json").read_text())
    for key in ("rep_count", "reps", "holds", "faults", "not_counted", "frames", "duration_s"):
        assert report[key] == expected[key], key
    assert report["rep_count"] == 2 and report["source"] == "my clip.mp4"
    files = job["files"]
    assert client.get(files["report.json"]).json()["rep_count"] == 2
    html = client.get(files["report.html"])
    assert "Bridge" in html.text and html.headers["content-security-policy"].startswith("default-src 'none'")
    assert client.get(files["frames.csv"]).text.startswith("time_s,has_pose")
    video = client.get(files["video.webm"]).content
    assert video[:4] == b"\x1a\x45\xdf\xa3"  # a WebM (Matroska) file, which browsers play
    assert not any(Path(client.app.state.analyses.jobs[job["id"]].folder).glob("my clip.mp4"))  # upload deleted
    (row,) = client.get("/api/sessions").json()
    assert (row["exercise"], row["kind"], row["reps"], row["source"]) == ("bridge", "upload", 2, "my clip.mp4")
    assert client.get("/api/sessions", params={"kind": "camera"}).json() == []
    assert client.get("/api/trends/bridge.png").content[:4] == b"\x89PNG"
    assert client.delete(f"/api/sessions/{row['id']}").json() == {"deleted": row["id"]}
    assert client.delete(f"/api/sessions/{row['id']}").status_code == 404
    assert client.get("/api/sessions").json() == []


def test_kept_upload_is_moved_beside_the_history(tmp_path, client, history_db, track):
    clip = write_clip(tmp_path / "clip.mp4", len(track.t))
    with clip.open("rb") as f:
        r = client.post("/api/analyses", data={"exercise": "bridge", "keep": "1"}, files={"video": ("c.mp4", f)})
    job = wait_done(client, r.json()["id"])
    kept = Path(job["kept_as"])
    assert kept.parent == history_db.parent / "uploads" and kept.read_bytes() == clip.read_bytes()


def test_bad_uploads_fail_with_the_cli_message(tmp_path, track, history_db, monkeypatch):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a video\n")
    monkeypatch.chdir(tmp_path)
    code, _, err = cli("analyze", "notes.txt", "-e", "bridge", "--no-history")
    cli_message = err.strip().removeprefix("formcheck: error: ")
    assert code == 3 and cli_message
    with make_client(track, history_db, max_upload_bytes=20_000) as c:
        r = c.post("/api/analyses", data={"exercise": "bridge"}, files={"video": ("notes.txt", b"not a video\n")})
        job = wait_done(c, r.json()["id"])
        assert (job["status"], job["error"]) == ("failed", cli_message)
        r = c.post("/api/analyses", data={"exercise": "bridge"}, files={"video": ("big.mp4", b"x" * 30_000)})
        assert r.status_code == 413 and "upload limit" in r.json()["error"]
        r = c.post("/api/analyses", data={"exercise": "../../etc/x"}, files={"video": ("a.mp4", b"x")})
        assert r.status_code == 400 and "unknown exercise" in r.json()["error"]
        assert c.get("/api/analyses/nope").status_code == 404
    assert not history_db.exists()


def frame_message(i: int, fps: float = 30.0) -> bytes:
    return struct.pack("<d", i * 1000.0 / fps) + JPEG


def run_live(ws, frames: int, until=None) -> list[dict]:
    """Send frames one at a time (each answered before the next), as a camera at 30 fps."""
    states = []
    for i in range(frames):
        ws.send_bytes(frame_message(i))
        states.append(ws.receive_json())
        if until is not None and until(states[-1]):
            break
    return states


def test_live_socket_counts_reps_and_records_the_session(client, history_db, track):
    with client.websocket_connect("/ws/live?exercise=bridge&countdown=0") as ws:
        first = ws.receive_json()
        assert (
            first["type"] == "hello" and first["steps"][0]["exercise"] == "bridge" and "sharp pain" in first["caution"]
        )
        states = run_live(ws, len(track.t))
        assert states[-1]["phase"] == "counting"
        assert states[-1]["counts"] == {"total": 2}
        assert any(s["landmarks"] for s in states) and any(s["hold_s"] > 1.5 for s in states)
        assert "1" in sum((s["cues"] for s in states), []) and "Go" in sum((s["cues"] for s in states), [])
        ws.send_text(json.dumps({"action": "finish"}))
        summary = ws.receive_json()
    assert summary["type"] == "summary"
    (step,) = summary["steps"]
    assert step["counts"] == {"total": 2} and step["ended_by"] == "finish" and step["history_id"] is not None
    with History(history_db) as h:
        (row,) = h.sessions()
    assert (row.exercise, row.reps, row.source_kind, row.source) == ("bridge", 2, "camera", "browser camera")


def test_pause_stops_counting_and_reset_starts_again(client, track):
    with client.websocket_connect("/ws/live?exercise=bridge&countdown=1") as ws:
        ws.receive_json()
        states = run_live(ws, 60)
        assert states[0]["phase"] == "setup" and states[0]["countdown"] == 1 and states[-1]["phase"] == "counting"
        ws.send_text(json.dumps({"action": "pause"}))
        ws.send_bytes(frame_message(60))
        assert ws.receive_json()["phase"] == "paused"
        ws.send_text(json.dumps({"action": "pause"}))
        ws.send_text(json.dumps({"action": "reset"}))
        ws.send_bytes(frame_message(61))
        again = ws.receive_json()
        assert (again["phase"], again["countdown"]) == ("setup", 1)


def test_routine_moves_on_at_the_target(tmp_path, client, history_db, track):
    routine = tmp_path / "r.toml"
    routine.write_text('name = "Test"\n[[exercise]]\nid = "bridge"\nreps = 1\n[[exercise]]\nid = "knee_to_chest"\n')
    with client.websocket_connect(f"/ws/live?routine={routine}&countdown=0") as ws:
        hello = ws.receive_json()
        assert [s["exercise"] for s in hello["steps"]] == ["bridge", "knee_to_chest"]
        states = run_live(ws, len(track.t), until=lambda s: s["step"] == 1)
        assert states[-1]["step"] == 1 and "Well done" in states[-1]["cues"]
        ws.send_text(json.dumps({"action": "next"}))
        summary = ws.receive_json()
    assert [(s["exercise"], s["target_met"], s["ended_by"]) for s in summary["steps"]] == [
        ("bridge", True, "target"),
        ("knee_to_chest", False, "next"),
    ]
    with History(history_db) as h:
        assert [r.routine for r in h.sessions()] == ["Test"]  # knee to chest never began counting


def test_bad_live_request_is_one_error_message(client):
    with client.websocket_connect("/ws/live?exercise=no_such") as ws:
        message = ws.receive_json()
    assert message["type"] == "error" and "no_such" in message["error"]


def test_newest_frame_only():
    slot = NewestFrame()
    for i in range(3):
        slot.put(float(i), b"jpeg%d" % i)
    assert slot.take() == (2.0, b"jpeg2") and slot.take() is None
    assert (slot.received, slot.dropped) == (3, 2)


def test_serve_refuses_a_port_in_use_in_one_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, err = cli("serve", "--no-browser", "--port", str(port))
    assert code == 2 and err.startswith("formcheck: error: cannot listen on 127.0.0.1:") and err.count("\n") == 1
    code, _, err = cli("serve", "--no-browser", "--port", "70000")
    assert code == 2 and "--port must be from 1 to 65535" in err
