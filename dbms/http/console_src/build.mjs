// Build the console into ../console/: console.js and console.css (bundled, minified, no source maps), index.html,
// LICENSES.txt (the licence of every npm package in the bundle, from esbuild's metafile) and BUILD.json (hashes
// of the sources and of the outputs, so a Python test can tell the committed bundle was built from the committed
// sources without npm).
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "console");
const OUTPUTS = ["index.html", "console.js", "console.css", "LICENSES.txt"];

const result = await build({
  absWorkingDir: here,
  entryPoints: { console: "src/main.js" },
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  outdir: out,
  sourcemap: false,
  legalComments: "none",
  charset: "utf8",
  metafile: true,
  logLevel: "warning",
});
copyFileSync(join(here, "src", "index.html"), join(out, "index.html"));

/** The folder of the npm package an input file of the bundle belongs to (node_modules/name or @scope/name). */
function packageRoot(input) {
  const parts = input.split("/");
  const at = parts.lastIndexOf("node_modules");
  if (at < 0) return null;
  const length = parts[at + 1].startsWith("@") ? 3 : 2;
  return parts.slice(0, at + length).join("/");
}

const roots = [...new Set(Object.keys(result.metafile.inputs).map(packageRoot).filter(Boolean))].sort();
const sections = roots.map((root) => {
  const manifest = JSON.parse(readFileSync(join(here, root, "package.json"), "utf8"));
  const licenceFile = readdirSync(join(here, root)).find((name) => /^(licen[cs]e|copying)/i.test(name));
  if (!licenceFile) throw new Error(`${manifest.name} ships no licence file: its licence cannot be bundled`);
  const text = readFileSync(join(here, root, licenceFile), "utf8").trim();
  return `${"=".repeat(78)}\n${manifest.name} ${manifest.version} (${manifest.license})\n${"=".repeat(78)}\n\n${text}\n`;
});
writeFileSync(join(out, "LICENSES.txt"),
  "The graphplex console bundles these npm packages; their licences follow.\n\n" + sections.join("\n"));

const sha256 = (data) => createHash("sha256").update(data).digest("hex");

/** The files the bundle is built from, relative to console_src, sorted: the Python test lists the same ones. */
function sourceFiles() {
  const src = readdirSync(join(here, "src")).map((name) => `src/${name}`);
  return ["build.mjs", "package.json", "package-lock.json", ...src].filter((p) => existsSync(join(here, p))).sort();
}

const sources = createHash("sha256");
for (const path of sourceFiles()) sources.update(`${path}\n${sha256(readFileSync(join(here, path)))}\n`);
const stamp = {
  note: "Written by console_src/build.mjs; tests/dbms/console/test_console_bundle.py recomputes these hashes.",
  sources: sources.digest("hex"),
  outputs: Object.fromEntries(OUTPUTS.map((name) => [name, sha256(readFileSync(join(out, name)))])),
  packages: roots.map((root) => relative("node_modules", root)),
};
writeFileSync(join(out, "BUILD.json"), JSON.stringify(stamp, null, 2) + "\n");
console.log(`console built: ${OUTPUTS.map((name) => `${name} ${readFileSync(join(out, name)).length} B`).join(", ")}`);
