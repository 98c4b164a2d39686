// EXPLAIN and PROFILE plans as a tree of operators, the root (ProduceResults) at the top.

const ARGUMENT_SHOWN = ["Details", "EstimatedRows"];

function operatorBox(plan, profiled) {
  const box = document.createElement("div");
  box.className = "plan-operator";
  const title = document.createElement("div");
  title.className = "plan-operator-type";
  title.textContent = String(plan.operatorType || "?").replace(/@.*$/, "");
  box.append(title);
  const args = plan.arguments || plan.args || {};
  const lines = [];
  for (const key of ARGUMENT_SHOWN) {
    if (args[key] !== undefined) lines.push(`${key}: ${typeof args[key] === "number" ? round(args[key]) : args[key]}`);
  }
  if (plan.identifiers && plan.identifiers.length) lines.push(`Identifiers: ${plan.identifiers.join(", ")}`);
  if (profiled) {
    lines.push(`Rows: ${plan.records ?? "?"}`, `DB hits: ${plan.dbHits ?? "?"}`);
    if (plan.time !== undefined) lines.push(`Time: ${(Number(plan.time) / 1e6).toFixed(3)} ms`);
  }
  const details = document.createElement("div");
  details.className = "plan-operator-details";
  details.textContent = lines.join("\n");
  box.append(details);
  return box;
}

const round = (n) => (Number.isInteger(n) ? n : n.toFixed(2));

function subtree(plan, profiled) {
  const item = document.createElement("li");
  item.append(operatorBox(plan, profiled));
  if (plan.children && plan.children.length) {
    const list = document.createElement("ul");
    plan.children.forEach((child) => list.append(subtree(child, profiled)));
    item.append(list);
  }
  return item;
}

function total(plan, key) {
  return Number(plan[key] || 0) + (plan.children || []).reduce((sum, child) => sum + total(child, key), 0);
}

/** The plan as a nested list, with the planner's settings and (profiled) the total DB hits above it. */
export function renderPlan(plan, profiled) {
  const wrapper = document.createElement("div");
  wrapper.className = "plan";
  const args = plan.arguments || plan.args || {};
  const summary = document.createElement("div");
  summary.className = "plan-summary";
  const facts = [args.planner && `Planner ${args.planner}`, args.runtime && `runtime ${args.runtime}`,
    args.version && String(args.version)].filter(Boolean);
  if (profiled) facts.push(`${total(plan, "dbHits")} total DB hits`);
  summary.textContent = facts.join(", ");
  const tree = document.createElement("ul");
  tree.className = "plan-tree";
  tree.append(subtree(plan, profiled));
  wrapper.append(summary, tree);
  return wrapper;
}
