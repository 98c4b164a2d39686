// The side panels: live transactions (SHOW TRANSACTIONS every 2 s while open, with Terminate), databases (SHOW
// DATABASES with each one's SHOW STORAGE INFO) and the query history.
import { decode, display } from "./values.js";

const REFRESH_MS = 2000;
/** The panel's own statement, recognised in its answer so its row carries no Terminate button. */
const LIST_TRANSACTIONS = "SHOW TRANSACTIONS";

function cell(row, text) {
  const td = row.insertCell();
  td.textContent = text;
  return td;
}

function header(table, names) {
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  names.forEach((name) => {
    const th = document.createElement("th");
    th.textContent = name;
    head.append(th);
  });
  return table.createTBody();
}

/** The transactions panel: `start()` when shown, `stop()` when hidden or on logout. */
export function transactionsPanel({ client, database, table, status, message }) {
  let timer = null;
  let running = false;

  async function terminate(id, button) {
    button.disabled = true;
    try {
      const rows = await client.rows(database(), "TERMINATE TRANSACTION $id", { id }, decode);
      message.textContent = rows.map((r) => `${r.transactionId}: ${r.message}`).join("; ") || `${id}: not found`;
    } catch (error) {
      message.textContent = `${error.code}: ${error.message}`;
    }
    await refresh();
  }

  function render(rows) {
    const columns = ["database", "transactionId", "username", "clientAddress", "currentQuery", "status",
      "startTime", "elapsedTime"];
    // The action comes first, so that a wide table never hides it.
    const body = header(table, ["", ...columns]);
    for (const row of rows) {
      const tr = body.insertRow();
      tr.dataset.transactionId = row.transactionId;
      const action = tr.insertCell();
      columns.forEach((column) => cell(tr, display(row[column])));
      if (row.currentQuery === LIST_TRANSACTIONS) {
        action.textContent = "(this panel)";
        continue;
      }
      const button = document.createElement("button");
      button.type = "button";
      button.className = "terminate-button danger";
      button.textContent = "Terminate";
      // A terminated transaction stays listed until its owner next touches it or closes it.
      button.disabled = String(row.status).startsWith("Terminated");
      button.addEventListener("click", () => terminate(row.transactionId, button));
      action.append(button);
    }
  }

  async function refresh() {
    try {
      const rows = await client.rows(database(), LIST_TRANSACTIONS, {}, decode);
      render(rows);
      status.textContent = `${rows.length} transaction${rows.length === 1 ? "" : "s"}, ` +
        `refreshed ${new Date().toLocaleTimeString()} (every ${REFRESH_MS / 1000} s while this panel is open)`;
    } catch (error) {
      status.textContent = `${error.code}: ${error.message}`;
    }
  }

  async function loop() {
    if (!running) return;
    await refresh();
    if (running) timer = setTimeout(loop, REFRESH_MS);
  }

  return {
    start() {
      if (running) return;
      message.textContent = "";
      running = true;
      loop();
    },
    stop() {
      running = false;
      clearTimeout(timer);
    },
  };
}

const STORAGE_FACTS = { storage_mode: "storage mode", vertex_count: "nodes", edge_count: "relationships",
  memory_res: "memory" };

/** The databases panel: `refresh()` lists them; `use(name)` is called by a row's Use button. */
export function databasesPanel({ client, table, status, use }) {
  async function storageInfo(name) {
    try {
      const rows = await client.rows(name, "SHOW STORAGE INFO", {}, decode);
      return Object.fromEntries(rows.map((r) => [r["storage info"], r.value]));
    } catch (error) {
      return { error: error.code };
    }
  }

  async function refresh() {
    status.textContent = "Loading…";
    try {
      const databases = await client.rows("system", "SHOW DATABASES", {}, decode);
      const infos = await Promise.all(databases.map((db) => (db.currentStatus === "online" ? storageInfo(db.name)
        : Promise.resolve({}))));
      const columns = ["name", "type", "access", "currentStatus", "default", "home"];
      const body = header(table, [...columns, ...Object.values(STORAGE_FACTS), ""]);
      databases.forEach((db, i) => {
        const tr = body.insertRow();
        tr.dataset.database = db.name;
        columns.forEach((column) => cell(tr, display(db[column])));
        Object.keys(STORAGE_FACTS).forEach((key) => cell(tr, infos[i].error && key === "storage_mode"
          ? infos[i].error : display(infos[i][key] ?? "")));
        const action = tr.insertCell();
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = "Use";
        button.disabled = db.currentStatus !== "online";
        button.addEventListener("click", () => use(db.name));
        action.append(button);
      });
      status.textContent = `${databases.length} databases, ${new Date().toLocaleTimeString()}`;
      return databases;
    } catch (error) {
      status.textContent = `${error.code}: ${error.message}`;
      return [];
    }
  }
  return { refresh };
}

const HISTORY_KEY = "graphplex-console-history";
const HISTORY_SIZE = 100;

/** Statements run, newest first, kept in localStorage (statements only: never credentials or parameters). */
export function queryHistory({ list, choose }) {
  let entries = [];
  try {
    entries = JSON.parse(localStorage.getItem(HISTORY_KEY) || "[]").filter((e) => typeof e === "string");
  } catch {
    entries = [];
  }
  let cursor = -1;

  function render() {
    list.replaceChildren();
    entries.forEach((text) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "history-entry";
      button.textContent = text;
      button.title = "Put this back in the editor";
      button.addEventListener("click", () => choose(text));
      item.append(button);
      list.append(item);
    });
  }

  function save() {
    try {
      localStorage.setItem(HISTORY_KEY, JSON.stringify(entries));
    } catch {
      // A full or disabled storage only costs the history across reloads.
    }
  }

  render();
  return {
    add(text) {
      cursor = -1;
      if (!text.trim() || entries[0] === text) return;
      entries = [text, ...entries.filter((e) => e !== text)].slice(0, HISTORY_SIZE);
      save();
      render();
    },
    clear() {
      entries = [];
      save();
      render();
    },
    /** The entry `step` away from the cursor (-1 older, +1 newer), or null past either end. */
    step(step) {
      const next = cursor - step;
      if (next < -1 || next >= entries.length) return null;
      cursor = next;
      return cursor === -1 ? "" : entries[cursor];
    },
  };
}
