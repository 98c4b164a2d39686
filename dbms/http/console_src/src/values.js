// Typed JSON (application/vnd.neo4j.query) into values the views can tell apart: graph elements become
// Node/Relationship/Path objects, integers stay exact (a string when beyond 2^53), other scalars plain.

export class Node {
  constructor(id, labels, properties) {
    this.id = id;
    this.labels = labels;
    this.properties = properties;
  }
}

export class Relationship {
  constructor(id, start, end, type, properties) {
    this.id = id;
    this.start = start;
    this.end = end;
    this.type = type;
    this.properties = properties;
  }
}

export class Path {
  constructor(elements) {
    this.elements = elements;
  }
}

/** A value of a type JSON has no form for (a date, a point, a duration, bytes), kept with its type name. */
export class Tagged {
  constructor(type, text) {
    this.type = type;
    this.text = text;
  }
}

const decodeMap = (map) => Object.fromEntries(Object.entries(map || {}).map(([k, v]) => [k, decode(v)]));

const DECODERS = {
  Null: () => null,
  Boolean: (v) => v,
  String: (v) => v,
  Integer: (v) => (Number.isSafeInteger(Number(v)) ? Number(v) : v),
  Float: (v) => Number(v),
  List: (v) => v.map(decode),
  Map: decodeMap,
  Node: (v) => new Node(v._element_id, v._labels || [], decodeMap(v._properties)),
  Relationship: (v) => new Relationship(v._element_id, v._start_node_element_id, v._end_node_element_id, v._type,
    decodeMap(v._properties)),
  Path: (v) => new Path(v.map(decode)),
};

/** One typed JSON value decoded; an untyped value (a plan's arguments) passes through. */
export function decode(value) {
  if (value === null || typeof value !== "object" || !("$type" in value)) return value;
  const decoder = DECODERS[value.$type];
  return decoder ? decoder(value._value) : new Tagged(value.$type, String(value._value));
}

/** The value as plain JSON data, in the shape of the Query API's plain JSON. */
export function toPlain(value) {
  if (value instanceof Node) return { elementId: value.id, labels: value.labels, properties: toPlain(value.properties) };
  if (value instanceof Relationship) {
    return { elementId: value.id, startNodeElementId: value.start, endNodeElementId: value.end, type: value.type,
      properties: toPlain(value.properties) };
  }
  if (value instanceof Path) return value.elements.map(toPlain);
  if (value instanceof Tagged) return value.text;
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
  }
  return value;
}

/** A short text for a table cell. */
export function display(value) {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return value;
  if (value instanceof Tagged) return value.text;
  if (value instanceof Node) return `(:${value.labels.join(":")} ${JSON.stringify(toPlain(value.properties))})`;
  if (value instanceof Relationship) return `[:${value.type} ${JSON.stringify(toPlain(value.properties))}]`;
  return JSON.stringify(toPlain(value));
}

/** Every node and relationship a value holds, found through lists, maps and paths. */
export function collectGraph(value, nodes, relationships) {
  if (value instanceof Node) nodes.set(value.id, value);
  else if (value instanceof Relationship) relationships.set(value.id, value);
  else if (value instanceof Path) value.elements.forEach((e) => collectGraph(e, nodes, relationships));
  else if (Array.isArray(value)) value.forEach((e) => collectGraph(e, nodes, relationships));
  else if (value && typeof value === "object" && !(value instanceof Tagged)) {
    Object.values(value).forEach((e) => collectGraph(e, nodes, relationships));
  }
}
