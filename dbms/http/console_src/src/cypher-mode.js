// Cypher highlighting for CodeMirror 6: a small StreamLanguage tokenizer. No maintained CodeMirror 6 Cypher
// package is light enough to bundle (Neo4j's pulls in a whole ANTLR parser), and highlighting needs only tokens.
import { StreamLanguage, HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { tags } from "@lezer/highlight";

const KEYWORDS = new Set(`
  all alter and as asc ascending assert by call case commit constraint contains count create csv database databases
  default delete desc descending detach distinct drop else end ends exists explain false fieldterminator filter
  for foreach from graph headers if in index is key limit load match merge node not null on optional or order
  periodic profile remove return rollback set show skip start starts storage info terminate then to transaction
  transactions true union unique unwind use user users role roles when where with xor yield
  begin info constraints indexes procedures functions privileges grant deny revoke of each rows concurrent
  `.trim().split(/\s+/));

const ATOMS = new Set(["true", "false", "null"]);

/** Tokenizer state: whether a block comment is still open at the end of the previous line. */
function startState() {
  return { inComment: false };
}

function blockComment(stream, state) {
  while (!stream.eol()) {
    if (stream.match("*/")) {
      state.inComment = false;
      return "comment";
    }
    stream.next();
  }
  return "comment";
}

function quoted(stream, quote) {
  let escaped = false;
  let ch;
  while ((ch = stream.next()) != null) {
    if (ch === quote && !escaped) return;
    escaped = !escaped && ch === "\\";
  }
}

function token(stream, state) {
  if (state.inComment) return blockComment(stream, state);
  if (stream.eatSpace()) return null;
  if (stream.match("//")) {
    stream.skipToEnd();
    return "comment";
  }
  if (stream.match("/*")) {
    state.inComment = true;
    return blockComment(stream, state);
  }
  if (stream.sol() && stream.match(/^:\w+/)) return "meta";
  const ch = stream.next();
  if (ch === "'" || ch === '"') {
    quoted(stream, ch);
    return "string";
  }
  if (ch === "`") {
    quoted(stream, "`");
    return "variableName";
  }
  if (ch === "$") {
    stream.match(/^[\w`]+/);
    return "variableName.special";
  }
  if (/\d/.test(ch)) {
    stream.match(/^(0x[\da-fA-F]+|0o[0-7]+|\d*(\.\d+)?([eE][-+]?\d+)?)/);
    return "number";
  }
  if (ch === ":" && stream.match(/^\s*[A-Za-z_][\w]*/)) return "typeName";
  if (ch === "." && stream.match(/^[A-Za-z_][\w]*/)) return "propertyName";
  if (/[A-Za-z_]/.test(ch)) {
    stream.match(/^[\w]*/);
    const word = stream.current().toLowerCase();
    if (ATOMS.has(word)) return "atom";
    if (KEYWORDS.has(word)) return "keyword";
    if (stream.match(/^\s*\(/, false)) return "function";
    return "variableName";
  }
  if (/[-+*/%=<>!^|&~]/.test(ch)) return "operator";
  return "punctuation";
}

export const cypherLanguage = StreamLanguage.define({
  name: "cypher",
  startState,
  token,
  languageData: { commentTokens: { line: "//", block: { open: "/*", close: "*/" } } },
  tokenTable: { function: tags.function(tags.variableName) },
});

// Colours, not classes: the editor lives in a shadow root (see editor.js), which the page's stylesheet does not reach.
const style = HighlightStyle.define([
  { tag: tags.keyword, color: "#7a3eb1", fontWeight: "600" },
  { tag: tags.atom, color: "#b35c00" },
  { tag: tags.string, color: "#18794e" },
  { tag: tags.number, color: "#b35c00" },
  { tag: tags.comment, color: "#8a94a6", fontStyle: "italic" },
  { tag: tags.typeName, color: "#c0392b" },
  { tag: tags.propertyName, color: "#1f5fa8" },
  { tag: tags.special(tags.variableName), color: "#a05a00", fontWeight: "600" },
  { tag: tags.function(tags.variableName), color: "#0b7285" },
  { tag: tags.meta, color: "#a05a00" },
  { tag: tags.operator, color: "#555" },
]);

/** The Cypher language and its highlighting, as one editor extension. */
export function cypher() {
  return [cypherLanguage, syntaxHighlighting(style)];
}
