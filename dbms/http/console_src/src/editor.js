// The Cypher editor: CodeMirror 6 with Cypher highlighting, Ctrl/Cmd-Enter to run, Ctrl/Cmd-Up/Down through the
// history, and a mark where the server says an error is.
//
// It lives in a shadow root: CodeMirror's style-mod writes its rules into a <style> element for a document (which
// the Content-Security-Policy's style-src 'self' refuses) but into a constructed, adopted stylesheet for a shadow
// root (which CSP allows). So the editor's own look is an EditorView.theme, not rules in console.css.
import { EditorState, StateEffect, StateField } from "@codemirror/state";
import { Decoration, EditorView, drawSelection, highlightActiveLine, highlightActiveLineGutter, keymap,
  lineNumbers, placeholder } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { bracketMatching, indentOnInput } from "@codemirror/language";
import { cypher } from "./cypher-mode.js";

const setErrorAt = StateEffect.define();

const errorMark = StateField.define({
  create: () => Decoration.none,
  update(marks, transaction) {
    let next = transaction.docChanged ? Decoration.none : marks.map(transaction.changes);
    for (const effect of transaction.effects) {
      if (!effect.is(setErrorAt)) continue;
      next = Decoration.none;
      if (effect.value === null) continue;
      const doc = transaction.state.doc;
      const from = Math.max(0, Math.min(effect.value, doc.length - 1));
      const word = /^[\w$`]+/.exec(doc.sliceString(from, Math.min(doc.length, from + 60)));
      const to = Math.min(doc.length, from + (word ? word[0].length : 1));
      if (to <= from) continue;
      next = Decoration.set([
        Decoration.line({ class: "cm-error-line" }).range(doc.lineAt(from).from),
        Decoration.mark({ class: "cm-error-mark", attributes: { title: "The server's error points here" } })
          .range(from, to),
      ], true);
    }
    return next;
  },
  provide: (field) => EditorView.decorations.from(field),
});

const theme = EditorView.theme({
  "&": { backgroundColor: "#fff", minHeight: "90px", maxHeight: "40vh", fontSize: "13px" },
  "&.cm-focused": { outline: "2px solid #9bbcf3" },
  ".cm-scroller": { fontFamily: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace' },
  ".cm-content": { minHeight: "90px" },
  ".cm-error-mark": { textDecoration: "wavy underline #d92d20", backgroundColor: "#fde2df" },
  ".cm-error-line": { backgroundColor: "#fff4f2" },
});

/** Typing a space at a line's end in Chromium's contenteditable can insert U+00A0, which Cypher does not take as
 * white space: typed text gets plain spaces. */
const plainSpaces = EditorView.inputHandler.of((view, from, to, text) => {
  if (!text.includes("\u00a0")) return false;
  const insert = text.replace(/\u00a0/g, " ");
  view.dispatch({ changes: { from, to, insert }, selection: { anchor: from + insert.length }, userEvent: "input.type" });
  return true;
});

/**
 * An editor in a shadow root attached to `host`. `onRun()` is called by Ctrl/Cmd-Enter; `onHistory(step)` answers the text of the history
 * entry `step` (-1 older, +1 newer) away, or null.
 */
export function createEditor(host, { onRun, onHistory }) {
  const root = host.attachShadow({ mode: "open" });
  const parent = document.createElement("div");
  root.append(parent);
  const historyKey = (step) => (view) => {
    const text = onHistory(step);
    if (text === null) return false;
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text },
      selection: { anchor: text.length } });
    return true;
  };
  const view = new EditorView({
    parent,
    root,
    state: EditorState.create({
      doc: "",
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        highlightActiveLine(),
        EditorView.lineWrapping,
        placeholder("MATCH (n) RETURN n LIMIT 25   — Ctrl/Cmd-Enter runs"),
        keymap.of([
          { key: "Mod-Enter", run: () => { onRun(); return true; }, preventDefault: true },
          { key: "Mod-ArrowUp", run: historyKey(-1) },
          { key: "Mod-ArrowDown", run: historyKey(1) },
          ...defaultKeymap,
          ...historyKeymap,
        ]),
        cypher(),
        errorMark,
        theme,
        plainSpaces,
      ],
    }),
  });
  return {
    view,
    text: () => view.state.doc.toString(),
    setText(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    /** Mark the error at document offset `offset` (null clears it) and bring it into view. */
    markError(offset) {
      const effects = [setErrorAt.of(offset)];
      if (offset !== null) effects.push(EditorView.scrollIntoView(Math.min(offset, view.state.doc.length)));
      view.dispatch({ effects });
    },
    focus: () => view.focus(),
  };
}
