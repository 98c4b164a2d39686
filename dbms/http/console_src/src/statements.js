// What the editor's text asks to run: `:param` commands and Cypher statements, each with its offset in the text so
// an error's position can be marked where the user typed it.

const PARAM = /^\s*:param\s+(`[^`]+`|[A-Za-z_][\w]*)\s*=>\s*(.*?)\s*;?\s*$/;

/**
 * Split the text into `{kind: "param", name, expression, start}` commands (one per `:param` line) and
 * `{kind: "statement", text, start}` statements, split on `;` outside strings, backticks and comments.
 */
export function parseScript(source) {
  const commands = [];
  let text = "";
  let offset = 0;
  for (const line of source.split("\n")) {
    const match = line.match(PARAM);
    if (match && /^\s*:param/.test(line)) {
      commands.push({ kind: "param", name: match[1].replace(/`/g, ""), expression: match[2], start: offset });
      text += " ".repeat(line.length) + "\n";
    } else if (/^\s*:/.test(line)) {
      commands.push({ kind: "unknown", text: line.trim(), start: offset });
      text += " ".repeat(line.length) + "\n";
    } else {
      text += line + "\n";
    }
    offset += line.length + 1;
  }
  return [...commands, ...splitStatements(text.slice(0, source.length))];
}

/** The statements of a text, each trimmed, with the offset of its first character; empty pieces are dropped. */
export function splitStatements(text) {
  const pieces = [];
  let start = 0;
  let i = 0;
  const push = (end) => {
    const piece = text.slice(start, end);
    if (hasCode(piece)) {
      const lead = piece.length - piece.trimStart().length;
      pieces.push({ kind: "statement", text: piece.trim(), start: start + lead });
    }
    start = end + 1;
  };
  while (i < text.length) {
    const ch = text[i];
    if (ch === "'" || ch === '"' || ch === "`") {
      i = skipQuoted(text, i + 1, ch);
    } else if (ch === "/" && text[i + 1] === "/") {
      const end = text.indexOf("\n", i);
      i = end < 0 ? text.length : end;
    } else if (ch === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (ch === ";") {
      push(i);
      i += 1;
    } else {
      i += 1;
    }
  }
  push(text.length);
  return pieces;
}

function skipQuoted(text, i, quote) {
  while (i < text.length) {
    if (text[i] === "\\" && quote !== "`") i += 2;
    else if (text[i] === quote) return i + 1;
    else i += 1;
  }
  return i;
}

/** Whether a piece holds anything besides white space and comments (a lone comment is not a statement). */
function hasCode(piece) {
  const stripped = piece.replace(/\/\*[\s\S]*?(\*\/|$)/g, "").replace(/\/\/[^\n]*/g, "");
  return stripped.trim().length > 0;
}

const POSITION = /\(line (\d+), column (\d+) \(offset: (\d+)\)\)/;

/** The offset a server error points at inside its statement (`… (line L, column C (offset: O))`), or null. */
export function errorOffset(message) {
  const match = POSITION.exec(message || "");
  return match ? Number(match[3]) : null;
}
