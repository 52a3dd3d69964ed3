// Shared by every page: the header's current link, JSON fetches, and safe DOM building.
"use strict";

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? "" : v);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

async function api(path, options = {}) {
  const response = await fetch(path, options);
  const body = response.headers.get("content-type")?.includes("json") ? await response.json() : null;
  if (!response.ok) throw new Error((body && body.error) || `${response.status} ${response.statusText}`);
  return body;
}

function fmtSeconds(s) {
  if (s === null || s === undefined) return "-";
  return s >= 60 ? `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, "0")}` : `${s.toFixed(1)} s`;
}

function countsText(counts) {
  if (!counts) return "0";
  if ("total" in counts) return String(counts.total);
  return `left ${counts.left || 0}, right ${counts.right || 0}`;
}

document.addEventListener("DOMContentLoaded", () => {
  for (const a of document.querySelectorAll("header.top nav a")) {
    const path = new URL(a.href).pathname;
    if (path === location.pathname || (path === "/live" && location.pathname === "/routine" && a.dataset.routine)) {
      a.setAttribute("aria-current", "page");
    }
  }
});
