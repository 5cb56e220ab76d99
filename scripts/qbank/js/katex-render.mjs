#!/usr/bin/env node
// Persistent KaTeX renderer for the site build (driven by qbank.katex).
//
// Usage:  node katex-render.mjs [NODE_MODULES_DIR] [--output=html|htmlAndMathml|mathml]
//   NODE_MODULES_DIR defaults to $QBANK_NODE_MODULES. It may also point at the
//   katex package directory itself.
//
// Protocol (JSON lines, UTF-8):
//   on start, stdout:  {"ready": true, "katex": "<version>", "output": "<mode>"}
//   stdin request:     {"id": n, "tex": "...", "display": bool}
//   stdout response:   {"id": n, "html": "..."}            (rendered)
//                      {"id": n, "error": "KaTeX message"}  (KaTeX rejected the TeX)
//                      {"id": n, "error": "...", "internal": true}  (bad request / bug)
// A response may carry "warnings": [...] (KaTeX strict-mode notes); they never
// go to stderr, so the caller only has to drain stderr for crash diagnostics.
import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import readline from "node:readline";

const args = process.argv.slice(2);
let output = "html";
let dir = process.env.QBANK_NODE_MODULES || "";
for (const a of args) {
  if (a.startsWith("--output=")) output = a.slice("--output=".length);
  else dir = a;
}
if (!["html", "htmlAndMathml", "mathml"].includes(output)) {
  process.stderr.write(`katex-render: bad --output ${output}\n`);
  process.exit(2);
}
if (!dir) {
  process.stderr.write("katex-render: no node_modules dir (argv or QBANK_NODE_MODULES); run `make setup`\n");
  process.exit(2);
}
dir = path.resolve(dir);
const pkgDir = existsSync(path.join(dir, "katex", "package.json")) ? path.join(dir, "katex") : dir;
let katex, version;
try {
  version = JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8")).version;
  // Absolute require of the package dir -> its "main" (dist/katex.js, CommonJS).
  katex = createRequire(import.meta.url)(pkgDir);
  if (typeof katex.renderToString !== "function") throw new Error("not katex");
} catch (e) {
  process.stderr.write(`katex-render: cannot load katex from ${pkgDir}: ${e.message}; run \`make setup\` (npm ci)\n`);
  process.exit(3);
}

const send = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
send({ ready: true, katex: version, output });

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
rl.on("line", (line) => {
  if (!line.trim()) return;
  let req;
  try {
    req = JSON.parse(line);
  } catch (e) {
    send({ id: null, error: `bad request: ${e.message}`, internal: true });
    return;
  }
  const id = req.id ?? null;
  if (typeof req.tex !== "string") {
    send({ id, error: "bad request: tex must be a string", internal: true });
    return;
  }
  const warnings = [];
  const untrusted = [];
  try {
    const html = katex.renderToString(req.tex, {
      displayMode: !!req.display,
      throwOnError: true,
      output,
      // Collect strict-mode notes instead of console.warn-ing them.
      strict: (code, msg) => { warnings.push(`${code}: ${msg}`); return "ignore"; },
      // \href, \url, \includegraphics, \htmlClass/Id/Style/Data: never trusted. KaTeX would
      // render them as red error text without throwing, so they are refused here instead.
      trust: (context) => { untrusted.push(context.command); return false; },
    });
    if (untrusted.length) {
      send({ id, error: `${[...new Set(untrusted)].join(", ")} is not allowed in a formula (links, images and HTML ` +
        "attributes cannot be put in math; write them outside the formula)" });
      return;
    }
    send(warnings.length ? { id, html, warnings } : { id, html });
  } catch (e) {
    if (e instanceof katex.ParseError) send({ id, error: e.message });
    else send({ id, error: String(e && e.stack || e), internal: true });
  }
});
rl.on("close", () => process.exit(0));
