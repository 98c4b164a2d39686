// The graph view: cytoscape.js over the nodes and relationships of a result, capped so a large result stays
// responsive, with a legend to pick each label's caption and double-click to expand a node's neighbours.
import cytoscape from "cytoscape";
import fcose from "cytoscape-fcose";
import { toPlain } from "./values.js";
import { fitBox, layoutElements } from "./layout.js";

cytoscape.use(fcose);

/** At most this many nodes and relationships are drawn; the notice says what was left out. */
export const MAX_NODES = 2000;
export const MAX_RELATIONSHIPS = 4000;
/** Above this many nodes cytoscape draws from a texture while panning and zooming and hides relationships then. */
const LARGE = 300;

const PALETTE = ["#4c8eda", "#f79767", "#57c7e3", "#8dcc93", "#ecb5c9", "#ffc454", "#da7194", "#569480",
  "#c990c0", "#f16667", "#d9c8ae", "#a5abb6"];
const labelColours = new Map();
/** Each label keeps its colour for the life of the page, across results. */
function colourOf(label) {
  if (!labelColours.has(label)) labelColours.set(label, PALETTE[labelColours.size % PALETTE.length]);
  return labelColours.get(label);
}

const captionKeys = new Map();
const PREFERRED = ["name", "title", "id"];
function defaultCaptionKey(node) {
  const keys = Object.keys(node.properties);
  return PREFERRED.find((key) => keys.includes(key)) || keys[0] || "<label>";
}

function captionOf(node) {
  const label = node.labels[0] || "";
  const key = captionKeys.get(label) || defaultCaptionKey(node);
  if (key === "<label>") return label;
  if (key === "<id>") return node.id;
  const value = node.properties[key];
  if (value === undefined) return label;
  const text = typeof value === "string" ? value : JSON.stringify(toPlain(value));
  return text.length > 30 ? `${text.slice(0, 29)}…` : text;
}

const nodeData = (node) => ({ group: "nodes", data: { id: node.id, caption: captionOf(node),
  colour: colourOf(node.labels[0] || ""), node } });
const edgeData = (rel) => ({ group: "edges", data: { id: `r${rel.id}`, source: rel.start, target: rel.end,
  type: rel.type, rel } });

const STYLE = [
  { selector: "node", style: { "background-color": "data(colour)", label: "data(caption)", "font-size": 10,
    "text-valign": "center", "text-halign": "center", color: "#222", width: 34, height: 34,
    "min-zoomed-font-size": 7, "border-width": 1, "border-color": "#5f6b7a" } },
  { selector: "node:selected", style: { "border-width": 3, "border-color": "#d93" } },
  { selector: "edge", style: { width: 1.5, "line-color": "#a5abb6", "target-arrow-color": "#a5abb6",
    "target-arrow-shape": "triangle", "curve-style": "bezier", label: "data(type)", "font-size": 8,
    "text-rotation": "autorotate", "min-zoomed-font-size": 7, color: "#555", "text-background-color": "#fff",
    "text-background-opacity": 0.8 } },
  { selector: "edge:selected", style: { "line-color": "#d93", "target-arrow-color": "#d93" } },
];

/** How many nodes and relationships there were and how many are drawn, as one sentence (empty when all are). */
function noticeText(counts) {
  const parts = [];
  if (counts.nodesTotal > counts.nodes) {
    parts.push(`${counts.nodes.toLocaleString("en")} of ${counts.nodesTotal.toLocaleString("en")} nodes`);
  }
  if (counts.relationshipsTotal > counts.relationships) {
    parts.push(`${counts.relationships.toLocaleString("en")} of ${counts.relationshipsTotal.toLocaleString("en")}` +
      " relationships");
  }
  if (!parts.length) return "";
  return `The graph shows ${parts.join(" and ")} (at most ${MAX_NODES.toLocaleString("en")} nodes are drawn; ` +
    "relationships whose ends are left out are left out too). The table and JSON views hold every row.";
}

/** Draw `nodes` and `relationships` (Maps by element id) in `container`; `expand(node)` fetches neighbours. */
export function createGraphView(container, nodes, relationships, expand) {
  const counts = { nodes: 0, relationships: 0, nodesTotal: nodes.size, relationshipsTotal: relationships.size };
  const canvas = document.createElement("div");
  canvas.className = "graph-canvas";
  const notice = document.createElement("div");
  notice.className = "graph-notice notice";
  const toolbar = document.createElement("div");
  toolbar.className = "graph-toolbar";
  const legend = document.createElement("div");
  legend.className = "graph-legend";
  const inspector = document.createElement("pre");
  inspector.className = "graph-inspector";
  inspector.textContent = "Click a node or relationship to see its properties; double-click a node to expand it.";
  container.append(notice, toolbar, canvas, legend, inspector);

  const large = nodes.size > LARGE;
  const cy = cytoscape({
    container: canvas,
    style: STYLE,
    minZoom: 0.05,
    maxZoom: 4,
    textureOnViewport: large,
    hideEdgesOnViewport: large,
    pixelRatio: large ? 1 : "auto",
  });

  function addElements(newNodes, newRelationships) {
    const elements = [];
    for (const node of newNodes) {
      if (counts.nodes >= MAX_NODES) break;
      if (cy.getElementById(node.id).nonempty()) continue;
      elements.push(nodeData(node));
      counts.nodes += 1;
    }
    const drawn = new Set(elements.map((e) => e.data.id));
    const present = (id) => drawn.has(id) || cy.getElementById(id).nonempty();
    for (const rel of newRelationships) {
      if (counts.relationships >= MAX_RELATIONSHIPS) break;
      if (cy.getElementById(`r${rel.id}`).nonempty() || !present(rel.start) || !present(rel.end)) continue;
      elements.push(edgeData(rel));
      counts.relationships += 1;
    }
    const added = cy.add(elements);
    notice.textContent = noticeText(counts);
    notice.hidden = !notice.textContent;
    container.dataset.nodeCount = String(cy.nodes().length);
    renderLegend();
    return added;
  }

  function renderLegend() {
    legend.replaceChildren();
    const byLabel = new Map();
    cy.nodes().forEach((n) => {
      const node = n.data("node");
      const label = node.labels[0] || "";
      if (!byLabel.has(label)) byLabel.set(label, { count: 0, keys: new Set() });
      const entry = byLabel.get(label);
      entry.count += 1;
      Object.keys(node.properties).forEach((key) => entry.keys.add(key));
    });
    for (const [label, entry] of byLabel) {
      const item = document.createElement("span");
      item.className = "legend-item";
      const swatch = document.createElement("span");
      swatch.className = "legend-swatch";
      swatch.style.backgroundColor = colourOf(label);
      const name = document.createElement("span");
      name.textContent = `${label || "(no label)"} (${entry.count})`;
      const select = document.createElement("select");
      select.title = `Caption of ${label || "unlabelled"} nodes`;
      select.className = "caption-select";
      for (const key of [...entry.keys, "<label>", "<id>"]) select.add(new Option(key, key));
      select.value = captionKeys.get(label) || defaultCaptionKey(cy.nodes().filter(
        (n) => (n.data("node").labels[0] || "") === label)[0].data("node"));
      select.addEventListener("change", () => {
        captionKeys.set(label, select.value);
        cy.batch(() => cy.nodes().forEach((n) => n.data("caption", captionOf(n.data("node")))));
      });
      item.append(swatch, name, select);
      legend.append(item);
    }
  }

  let box = null;
  function layout() {
    box = layoutElements(cy.elements());
    fitBox(cy, box, 20);
  }
  const fit = () => fitBox(cy, cy.nodes().boundingBox({ includeLabels: false, includeOverlays: false }), 20);

  const button = (text, title, action) => {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    b.title = title;
    b.addEventListener("click", action);
    toolbar.append(b);
    return b;
  };
  button("Fit", "Zoom to show every element", fit);
  button("Zoom in", "Zoom in", () => cy.zoom({ level: cy.zoom() * 1.25, renderedPosition: center() }));
  button("Zoom out", "Zoom out", () => cy.zoom({ level: cy.zoom() / 1.25, renderedPosition: center() }));
  button("Layout", "Lay the graph out again", layout);
  const center = () => ({ x: canvas.clientWidth / 2, y: canvas.clientHeight / 2 });

  cy.on("tap", "node, edge", (event) => {
    const data = event.target.data();
    const value = data.node || data.rel;
    inspector.textContent = JSON.stringify(toPlain(value), null, 2);
  });
  cy.on("dbltap", "node", async (event) => {
    const target = event.target;
    inspector.textContent = "Expanding…";
    try {
      const found = await expand(target.data("node"));
      counts.nodesTotal += [...found.nodes.keys()].filter((id) => cy.getElementById(id).empty()).length;
      counts.relationshipsTotal += [...found.relationships.keys()].filter(
        (id) => cy.getElementById(`r${id}`).empty()).length;
      const added = addElements(found.nodes.values(), found.relationships.values());
      const around = target.position();
      const fresh = added.nodes();
      fresh.forEach((n, i) => {
        const angle = (2 * Math.PI * i) / Math.max(fresh.length, 1);
        n.position({ x: around.x + 120 * Math.cos(angle), y: around.y + 120 * Math.sin(angle) });
      });
      inspector.textContent = `Expanded: ${fresh.length} new nodes, ${added.edges().length} new relationships.`;
    } catch (error) {
      inspector.textContent = `${error.code || "Error"}: ${error.message}`;
    }
  });

  const started = performance.now();
  addElements(nodes.values(), relationships.values());
  const added = performance.now();
  layout();
  container.dataset.addMs = String(Math.round(added - started));
  container.dataset.layoutMs = String(Math.round(performance.now() - added));
  return {
    cy,
    /** Called when the view becomes visible: cytoscape measures its container then. */
    shown() {
      cy.resize();
      fit();
    },
    destroy() {
      cy.destroy();
    },
  };
}
