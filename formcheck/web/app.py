"""The web app: pages, the JSON API and the live WebSocket, on Starlette.

Everything is served from this package (``static/``); the Content-Security-Policy
allows only this origin, so the page can load nothing from the network. With a
``token`` (required when the server listens beyond localhost) every request and
WebSocket must carry it: as ``?token=`` once (a cookie then carries it) or the cookie.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import secrets
import shutil
import tempfile
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import cv2
import numpy as np
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from formcheck import __version__
from formcheck.core.ending import EndReason
from formcheck.core.errors import ExerciseError, FormcheckError
from formcheck.exercises.loader import exercise_ids, load_all, load_exercise
from formcheck.exercises.routine import DEFAULT_ROUTINE, RoutineStep, load_routine
from formcheck.history.adherence import adherence
from formcheck.history.store import History, SessionRecord, record_live_session
from formcheck.history.view import trend_plot_png
from formcheck.pose import PoseEstimator
from formcheck.reports.report import CAUTION, build_report
from formcheck.web.analyses import Analyses
from formcheck.web.coaching import Action, Phase, WebCoach, hello

STATIC = Path(__file__).parent / "static"
PAGES = {
    "/": "index.html",
    "/live": "live.html",
    "/routine": "live.html",
    "/analyse": "analyse.html",
    "/history": "history.html",
}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
    "connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)
# The HTML report is one self-contained file with inline styles and data: images.
REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'"
TOKEN_COOKIE = "formcheck_token"
MAX_COUNTDOWN_S = 30.0


@dataclass
class WebConfig:
    estimator_factory: Callable[[], PoseEstimator]
    history: Path | None  # None: nothing is recorded (--no-history)
    token: str | None = None  # required on every request when set
    max_upload_bytes: int = 500 * 1024 * 1024
    workdir: Path | None = None  # the private temporary folder; made by the app when None


def new_token() -> str:
    return secrets.token_urlsafe(18)


# -- middleware --------------------------------------------------------------------------
class Guard:
    """Security headers on every response; the token on every request when one is set."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token

    def _allowed(self, scope: Scope) -> tuple[bool, bool]:
        """(allowed, came in the query string: set the cookie)."""
        if self.token is None:
            return True, False
        query = dict(p.split("=", 1) for p in scope.get("query_string", b"").decode().split("&") if "=" in p)
        if secrets.compare_digest(query.get("token", ""), self.token):
            return True, True
        cookie = SimpleCookie()
        for name, value in scope.get("headers", []):
            if name == b"cookie":
                cookie.load(value.decode("latin-1"))
        held = cookie[TOKEN_COOKIE].value if TOKEN_COOKIE in cookie else ""
        return secrets.compare_digest(held, self.token), False

    @staticmethod
    def _cross_site(scope: Scope) -> bool:
        """A WebSocket or a POST/DELETE sent by a page of another origin (any web site the
        user has open could otherwise reach a server on localhost)."""
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            return False
        headers = dict(scope.get("headers", []))
        origin = headers.get(b"origin")
        return origin is not None and urlsplit(origin.decode("latin-1")).netloc != headers.get(b"host", b"").decode(
            "latin-1"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        allowed, set_cookie = self._allowed(scope)
        allowed = allowed and not self._cross_site(scope)
        if not allowed:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            await JSONResponse(
                {"error": "not allowed: another site's page, or no token (printed when the server started)"}, 403
            )(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", CSP.encode()))
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
                if set_cookie:
                    headers.append(
                        (b"set-cookie", f"{TOKEN_COOKIE}={self.token}; HttpOnly; SameSite=Strict; Path=/".encode())
                    )
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


# -- helpers -----------------------------------------------------------------------------
def _error(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": " ".join(message.splitlines())}, status)


def _config(request: Request | WebSocket) -> WebConfig:
    return request.app.state.config


def _records(config: WebConfig, exercise: str | None = None, since: datetime | None = None) -> list[SessionRecord]:
    if config.history is None or not config.history.exists():
        return []  # never create a database just to read it
    with History(config.history) as history:
        return history.sessions(exercise, since)


def _record_json(r: SessionRecord) -> dict[str, Any]:
    return {
        "id": r.id,
        "started_at": r.started_at.isoformat(),
        "exercise": r.exercise,
        "routine": r.routine,
        "source": Path(r.source).name if r.source_kind in ("file", "track") else r.source,
        "kind": r.source_kind,
        "duration_s": r.duration_s,
        "reps": r.reps,
        "reps_left": r.reps_left,
        "reps_right": r.reps_right,
        "rep_target": r.rep_target,
        "holds": r.holds,
        "holds_completed": r.holds_completed,
        "hold_s": r.hold_s,
        "hold_target_s": r.hold_target_s,
        "faults": r.faults,
        "fault_counts": dict(r.fault_counts),
    }


def _exercise_json(step: RoutineStep) -> dict[str, Any]:
    ex = step.exercise
    return {
        "id": ex.id,
        "name": ex.name,
        "summary": ex.summary,
        "sides": ex.sides,
        "target": ex.rep.target if ex.rep else None,
        "hold_target_s": ex.hold.target_s if ex.hold else None,
        "frequency": ex.frequency,
        "camera": ex.setup.camera,
        "instructions": list(ex.instructions),
        "not_measured": list(ex.not_measured),
    }


# -- API ---------------------------------------------------------------------------------
async def health(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok", "version": __version__})


async def exercises(request: Request) -> JSONResponse:
    return JSONResponse(
        [_exercise_json(RoutineStep(ex, (ex.rep.target if ex.rep else None) or 1)) for ex in load_all()]
    )


async def routine(request: Request) -> JSONResponse:
    try:
        r = load_routine(request.query_params.get("name", DEFAULT_ROUTINE))
    except FormcheckError as exc:
        return _error(str(exc), 404)
    return JSONResponse(
        {
            "name": r.name,
            "frequency": r.frequency,
            "note": r.note,
            "skipped": r.skipped,
            "caution": CAUTION,
            "steps": [{**_exercise_json(s), "reps": s.reps} for s in r.steps],
        }
    )


async def today(request: Request) -> JSONResponse:
    """Today's sessions against each routine exercise's prescription, and its streak."""
    config = _config(request)
    records = _records(config)
    day = date.today()
    rows = []
    for step in load_routine(DEFAULT_ROUTINE).steps:
        ex, per_day = step.exercise, step.exercise.per_day
        done = sum(r.did_exercise for r in records if r.exercise == ex.id and r.started_at.astimezone().date() == day)
        a = adherence(records, ex.id, per_day, day, 365) if per_day else None
        rows.append(
            {
                "exercise": ex.id,
                "name": ex.name,
                "sessions": done,
                "count": a.days[-1].count if a else done,  # today's, in the unit below
                "unit": per_day.unit if per_day else "sessions",
                "per_day": per_day.target if per_day else None,
                "streak": a.streak if a else None,
            }
        )
    return JSONResponse({"date": day.isoformat(), "history": config.history is not None, "exercises": rows})


async def sessions(request: Request) -> JSONResponse:
    q = request.query_params
    since = None
    if q.get("days"):
        try:
            since = datetime.combine(
                date.today() - timedelta(days=int(q["days"]) - 1), datetime.min.time()
            ).astimezone()
        except ValueError:
            return _error("days: expected a whole number of days")
    records = _records(_config(request), q.get("exercise") or None, since)
    if q.get("kind"):
        records = [r for r in records if r.source_kind == q["kind"]]
    return JSONResponse([_record_json(r) for r in records])


async def delete_session(request: Request) -> JSONResponse:
    config = _config(request)
    if config.history is None or not config.history.exists():
        return _error("no such session", 404)
    try:
        session_id = int(request.path_params["id"])
    except ValueError:
        return _error("no such session", 404)
    with History(config.history) as history:
        if not history.delete(session_id):
            return _error("no such session", 404)
    return JSONResponse({"deleted": session_id})


async def adherence_view(request: Request) -> JSONResponse:
    """Per exercise with sessions and a daily prescription: the last ``days`` days, and the streak."""
    try:
        days = max(1, min(int(request.query_params.get("days", "28")), 366))
    except ValueError:
        return _error("days: expected a whole number of days")
    records = _records(_config(request))
    day = date.today()
    out = []
    for exercise in sorted({r.exercise for r in records}):
        try:
            spec = load_exercise(exercise)
        except ExerciseError:
            continue  # since removed: no prescription to check against
        if spec.per_day is None:
            continue
        a = adherence(records, exercise, spec.per_day, day, days)
        out.append(
            {
                "exercise": exercise,
                "per_day": spec.per_day.target,
                "unit": spec.per_day.unit,
                "frequency": spec.frequency,
                "streak": a.streak,
                "days": [{"day": d.day.isoformat(), "count": d.count, "met": d.met} for d in a.days],
            }
        )
    return JSONResponse(out)


async def trend(request: Request) -> Response:
    exercise = request.path_params["exercise"]
    records = _records(_config(request), exercise)
    png = await asyncio.to_thread(trend_plot_png, records, exercise)
    return Response(png, media_type="image/png", headers={"cache-control": "no-store"})


async def post_analysis(request: Request) -> JSONResponse:
    config = _config(request)
    jobs: Analyses = request.app.state.analyses
    length = request.headers.get("content-length")
    if length is None:
        return _error("the upload must say its size (Content-Length)", 411)
    if int(length) > config.max_upload_bytes:
        return _error(
            f"the video is larger than the upload limit of {config.max_upload_bytes // (1024 * 1024)} MB", 413
        )
    form = await request.form(max_files=1, max_fields=5)
    try:
        video, exercise_id = form.get("video"), form.get("exercise")
        if not isinstance(video, UploadFile) or not video.filename:
            return _error("choose a video file to upload")
        if not isinstance(exercise_id, str) or not exercise_id:
            return _error("choose the exercise")
        if exercise_id not in exercise_ids():  # ids only: never a path on the server
            return _error(f"unknown exercise {exercise_id!r}; see /api/exercises")
        exercise = load_exercise(exercise_id)
        job = jobs.new_job(exercise, video.filename, form.get("keep") == "1", form.get("mirrored") == "1")
        with job.upload.open("wb") as out:
            while chunk := await video.read(1 << 20):
                out.write(chunk)
    finally:
        await form.close()
    jobs.submit(job)
    return JSONResponse({"id": job.id}, 202)


def _job(request: Request):
    return request.app.state.analyses.jobs.get(request.path_params["id"])


async def get_analysis(request: Request) -> JSONResponse:
    job = _job(request)
    if job is None:
        return _error("no such analysis", 404)
    return JSONResponse(job.as_json())


async def analysis_file(request: Request) -> Response:
    job = _job(request)
    name = request.path_params["name"]
    if job is None or name not in job.files:
        return _error("no such file", 404)
    headers = {"content-security-policy": REPORT_CSP} if name == "report.html" else {}
    download = name in ("report.json", "frames.csv")
    stem = Path(job.name).stem
    filename = f"{stem}-{name}" if download else None
    return FileResponse(
        job.files[name],
        headers=headers,
        filename=filename,
        content_disposition_type="attachment" if download else "inline",
    )


# -- live --------------------------------------------------------------------------------
def _steps(query: dict[str, str], local: bool) -> tuple[list[RoutineStep], str | None]:
    """The steps asked for: ``exercise=ID`` or ``routine=NAME`` (a routine file's path
    only on a local server: a LAN client must not name files on this machine)."""
    if "routine" in query:
        name = query["routine"] or DEFAULT_ROUTINE
        if not local and (name.endswith(".toml") or "/" in name):
            raise ExerciseError("routine: give a bundled routine's name")
        r = load_routine(name)
        return r.steps, r.name
    exercise_id = query.get("exercise", "")
    if exercise_id not in exercise_ids():  # ids only: never a path on the server
        raise ExerciseError(f"unknown exercise {exercise_id!r}; see /api/exercises")
    exercise = load_exercise(exercise_id)
    return [RoutineStep(exercise, (exercise.rep.target if exercise.rep else None) or 1)], None


class NewestFrame:
    """One slot: a frame that arrives before the last was taken replaces it (dropped)."""

    def __init__(self) -> None:
        self.item: tuple[float, bytes] | None = None
        self.received = 0
        self.dropped = 0

    def put(self, client_ms: float, jpeg: bytes) -> None:
        self.received += 1
        if self.item is not None:
            self.dropped += 1
        self.item = (client_ms, jpeg)

    def take(self) -> tuple[float, bytes] | None:
        item, self.item = self.item, None
        return item


def _decode(jpeg: bytes) -> np.ndarray | None:
    return cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR) if jpeg else None


def _summary(coach: WebCoach, recorded: list[int | None]) -> dict[str, Any]:
    steps = []
    for run, history_id in zip(coach.results, recorded):
        report = build_report(run.session)
        steps.append(
            {
                "exercise": run.step.exercise.id,
                "name": run.step.exercise.name,
                "counts": dict(run.session.counts) or {"total": 0},
                "target": run.step.reps,
                "target_met": run.target_met,
                "ended_by": run.ended_by,
                "holds": [h.duration_s for h in report.holds],
                "hold_target_s": run.step.exercise.hold.target_s if run.step.exercise.hold else None,
                "faults": sorted({f.message for f in report.faults}),
                "duration_s": report.duration_s,
                "history_id": history_id,
            }
        )
    return {"type": "summary", "steps": steps, "caution": CAUTION}


async def live_socket(websocket: WebSocket) -> None:
    """The live protocol (README, "Web app"): JPEG frames in, state messages out."""
    config = _config(websocket)
    query = dict(websocket.query_params)
    await websocket.accept()
    try:
        steps, routine_name = _steps(query, config.token is None)
        countdown = float(query.get("countdown", "3"))
        if not (0 <= countdown <= MAX_COUNTDOWN_S) or math.isnan(countdown):
            raise ValueError
    except FormcheckError as exc:
        await websocket.send_json({"type": "error", "error": " ".join(str(exc).splitlines())})
        await websocket.close()
        return
    except ValueError:
        await websocket.send_json(
            {"type": "error", "error": f"countdown: expected seconds from 0 to {MAX_COUNTDOWN_S:g}"}
        )
        await websocket.close()
        return
    await websocket.send_json(hello(steps, routine_name))
    estimator = await asyncio.to_thread(config.estimator_factory)
    slot, controls, wake = NewestFrame(), deque[Action](), asyncio.Event()
    closed = False
    first_ms: float | None = None
    last_t = 0.0

    async def receive() -> None:
        nonlocal closed
        try:
            while True:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                data = message.get("bytes")
                if data is not None and len(data) > 8:
                    slot.put(float(np.frombuffer(data[:8], "<f8")[0]), data[8:])
                elif message.get("text"):
                    try:
                        controls.append(Action(json.loads(message["text"]).get("action")))
                    except (ValueError, AttributeError):
                        pass  # an unknown control is ignored, as an unknown key would be
                wake.set()
        except WebSocketDisconnect:
            pass
        finally:
            closed = True
            wake.set()

    receiver = asyncio.create_task(receive())
    coach: WebCoach | None = None
    try:
        while not closed:
            await wake.wait()
            wake.clear()
            while controls and coach is not None:
                coach.control(controls.popleft())
            if controls and Action.FINISH in controls:
                break  # finished before any frame came
            if coach is not None and coach.phase is Phase.DONE:
                break
            item = slot.take()
            if item is None:
                continue
            client_ms, jpeg = item
            image = await asyncio.to_thread(_decode, jpeg)
            if image is None or not math.isfinite(client_ms):
                continue
            # Frame time: when the page grabbed it, on the page's monotonic clock.
            first_ms = client_ms if first_ms is None else first_ms
            last_t = t = max(last_t, (client_ms - first_ms) / 1000.0)
            if coach is None:
                coach = WebCoach(
                    steps, estimator, (image.shape[1], image.shape[0]), countdown, routine_name is not None
                )
            started = time.perf_counter()
            state = await asyncio.to_thread(coach.frame, image, t)
            infer_ms = round((time.perf_counter() - started) * 1000.0, 1)
            state.update(
                {"client_ms": client_ms, "infer_ms": infer_ms, "received": slot.received, "dropped": slot.dropped}
            )
            try:
                await websocket.send_json(state)
            except WebSocketDisconnect:  # the page went away between two frames
                closed = True
                break
            if coach.phase is Phase.DONE:
                break
            if slot.item is not None:
                wake.set()
    finally:
        results = coach.finish(EndReason.CLOSED if closed else EndReason.FINISH) if coach is not None else []
        recorded = [
            await asyncio.to_thread(record_live_session, r.session, config.history, "camera", routine_name)
            if config.history is not None
            else None
            for r in results
        ]
        if not closed and coach is not None:
            await websocket.send_json(_summary(coach, recorded))
        receiver.cancel()
        await asyncio.to_thread(estimator.close)
        if not closed:
            await websocket.close()


# -- the app -----------------------------------------------------------------------------
def _page(name: str) -> Callable[[Request], Any]:
    async def page(request: Request) -> FileResponse:
        return FileResponse(STATIC / name, headers={"cache-control": "no-cache"})

    return page


def create_app(config: WebConfig) -> Starlette:
    """The ASGI app; ``app.state.analyses`` holds the upload jobs. A private temporary
    folder made here (mode 0700) is removed when the app stops."""
    own_workdir = config.workdir is None
    workdir = config.workdir or Path(tempfile.mkdtemp(prefix="formcheck-web-"))
    keep_dir = (config.history.parent if config.history is not None else workdir) / "uploads"
    analyses = Analyses(workdir, config.estimator_factory, config.history, keep_dir)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        analyses.close()
        if own_workdir:
            shutil.rmtree(workdir, ignore_errors=True)

    routes = [Route(path, _page(name)) for path, name in PAGES.items()] + [
        Route("/api/health", health),
        Route("/api/exercises", exercises),
        Route("/api/routine", routine),
        Route("/api/today", today),
        Route("/api/sessions", sessions),
        Route("/api/sessions/{id}", delete_session, methods=["DELETE"]),
        Route("/api/adherence", adherence_view),
        Route("/api/trends/{exercise}.png", trend),
        Route("/api/analyses", post_analysis, methods=["POST"]),
        Route("/api/analyses/{id}", get_analysis),
        Route("/api/analyses/{id}/{name}", analysis_file),
        WebSocketRoute("/ws/live", live_socket),
        Mount("/static", StaticFiles(directory=STATIC)),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(Guard, token=config.token)], lifespan=lifespan)
    app.state.config = config
    app.state.analyses = analyses
    return app
