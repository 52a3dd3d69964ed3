// The history: adherence calendars, the sessions (filter, delete) and per-exercise trends.
"use strict";

const $ = (id) => document.getElementById(id);
let names = {};

function repsText(r) {
  return r.reps_left !== null || r.reps_right !== null ? `L ${r.reps_left ?? 0} R ${r.reps_right ?? 0}` : String(r.reps);
}

async function loadAdherence() {
  const box = $("adherence");
  const rows = await api("/api/adherence?days=28");
  box.replaceChildren();
  if (!rows.length) box.append(el("p", { class: "muted" }, "No sessions with a daily prescription yet."));
  for (const a of rows) {
    box.append(el("h3", {}, `${names[a.exercise] || a.exercise}: ${a.per_day} ${a.unit} a day ("${a.frequency}"), streak ${a.streak} day${a.streak === 1 ? "" : "s"}`));
    box.append(el("div", { class: "calendar" }, a.days.map((d) => el("span", {
      class: d.met ? "met" : d.count ? "some" : "", title: `${d.day}: ${d.count} of ${a.per_day} ${a.unit}`,
    }, d.day.slice(8)))));
  }
}

async function loadSessions() {
  const q = new URLSearchParams();
  for (const [key, id] of [["exercise", "filter-exercise"], ["kind", "filter-kind"], ["days", "filter-days"]]) {
    if ($(id).value) q.set(key, $(id).value);
  }
  const rows = await api(`/api/sessions?${q}`);
  const body = $("sessions").tBodies[0];
  body.replaceChildren(...rows.map((r) => el("tr", { "data-id": r.id },
    el("td", {}, new Date(r.started_at).toLocaleString()),
    el("td", {}, (names[r.exercise] || r.exercise) + (r.routine ? ` (${r.routine})` : "")),
    el("td", {}, { camera: "live", upload: "uploaded", file: "file", track: "track" }[r.kind] || r.kind),
    el("td", { class: "num" }, repsText(r)),
    el("td", { class: "num" }, r.holds ? `${r.holds_completed}/${r.holds}, ${r.hold_s.toFixed(0)} s` : "-"),
    el("td", { class: "num" }, r.faults),
    el("td", { class: "num" }, fmtSeconds(r.duration_s)),
    el("td", {}, el("button", { class: "danger", onclick: () => remove(r) }, "Delete")))));
  $("sessions-note").textContent = rows.length ? `${rows.length} session${rows.length === 1 ? "" : "s"}` : "No sessions recorded yet.";
}

async function remove(r) {
  if (!confirm(`Delete the ${names[r.exercise] || r.exercise} session of ${new Date(r.started_at).toLocaleString()}?`)) return;
  await api(`/api/sessions/${r.id}`, { method: "DELETE" });
  await Promise.all([loadSessions(), loadAdherence(), showTrend()]);
}

function showTrend() {
  const ex = $("trend-exercise").value;
  $("trend").hidden = !ex;
  if (ex) $("trend").src = `/api/trends/${encodeURIComponent(ex)}.png?t=${Date.now()}`;
}

document.addEventListener("DOMContentLoaded", async () => {
  const [exercises, all] = await Promise.all([api("/api/exercises"), api("/api/sessions")]);
  names = Object.fromEntries(exercises.map((e) => [e.id, e.name]));
  for (const e of exercises) $("filter-exercise").append(el("option", { value: e.id }, e.name));
  const done = [...new Set(all.map((r) => r.exercise))];
  for (const id of done) $("trend-exercise").append(el("option", { value: id }, names[id] || id));
  for (const id of ["filter-exercise", "filter-kind", "filter-days"]) $(id).addEventListener("change", loadSessions);
  $("trend-exercise").addEventListener("change", showTrend);
  await Promise.all([loadSessions(), loadAdherence()]);
  showTrend();
});
