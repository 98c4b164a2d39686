// Where the graph view puts nodes. fcose gives the best drawing but its cost grows with the number of components
// (each is laid out and then packed: 2,000 isolated nodes take ~7 s) and with size (2,000 connected nodes take
// 2-2.5 s in Chromium even in draft quality). So nodes without relationships go to a grid beneath the rest;
// up to ALWAYS_FCOSE connected nodes, or up to FCOSE_MAX_NODES in a few components, get fcose (full quality up to
// DRAFT_ABOVE nodes, draft above); anything bigger gets a concentric layout by degree, which is linear.
const DRAFT_ABOVE = 300;
const FCOSE_MAX_COMPONENTS = 30;
/** Up to this many connected nodes fcose runs whatever the number of components (well under a second). */
const ALWAYS_FCOSE = 150;
const FCOSE_MAX_NODES = 1000;

/** How many connected components `nodes` form: a union-find, since cytoscape's components() takes ~1 s at 2,000. */
function componentCount(nodes) {
  const parent = new Map(nodes.map((n) => [n.id(), n.id()]));
  const root = (id) => {
    while (parent.get(id) !== id) {
      parent.set(id, parent.get(parent.get(id)));
      id = parent.get(id);
    }
    return id;
  };
  let count = parent.size;
  nodes.connectedEdges().forEach((edge) => {
    const a = root(edge.data("source"));
    const b = root(edge.data("target"));
    if (a !== b && parent.has(a) && parent.has(b)) {
      parent.set(a, b);
      count -= 1;
    }
  });
  return count;
}

/** The layout options for the connected nodes `nodes` (a cytoscape collection). */
function connectedLayout(nodes) {
  const components = componentCount(nodes);
  if (nodes.length > FCOSE_MAX_NODES || (nodes.length > ALWAYS_FCOSE && components > FCOSE_MAX_COMPONENTS)) {
    return { name: "concentric", concentric: (n) => n.degree(false), levelWidth: () => 2, minNodeSpacing: 12,
      animate: false };
  }
  const draft = nodes.length > DRAFT_ABOVE;
  return { name: "fcose", quality: draft ? "draft" : "default", randomize: true, animate: false,
    nodeRepulsion: 6000, idealEdgeLength: 70, numIter: draft ? 500 : 2500 };
}

// Bounding boxes leave labels out: measuring 2,000 labels' text (and rotated relationship labels) costs more than
// the whole layout.
const SHAPES_ONLY = { includeLabels: false, includeOverlays: false };

/** Lay `elements` out (synchronously) and answer their bounding box (shapes only, no labels). */
export function layoutElements(elements) {
  const nodes = elements.nodes();
  const isolated = nodes.filter((n) => n.connectedEdges().length === 0);
  const connected = nodes.difference(isolated);
  let bottom = 0;
  let left = 0;
  if (connected.length) {
    connected.union(connected.connectedEdges()).layout({ ...connectedLayout(connected), fit: false }).run();
    const box = connected.boundingBox(SHAPES_ONLY);  // nodes only: edges' curves cost more
    bottom = box.y2 + 60;
    left = box.x1;
  }
  const columns = Math.ceil(Math.sqrt(isolated.length * 2));
  isolated.positions((node, i) => ({ x: left + (i % columns) * 60, y: bottom + Math.floor(i / columns) * 50 }));
  return nodes.boundingBox(SHAPES_ONLY);
}

/** Zoom and pan `cy` so the box `box` fills its viewport with `padding` pixels around (cy.fit, minus labels). */
export function fitBox(cy, box, padding) {
  const width = cy.width() - 2 * padding;
  const height = cy.height() - 2 * padding;
  if (width <= 0 || height <= 0 || !Number.isFinite(box.w)) return;
  const zoom = Math.min(cy.maxZoom(), Math.max(cy.minZoom(), Math.min(width / (box.w || 1), height / (box.h || 1))));
  cy.viewport({ zoom, pan: { x: (cy.width() - zoom * (box.x1 + box.x2)) / 2, y: (cy.height() - zoom * (box.y1 + box.y2)) / 2 } });
}
