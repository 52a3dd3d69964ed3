// Upload a video, follow the analysis' progress, then show the report, the annotated video
// and the downloads. /analyse?id=ID shows a finished analysis again.
"use strict";

const $ = (id) => document.getElementById(id);
const POLL_MS = 400;

async function loadExercises() {
  const select = $("exercise");
  select.append(el("option", { value: "" }, "Choose the exercise..."));
  for (const ex of await api("/api/exercises")) select.append(el("option", { value: ex.id }, ex.name));
  const wanted = new URLSearchParams(location.search).get("exercise");
  if (wanted) select.value = wanted;
}

function showError(message) {
  $("error").textContent = message;
  $("error").hidden = false;
  $("progress-box").hidden = true;
  $("analyse-btn").disabled = false;
}

function showResult(job) {
  const r = job.report;
  $("progress-box").hidden = true;
  $("result").hidden = false;
  $("result-reps").textContent = r.rep_count_by_side ? `L ${r.rep_count_by_side.left} R ${r.rep_count_by_side.right}` : String(r.rep_count);
  const done = r.holds.filter((h) => h.completed).length;
  $("result-holds").textContent = r.holds.length ? `${done}/${r.holds.length}` : "-";
  $("result-length").textContent = fmtSeconds(r.duration_s);
  $("downloads").replaceChildren(
    el("a", { class: "button secondary", href: job.files["report.json"], download: "" }, "Download JSON"), " ",
    el("a", { class: "button secondary", href: job.files["frames.csv"], download: "" }, "Download CSV"), " ",
    el("a", { class: "button secondary", href: job.files["video.webm"], download: "" }, "Download video"));
  $("kept").textContent = job.kept_as ? `Your video is kept at ${job.kept_as}.` : "Your uploaded video has been deleted.";
  $("annotated").src = job.files["video.webm"];
  $("report-frame").src = job.files["report.html"];
}

async function follow(id) {
  $("progress-box").hidden = false;
  for (;;) {
    const job = await api(`/api/analyses/${id}`);
    $("progress").value = job.progress;
    $("progress-label").textContent = job.status === "queued" ? "Waiting for the previous analysis..." : `Analysing... ${Math.round(job.progress * 100)} %`;
    if (job.status === "done") return showResult(job);
    if (job.status === "failed") return showError(job.error);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function submit(event) {
  event.preventDefault();
  $("error").hidden = true;
  $("result").hidden = true;
  const file = $("video-file").files[0];
  if (!file) return showError("Choose a video file first.");
  if (!$("exercise").value) return showError("Choose the exercise.");
  const form = new FormData();
  form.append("exercise", $("exercise").value);
  form.append("keep", $("keep").checked ? "1" : "0");
  form.append("mirrored", $("mirrored").checked ? "1" : "0");
  form.append("video", file);
  $("analyse-btn").disabled = true;
  try {
    const { id } = await api("/api/analyses", { method: "POST", body: form });
    history.replaceState(null, "", `/analyse?id=${id}`);
    await follow(id);
  } catch (e) {
    showError(e.message);
  }
  $("analyse-btn").disabled = false;
}

document.addEventListener("DOMContentLoaded", async () => {
  await loadExercises();
  $("upload-form").addEventListener("submit", submit);
  $("video-file").addEventListener("change", () => { $("chosen").textContent = $("video-file").files[0]?.name || ""; });
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    if (e.dataTransfer.files.length) { $("video-file").files = e.dataTransfer.files; $("chosen").textContent = e.dataTransfer.files[0].name; }
  });
  const id = new URLSearchParams(location.search).get("id");
  if (id) follow(id).catch((e) => showError(e.message));
});
