// Where the graph view puts nodes. fcose gives the best drawing but its cost grows with the number of components
// (each is laid out and then packed): 2,000 isolated nodes take ~7 s. So nodes without relationships go to a grid
// beneath the rest, up to ALWAYS_FCOSE connected nodes or a few components get fcose (full quality when small, draft above DRAFT_ABOVE nodes), and many
// components get a concentric layout by degree, which is linear. Measured in node with cytoscape headless:
// 2,000 nodes and 1,000 random relationships ~2 s with fcose draft, ~0.1 s this way.
export const DRAFT_ABOVE = 300;
const FCOSE_MAX_COMPONENTS = 30;
/** Up to this many connected nodes fcose runs whatever the number of components (well under a second). */
const ALWAYS_FCOSE = 150;

/** The layout options for the connected nodes `nodes` (a cytoscape collection). */
function connectedLayout(nodes) {
  const components = nodes.components().length;
  if (nodes.length > ALWAYS_FCOSE && components > FCOSE_MAX_COMPONENTS) {
    return { name: "concentric", concentric: (n) => n.degree(false), levelWidth: () => 2, minNodeSpacing: 12,
      animate: false };
  }
  const draft = nodes.length > DRAFT_ABOVE;
  return { name: "fcose", quality: draft ? "draft" : "default", randomize: true, animate: false,
    nodeRepulsion: 6000, idealEdgeLength: 70, numIter: draft ? 500 : 2500 };
}

/** Lay `elements` out (synchronously) and answer their bounding box. */
export function layoutElements(elements) {
  const nodes = elements.nodes();
  const isolated = nodes.filter((n) => n.connectedEdges().length === 0);
  const connected = nodes.difference(isolated);
  let bottom = 0;
  let left = 0;
  if (connected.length) {
    connected.union(connected.connectedEdges()).layout({ ...connectedLayout(connected), fit: false }).run();
    const box = connected.boundingBox();
    bottom = box.y2 + 60;
    left = box.x1;
  }
  if (isolated.length) {
    const columns = Math.ceil(Math.sqrt(isolated.length * 2));
    const rows = Math.ceil(isolated.length / columns);
    isolated.layout({ name: "grid", fit: false, avoidOverlap: true, cols: columns, animate: false,
      boundingBox: { x1: left, y1: bottom, w: columns * 60, h: rows * 50 } }).run();
  }
  return elements.boundingBox();
}
