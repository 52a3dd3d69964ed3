// Live coaching in the browser. The camera picture is drawn here with the overlay; frames
// go to formcheck's engine over a WebSocket on this machine, which answers each frame it
// processed with the state (it processes only the newest frame). Protocol: README, "Web app".
"use strict";

const JPEG_QUALITY = 0.8;
const MAX_WIDTH = 640; // the pose model sees 256 px; more only costs encoding time
const SEND_FPS = 30;

const params = new URLSearchParams(location.search);
const isRoutine = location.pathname === "/routine";
const $ = (id) => document.getElementById(id);
const view = $("view"), ctx = view.getContext("2d"), video = $("camera");
const grab = document.createElement("canvas"), grabCtx = grab.getContext("2d");
const RING = 2 * Math.PI * 50;

let ws = null, stream = null, hello = null, state = null, step = -1, finished = false;
let muted = params.get("mute") === "1", encoding = false, sendTimer = null;
let recorder = null, recordedChunks = [], recordingUrl = null;
const delays = []; // the last 60 frames' delays, for the stats line
// Every answered frame as [page time ms, delay ms, server inference ms], and frames the page
// did not send because the previous one was still being encoded or sent: read by
// benchmarks/web_latency.py.
window.formcheckTimings = { frames: [], skipped: 0, dropped: 0, received: 0 };

function socketUrl() {
  const q = new URLSearchParams();
  if (isRoutine) q.set("routine", params.get("routine") || "");
  else q.set("exercise", params.get("exercise") || "");
  if (params.has("countdown")) q.set("countdown", params.get("countdown"));
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/live?${q}`;
}

function say(texts) {
  if (muted || !("speechSynthesis" in window) || !texts.length) return;
  if (speechSynthesis.pending) speechSynthesis.cancel(); // a late cue would be wrong: keep only the newest
  speechSynthesis.speak(new SpeechSynthesisUtterance(texts[texts.length - 1]));
}

function showCard(i) {
  const s = hello.steps[i];
  $("card-title").textContent = isRoutine ? `${i + 1} of ${hello.steps.length}: ${s.name}` : s.name;
  const body = $("card-body");
  body.replaceChildren(
    el("ol", {}, s.intro.filter((l) => /^\d+\. /.test(l)).map((l) => el("li", {}, l.replace(/^\d+\. /, "")))),
    ...s.intro.filter((l) => !/^\d+\. /.test(l)).map((l) => el("p", {}, l)),
    el("p", {}, el("strong", {}, "Camera: "), s.camera.join(" ")));
  $("card").hidden = false;
  $("exercise-name").textContent = s.name;
  $("rep-target").textContent = s.activity ? "" : `/ ${s.target}${s.sides === "each" ? " each side" : ""}`;
  $("hold").hidden = !s.hold_target_s;
  $("hold-target").textContent = s.hold_target_s ?? "-";
  $("side-counts").hidden = s.sides !== "each";
  $("next").textContent = isRoutine && i + 1 < hello.steps.length ? "Next" : "Next: finish";
}

function onHello(message) {
  hello = message;
  $("card-caution").textContent = message.caution;
  if (isRoutine && message.routine) document.title = `formcheck: ${message.routine}`;
  step = 0;
  showCard(0);
  $("start").hidden = true;
}

function onState(s) {
  state = s;
  if (s.step !== step) { step = s.step; showCard(step); }
  say(s.cues || []);
  const counting = s.phase === "counting";
  $("card").hidden = counting || s.phase === "paused" || !hello;
  $("countdown").hidden = !s.countdown;
  $("countdown").textContent = s.countdown || "";
  $("phase").textContent = { setup: "Set-up check", counting: "Counting", paused: "Paused", done: "Done" }[s.phase]
    + (counting && s.engine_phase === "position" ? ": in position" : "");
  $("pause").textContent = s.phase === "paused" ? "Resume" : "Pause";
  if (s.counts) {
    const total = Object.values(s.counts).reduce((a, b) => a + b, 0);
    $("rep-count").textContent = s.active_s !== null && s.active_s !== undefined ? fmtSeconds(s.active_s) : String(total);
    $("side-counts").textContent = `L ${s.counts.left ?? 0}   R ${s.counts.right ?? 0}`;
    $("message").textContent = s.message || "";
    const target = s.hold_target_s || 0;
    $("hold-s").textContent = (s.hold_s || 0).toFixed(1);
    const frac = target ? Math.min((s.hold_s || 0) / target, 1) : 0;
    $("hold-ring").setAttribute("stroke-dashoffset", String(RING * (1 - frac)));
    $("hold").classList.toggle("done", frac >= 1);
  }
  if (s.client_ms) {
    const now = performance.now();
    delays.push(now - s.client_ms);
    Object.assign(window.formcheckTimings, { dropped: s.dropped, received: s.received });
    window.formcheckTimings.frames.push([now, now - s.client_ms, s.infer_ms]);
    if (delays.length > 60) delays.shift();
    const sorted = [...delays].sort((a, b) => a - b);
    $("stats").textContent = `delay ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms, frames dropped ${s.dropped} of ${s.received}`;
  }
}

function onSummary(message) {
  finished = true;
  stopCamera();
  const box = $("summary");
  const rows = message.steps.map((r) => el("tr", {},
    el("td", {}, r.name),
    el("td", { class: "num" }, countsText(r.counts)),
    el("td", { class: "num" }, `${r.target}${r.target_met ? " ✓" : ""}`),
    el("td", {}, r.holds.length ? r.holds.map((h) => `${h.toFixed(1)} s`).join(", ") + (r.hold_target_s ? ` (target ${r.hold_target_s} s)` : "") : "-"),
    el("td", {}, r.faults.join(" ") || "-")));
  const total = message.steps.reduce((a, r) => a + Object.values(r.counts).reduce((x, y) => x + y, 0), 0);
  const stored = message.steps.some((r) => r.history_id !== null);
  box.replaceChildren(
    el("h2", {}, "Well done: session summary"),
    el("p", { class: "big", id: "summary-reps" }, `${total} rep${total === 1 ? "" : "s"}`),
    el("table", {}, el("tr", {}, ["Exercise", "Reps", "Target", "Holds", "To work on"].map((h) => el("th", {}, h))), rows),
    el("p", { id: "summary-history" }, stored ? "Saved in your history." : "Not saved in the history (nothing was counted, or the history is off)."),
    recordingUrl ? el("p", {}, el("a", { class: "button", href: recordingUrl, download: "formcheck-session.webm" }, "Save the recording")) : "",
    el("p", { class: "caution" }, message.caution),
    el("p", {}, el("a", { class: "button", href: "/" }, "Home"), " ", el("a", { class: "button secondary", href: "/history" }, "History")));
  box.hidden = false;
  $("card").hidden = true;
  $("countdown").hidden = true;
  for (const id of ["pause", "reset", "next", "finish", "record"]) $(id).disabled = true;
}

function draw() {
  if (video.readyState >= 2) {
    if (view.width !== video.videoWidth) { view.width = video.videoWidth; view.height = video.videoHeight; }
    ctx.drawImage(video, 0, 0, view.width, view.height);
    const marks = state && state.landmarks;
    if (marks && hello) {
      ctx.lineWidth = Math.max(3, view.width / 200);
      ctx.strokeStyle = "#5ac8ff";
      for (const [a, b] of hello.skeleton) {
        if (marks[a][2] < 0.5 || marks[b][2] < 0.5) continue;
        ctx.beginPath();
        ctx.moveTo(marks[a][0] * view.width, marks[a][1] * view.height);
        ctx.lineTo(marks[b][0] * view.width, marks[b][1] * view.height);
        ctx.stroke();
      }
      ctx.fillStyle = "#ffffff";
      for (const [x, y, v] of marks) {
        if (v < 0.5) continue;
        ctx.beginPath();
        ctx.arc(x * view.width, y * view.height, ctx.lineWidth + 1, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
  }
  if (!finished) requestAnimationFrame(draw);
}

function sendFrame() {
  if (!ws || ws.readyState !== WebSocket.OPEN || video.readyState < 2) return;
  if (encoding || ws.bufferedAmount > 0) { window.formcheckTimings.skipped++; return; }
  const scale = Math.min(1, MAX_WIDTH / video.videoWidth);
  grab.width = Math.round(video.videoWidth * scale);
  grab.height = Math.round(video.videoHeight * scale);
  const stamp = performance.now();
  grabCtx.drawImage(video, 0, 0, grab.width, grab.height);
  encoding = true;
  grab.toBlob(async (blob) => {
    encoding = false;
    if (!blob || !ws || ws.readyState !== WebSocket.OPEN) return;
    const jpeg = new Uint8Array(await blob.arrayBuffer());
    const message = new Uint8Array(8 + jpeg.length);
    new DataView(message.buffer).setFloat64(0, stamp, true);
    message.set(jpeg, 8);
    ws.send(message);
  }, "image/jpeg", JPEG_QUALITY);
}

function control(action) {
  if (ws && ws.readyState === WebSocket.OPEN && !finished) ws.send(JSON.stringify({ action }));
}

function stopCamera() {
  clearInterval(sendTimer);
  if (recorder && recorder.state !== "inactive") recorder.stop();
  if (stream) for (const track of stream.getTracks()) track.stop();
}

function toggleRecord() {
  if (recorder && recorder.state === "recording") {
    recorder.stop();
    return;
  }
  recordedChunks = [];
  recorder = new MediaRecorder(view.captureStream(SEND_FPS), { mimeType: "video/webm" });
  recorder.ondataavailable = (e) => { if (e.data.size) recordedChunks.push(e.data); };
  recorder.onstop = () => {
    recordingUrl = URL.createObjectURL(new Blob(recordedChunks, { type: "video/webm" }));
    $("record").textContent = "Record";
    $("record").classList.remove("recording");
  };
  recorder.start(1000);
  $("record").textContent = "● Stop recording";
  $("record").classList.add("recording");
}

async function start() {
  $("start").disabled = true;
  $("phase").textContent = "Opening the camera...";
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
  } catch (e) {
    $("phase").textContent = `The camera cannot be opened: ${e.message}. Allow the camera for this page, or close other programs using it.`;
    $("start").disabled = false;
    return;
  }
  video.srcObject = stream;
  await video.play();
  requestAnimationFrame(draw);
  ws = new WebSocket(socketUrl());
  ws.binaryType = "arraybuffer";
  ws.onmessage = (e) => {
    const m = JSON.parse(e.data);
    if (m.type === "hello") onHello(m);
    else if (m.type === "state") onState(m);
    else if (m.type === "summary") onSummary(m);
    else if (m.type === "error") { $("phase").textContent = m.error; $("phase").classList.add("error"); stopCamera(); }
  };
  ws.onclose = () => { if (!finished) { $("phase").textContent = "The connection to formcheck closed."; stopCamera(); } };
  ws.onopen = () => {
    sendTimer = setInterval(sendFrame, 1000 / SEND_FPS);
    for (const id of ["pause", "reset", "next", "finish", "record"]) $(id).disabled = false;
    $("phase").textContent = "Set-up check";
  };
}

const KEYS = { " ": "pause", r: "reset", n: "next", f: "finish", Escape: "finish" };
document.addEventListener("keydown", (e) => {
  if (e.target.tagName === "INPUT") return;
  if (e.key === "Enter" && !ws) { start(); e.preventDefault(); }
  else if (KEYS[e.key]) { control(KEYS[e.key]); e.preventDefault(); }
  else if (e.key === "m") $("mute").click();
  else if (e.key === "c" && ws) toggleRecord();
});

document.addEventListener("DOMContentLoaded", () => {
  $("start").addEventListener("click", start);
  $("pause").addEventListener("click", () => control("pause"));
  $("reset").addEventListener("click", () => control("reset"));
  $("next").addEventListener("click", () => control("next"));
  $("finish").addEventListener("click", () => control("finish"));
  $("record").addEventListener("click", toggleRecord);
  $("mute").addEventListener("click", () => {
    muted = !muted;
    if (muted && "speechSynthesis" in window) speechSynthesis.cancel();
    $("mute").textContent = muted ? "Unmute" : "Mute";
  });
  $("mute").textContent = muted ? "Unmute" : "Mute";
  $("hold-ring").setAttribute("stroke-dasharray", String(RING));
  $("hold-ring").setAttribute("stroke-dashoffset", String(RING));
  $("card-title").textContent = isRoutine ? "Your routine" : "Live coaching";
  $("card-body").replaceChildren(el("p", {}, "Put the laptop where it can see your whole body, then start the camera."));
});
