// The console's page: log in, pick a database, run what the editor holds, show each statement's frame, and the
// side panels. Everything goes through the Query API client (api.js).
import "./console.css";
import { createClient, QueryError } from "./api.js";
import { createEditor } from "./editor.js";
import { renderFrame } from "./results.js";
import { databasesPanel, queryHistory, transactionsPanel } from "./panels.js";
import { parseScript, errorOffset } from "./statements.js";
import { collectGraph, decode, toPlain } from "./values.js";

const $ = (id) => document.getElementById(id);
const client = createClient();
let frames = [];

const databaseSelect = $("database-select");
const database = () => databaseSelect.value || "neo4j";

const history = queryHistory({ list: $("history-list"), choose: (text) => { editor.setText(text); editor.focus(); } });
const editor = createEditor($("editor"), { onRun: () => run(), onHistory: (step) => history.step(step) });

const transactions = transactionsPanel({ client, database, table: $("transactions-table"),
  status: $("transactions-status"), message: $("transactions-message") });
const databases = databasesPanel({ client, table: $("databases-table"), status: $("databases-status"),
  use: (name) => { databaseSelect.value = name; status(`Using database ${name}`); } });

function status(text) {
  $("status").textContent = text;
}

async function loadDatabases() {
  const rows = await client.rows("system", "SHOW DATABASES", {}, decode);
  const previous = databaseSelect.value;
  databaseSelect.replaceChildren();
  rows.forEach((row) => databaseSelect.add(new Option(row.name, row.name)));
  const home = rows.find((row) => row.home) || rows.find((row) => row.default) || rows[0];
  databaseSelect.value = rows.some((row) => row.name === previous) ? previous : home ? home.name : "";
}

const EXPIRED = "Neo.ClientError.Security.CredentialsExpired";

/** A user whose password must change first: ALTER CURRENT USER is the one statement the server lets them run. */
async function changePassword(user, old, fresh) {
  if (fresh !== $("login-new-password-again").value) {
    throw new QueryError("Console.PasswordMismatch", "The two new passwords differ.");
  }
  client.login(user, old);
  await client.run("system", "ALTER CURRENT USER SET PASSWORD FROM $old TO $new", { old, new: fresh });
  client.login(user, fresh);
}

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const user = $("login-user").value;
  const password = $("login-password");
  const changing = !$("login-change").hidden;
  const error = $("login-error");
  error.hidden = true;
  $("login-button").disabled = true;
  try {
    if (changing) await changePassword(user, password.value, $("login-new-password").value);
    else client.login(user, password.value);
    await loadDatabases();
    $("login").hidden = true;
    $("workspace").hidden = false;
    $("toolbar").hidden = false;
    $("session-info").textContent = `${user} @ ${location.host}`;
    status("Connected. Ctrl/Cmd-Enter runs the editor's statements.");
    editor.focus();
  } catch (failure) {
    client.logout();
    error.textContent = `${failure.code}: ${failure.message}`;
    error.hidden = false;
    // The current password is kept in its field only while a new one is being chosen.
    if (failure.code === EXPIRED || changing) {
      $("login-change").hidden = false;
      $("login-new-password").focus();
      return;
    }
  } finally {
    $("login-button").disabled = false;
  }
  password.value = "";
  ["login-new-password", "login-new-password-again"].forEach((id) => { $(id).value = ""; });
  $("login-change").hidden = true;
});
function logout() {
  client.logout();
  transactions.stop();
  closePanel();
  clearFrames();
  $("workspace").hidden = true;
  $("toolbar").hidden = true;
  $("login").hidden = false;
  $("session-info").textContent = "";
  $("login-password").focus();
}
$("logout-button").addEventListener("click", logout);

function clearFrames() {
  frames.forEach((frame) => frame.destroyGraph());
  frames = [];
  $("results").replaceChildren();
}

function addFrame(frame) {
  $("results").append(frame);
  frames.push(frame);
  if (frame.showFirstView) frame.showFirstView();
}

/** The JSON parameters pane as an object, or a QueryError saying why it is not one. */
function paneParameters() {
  const text = $("parameters").value.trim() || "{}";
  let value;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new QueryError("Console.InvalidParameters", `The parameters pane is not JSON: ${error.message}`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new QueryError("Console.InvalidParameters", "The parameters pane must hold a JSON object.");
  }
  return value;
}

/** `:param name => expression`: the server evaluates the expression (so it is Cypher), the pane keeps the value. */
async function setParameter(command, parameters) {
  const rows = await client.rows(database(), `RETURN ${command.expression} AS value`, parameters, decode);
  parameters[command.name] = toPlain(rows[0].value);
  $("parameters").value = JSON.stringify(parameters, null, 2);
}

let running = false;
/** Run every command of the editor in order, each statement in its own auto-commit request; stop at an error. */
async function run() {
  if (running) return;
  const text = editor.text();
  const commands = parseScript(text);
  if (!commands.length) return;
  running = true;
  $("run-button").disabled = true;
  editor.markError(null);
  clearFrames();
  history.add(text);
  try {
    const parameters = paneParameters();
    for (const [index, command] of commands.entries()) {
      status(`Running ${index + 1} of ${commands.length}…`);
      if (!(await runCommand(command, parameters))) break;
    }
    status(`Done: ${frames.length} result${frames.length === 1 ? "" : "s"} on database ${database()}.`);
  } catch (error) {
    addFrame(renderFrame({ statement: text, error }));
    status("Failed.");
  } finally {
    running = false;
    $("run-button").disabled = false;
  }
}

/** One command; answers whether the run goes on. */
async function runCommand(command, parameters) {
  if (command.kind === "unknown") {
    addFrame(renderFrame({ statement: command.text, error: new QueryError("Console.UnknownCommand",
      "The console knows `:param name => expression` only.") }));
    return false;
  }
  const statement = command.kind === "param" ? `:param ${command.name} => ${command.expression}` : command.text;
  const started = performance.now();
  try {
    if (command.kind === "param") {
      await setParameter(command, parameters);
      addFrame(renderFrame({ statement, payload: { data: { fields: [command.name],
        values: [[parameters[command.name]]] } } }));
      return true;
    }
    const target = database();
    const payload = await client.run(target, command.text, parameters);
    addFrame(renderFrame({ statement, payload, elapsed: performance.now() - started,
      expand: (node) => expand(target, node) }));
    return !(payload.errors && payload.errors.length);
  } catch (error) {
    addFrame(renderFrame({ statement, error }));
    const offset = command.kind === "statement" ? errorOffset(error.message) : null;
    if (offset !== null) editor.markError(command.start + offset);
    if (error.status === 401) status("The server no longer accepts these credentials: log out and in again.");
    return false;
  }
}

/** A node's neighbours in the database its result came from, for the graph view's double-click. */
async function expand(target, node) {
  const payload = await client.run(target,
    "MATCH (n)-[r]-(m) WHERE elementId(n) = $id RETURN r, m LIMIT 500", { id: node.id });
  const nodes = new Map();
  const relationships = new Map();
  payload.data.values.forEach((row) => collectGraph(row.map(decode), nodes, relationships));
  return { nodes, relationships };
}

$("run-button").addEventListener("click", () => run());

// Side panels: one open at a time; the transactions panel refreshes only while it is open.
const PANEL_TITLES = { parameters: "Parameters", history: "History", transactions: "Transactions",
  databases: "Databases" };
let openPanel = null;
function closePanel() {
  transactions.stop();
  document.querySelectorAll(".panel").forEach((panel) => { panel.hidden = true; });
  $("side-panel").hidden = true;
  document.querySelectorAll("[data-panel]").forEach((b) => b.classList.remove("active"));
  openPanel = null;
}
function showPanel(name) {
  if (openPanel === name) {
    closePanel();
    return;
  }
  closePanel();
  openPanel = name;
  $("side-panel").hidden = false;
  $(`panel-${name}`).hidden = false;
  $("panel-title").textContent = PANEL_TITLES[name];
  document.querySelector(`[data-panel="${name}"]`).classList.add("active");
  if (name === "transactions") transactions.start();
  if (name === "databases") databases.refresh().then(() => loadDatabases().catch(() => {}));
}
document.querySelectorAll("[data-panel]").forEach((button) => {
  button.addEventListener("click", () => showPanel(button.dataset.panel));
});
$("panel-close").addEventListener("click", closePanel);
$("databases-refresh").addEventListener("click", () => databases.refresh());
$("history-clear").addEventListener("click", () => history.clear());
$("parameters").addEventListener("input", () => {
  try {
    paneParameters();
    $("parameters-error").textContent = "";
  } catch (error) {
    $("parameters-error").textContent = error.message;
  }
});

// For the browser tests and the curious: the live cytoscape instance of the newest graph, and the editor.
window.graphplexConsole = {
  lastGraph: () => [...frames].reverse().map((frame) => frame.graph && frame.graph()).find(Boolean) || null,
  setQuery: (text) => editor.setText(text),
  run,
};
