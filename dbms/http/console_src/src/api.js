// The console's only way to the server: Neo4j's Query API on the page's own origin. Credentials live in this
// module's closure for the life of the page and are never written to storage or cookies.

const TYPED = "application/vnd.neo4j.query";

/** An error the server answered (`errors[0]`), or one the console met on the way (network, bad response). */
export class QueryError extends Error {
  constructor(code, message, status) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

/** A client bound to one user's credentials; `logout()` forgets them. */
export function createClient() {
  let authorization = null;

  async function request(method, path, body) {
    if (!authorization) throw new QueryError("Neo.ClientError.Security.Unauthorized", "Not logged in.", 401);
    const headers = {
      Accept: TYPED,
      Authorization: authorization,
      // The server then never answers with `WWW-Authenticate: Basic`, so the browser neither shows its own login
      // dialog nor caches these credentials.
      "X-Requested-With": "graphplex-console",
    };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store",
        credentials: "omit",
      });
    } catch (error) {
      throw new QueryError("Console.NetworkError", `The server cannot be reached: ${error.message}`, 0);
    }
    const text = await response.text();
    let payload = {};
    if (text) {
      try {
        payload = JSON.parse(text);
      } catch {
        throw new QueryError("Console.BadResponse", `HTTP ${response.status}: ${text.slice(0, 200)}`, response.status);
      }
    }
    if (!response.ok && !(payload.errors && payload.errors.length)) {
      throw new QueryError("Console.HttpError", `HTTP ${response.status} ${response.statusText}`, response.status);
    }
    payload.status = response.status;
    return payload;
  }

  const base = (database) => `/db/${encodeURIComponent(database)}/query/v2`;

  return {
    /** Remember the credentials (UTF-8, then base64, as Basic authentication wants). */
    login(user, password) {
      const bytes = new TextEncoder().encode(`${user}:${password}`);
      authorization = `Basic ${btoa(String.fromCharCode(...bytes))}`;
    },
    logout() {
      authorization = null;
    },
    /**
     * Run one statement in its own auto-commit transaction. Answers the payload (`data`, `counters`, a plan,
     * and `errors` when a 202 carries rows and then a failure); throws QueryError when nothing ran.
     */
    async run(database, statement, parameters = {}) {
      const payload = await request("POST", base(database), { statement, parameters, includeCounters: true });
      if (payload.errors && payload.errors.length && !payload.data) {
        const [first] = payload.errors;
        throw new QueryError(first.code, first.message, payload.status);
      }
      return payload;
    },
    /** Run a statement and answer its rows as objects of decoded values, throwing on any error. */
    async rows(database, statement, parameters = {}, decode = (value) => value) {
      const payload = await this.run(database, statement, parameters);
      if (payload.errors && payload.errors.length) {
        const [first] = payload.errors;
        throw new QueryError(first.code, first.message, payload.status);
      }
      const { fields, values } = payload.data;
      return values.map((row) => Object.fromEntries(fields.map((field, i) => [field, decode(row[i])])));
    },
  };
}
