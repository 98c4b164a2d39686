// One frame per statement run: its summary, then the result as a table, as JSON, as a graph and (EXPLAIN or
// PROFILE) as a plan, or the error with its code.
import { collectGraph, decode, display, toPlain } from "./values.js";
import { createGraphView } from "./graph.js";
import { renderPlan } from "./plan.js";

/** Rows beyond this are not put in the page's table and JSON views (the count says how many there were). */
export const MAX_TABLE_ROWS = 1000;

function element(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function renderTable(fields, rows) {
  const table = element("table", "result-table");
  const head = table.createTHead().insertRow();
  fields.forEach((field) => head.append(element("th", "", field)));
  const body = table.createTBody();
  for (const row of rows.slice(0, MAX_TABLE_ROWS)) {
    const tr = body.insertRow();
    row.forEach((value) => tr.append(element("td", "", display(value))));
  }
  return table;
}

function renderJson(fields, rows) {
  const records = rows.slice(0, MAX_TABLE_ROWS).map((row) =>
    Object.fromEntries(fields.map((field, i) => [field, toPlain(row[i])])));
  return element("pre", "result-json", JSON.stringify(records, null, 2));
}

function counterText(counters) {
  if (!counters) return "";
  return Object.entries(counters).filter(([key, value]) => typeof value === "number" && value > 0)
    .map(([key, value]) => `${key} ${value}`).join(", ");
}

/** The error block: code, message, and (when known) the line the error points at. */
export function renderError(error) {
  const box = element("div", "frame-error");
  box.append(element("div", "error-code", error.code || "Error"));
  box.append(element("pre", "error-message", error.message || ""));
  return box;
}

/**
 * A frame for `statement`'s outcome: `payload` (the Query API's answer) or `error` (a QueryError).
 * `expand(node)` is handed to the graph view. Answers the frame element.
 */
export function renderFrame({ statement, payload, error, elapsed, expand }) {
  const frame = element("section", "frame");
  frame.append(element("pre", "frame-statement", statement));
  if (error) {
    frame.classList.add("failed");
    frame.append(renderError(error));
    return frame;
  }
  const fields = payload.data ? payload.data.fields : [];
  const rows = payload.data ? payload.data.values.map((row) => row.map(decode)) : [];
  const plan = payload.profiledQueryPlan || payload.queryPlan;
  const nodes = new Map();
  const relationships = new Map();
  rows.forEach((row) => collectGraph(row, nodes, relationships));

  const summary = [`${rows.length.toLocaleString("en")} row${rows.length === 1 ? "" : "s"}`];
  if (elapsed !== undefined) summary.push(`in ${Math.round(elapsed)} ms`);
  const counters = counterText(payload.counters);
  if (counters) summary.push(counters);
  frame.append(element("div", "frame-summary", summary.join(" · ")));
  if (rows.length > MAX_TABLE_ROWS) {
    frame.append(element("div", "notice table-notice", `The table and JSON views show the first ` +
      `${MAX_TABLE_ROWS.toLocaleString("en")} of ${rows.length.toLocaleString("en")} rows.`));
  }

  const views = [];
  if (plan) views.push(["plan", "Plan", () => renderPlan(plan, Boolean(payload.profiledQueryPlan))]);
  if (nodes.size) views.push(["graph", "Graph", null]);
  views.push(["table", "Table", () => renderTable(fields, rows)], ["json", "JSON", () => renderJson(fields, rows)]);

  const tabs = element("div", "tabs");
  const panes = new Map();
  let graph = null;
  const show = (name) => {
    for (const [key, pane] of panes) pane.hidden = key !== name;
    tabs.querySelectorAll("button").forEach((b) => b.classList.toggle("active", b.dataset.view === name));
    if (name === "graph") {
      const pane = panes.get("graph");
      if (!graph) graph = createGraphView(pane, nodes, relationships, expand);
      graph.shown();
    }
  };
  for (const [name, title, render] of views) {
    const tab = element("button", "tab", title);
    tab.type = "button";
    tab.dataset.view = name;
    tab.addEventListener("click", () => show(name));
    tabs.append(tab);
    const pane = element("div", `view view-${name}`);
    if (render) pane.append(render());
    panes.set(name, pane);
  }
  frame.append(tabs, ...panes.values());
  if (payload.errors && payload.errors.length) {
    frame.classList.add("failed");
    frame.append(renderError(payload.errors[0]));
  }
  frame.destroyGraph = () => graph && graph.destroy();
  frame.graph = () => graph && graph.cy;
  frame.showFirstView = () => show(views[0][0]);
  return frame;
}
