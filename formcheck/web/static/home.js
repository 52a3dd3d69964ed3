// Home: today's progress against each routine exercise's prescription, and the exercises.
"use strict";

async function loadHome() {
  const [exercises, today, routine] = await Promise.all([api("/api/exercises"), api("/api/today"), api("/api/routine")]);
  document.getElementById("routine-name").textContent = `Today's routine: ${routine.name}`;
  const list = document.getElementById("today");
  list.replaceChildren();
  const streaks = [];
  for (const row of today.exercises) {
    const wanted = row.per_day ? ` of ${row.per_day}` : "";
    const met = row.per_day && row.count >= row.per_day;
    const unit = row.unit === "reps" ? (row.count === 1 ? "rep" : "reps") : (row.count === 1 ? "session" : "sessions");
    list.append(el("li", {}, `${row.name}: ${row.count}${wanted} ${unit} today `,
      met ? el("span", { class: "met" }, "done") : ""));
    if (row.streak) streaks.push(`${row.name} ${row.streak} day${row.streak === 1 ? "" : "s"}`);
  }
  if (!today.history) list.append(el("li", { class: "muted" }, "The history is off (--no-history): nothing is counted here."));
  document.getElementById("streak").textContent = streaks.length ? `Current streak: ${streaks.join(", ")}.` : "No streak yet: every day you do the routine adds one.";
  const grid = document.getElementById("exercises");
  for (const ex of exercises) {
    const target = ex.target ? `${ex.target}${ex.sides === "each" ? " per side" : ""}` : "active time";
    grid.append(el("div", { class: "tile", "data-exercise": ex.id },
      el("h3", {}, ex.name), el("p", {}, ex.summary),
      el("p", {}, `Target: ${target}${ex.hold_target_s ? `, holding ${ex.hold_target_s} s` : ""}`),
      el("a", { class: "button", href: `/live?exercise=${encodeURIComponent(ex.id)}` }, "Start")));
  }
}

document.addEventListener("DOMContentLoaded", () => loadHome().catch((e) => {
  document.getElementById("today").replaceChildren(el("li", { class: "error" }, e.message));
}));
