#!/usr/bin/env node
// Render CSL-JSON items with citeproc-js, Zotero's CSL processor: the reference that our
// own CSL engine is compared with (tests/citeproc_js.py runs this file).
//
// stdin: one JSON request, or an array of them (one node start for many styles):
//   {"style": "<CSL XML text>", "locale": "en-US", "locales_dir": "/path/to/csl-locales",
//    "items": [CSL-JSON items], "mode": "bibliography" | "citation",
//    "format": "text" (default) | "html", "force_locale": false (default) | true}
//   "locale" is used when the style sets no default-locale; with "force_locale" it wins
//   over the style's (a dependent style's own default-locale, which its parent lacks).
// stdout: for each request, [{"id": ..., "text": ...}]:
//   - bibliography: the entries in the style's bibliography order, as makeBibliography
//     returns them, less those that print nothing (Zotero shows none for them); in HTML,
//     each entry's content without citeproc-js's <div class="csl-entry"> around it;
//   - citation: one citation of each item alone, in the order of "items", after all the
//     items were registered in that order (so numeric styles number them 1, 2, 3, ...).
// With the environment variable CITEPROC_JS_TIMING=1, the milliseconds spent rendering
// (the engine's set-up included, node's start and the JSON reading excluded) go to stderr
// as one line "citeproc-js-ms: N".
"use strict";

const fs = require("fs");
const path = require("path");
const CSL = require("citeproc");

function readStdin() {
  return fs.readFileSync(0, "utf8");
}

// Building an engine for a large style takes citeproc-js up to a second (apa, chicago),
// so the requests of one style share one engine: each request empties its registry and
// registers its own items. CITEPROC_JS_FRESH=1 builds a new engine for every request
// instead (the tests check that both print the same).
const engines = new Map();

function engineFor(request) {
  const key = JSON.stringify([request.style, request.locale, request.force_locale,
    request.locales_dir, request.format]);
  let entry = engines.get(key);
  if (entry === undefined || process.env.CITEPROC_JS_FRESH === "1") {
    entry = { items: new Map() };
    const sys = {
      retrieveLocale(lang) {
        const file = path.join(request.locales_dir, `locales-${lang}.xml`);
        return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : false;
      },
      retrieveItem(id) {
        return entry.items.get(String(id));
      },
    };
    entry.engine = new CSL.Engine(
      sys, request.style, request.locale || "en-US", Boolean(request.force_locale));
    entry.engine.setOutputFormat(request.format || "text");
    engines.set(key, entry);
  }
  entry.engine.updateItems([]);
  entry.items = new Map(request.items.map((item) => [String(item.id), item]));
  entry.engine.updateItems(request.items.map((item) => String(item.id)));
  return entry.engine;
}

function bibliography(engine) {
  const result = engine.makeBibliography();
  if (!result) {
    return []; // the style has no <bibliography>
  }
  const [meta, entries] = result;
  let ids = meta.entry_ids.map((group) => String(group[0]));
  if (ids.length !== entries.length) {
    // citeproc-js lists the id of an entry that prints nothing but leaves out its text, so
    // the two lists no longer line up: find those entries one by one and leave them out.
    ids = ids.filter((id) => printsSomething(engine, id));
  }
  return ids.map((id, index) => ({ id, text: entryContent(entries[index]) }));
}

// An HTML entry without the <div class="csl-entry"> that citeproc-js wraps it in (and the
// line breaks and indentation around it): the wrapper is the page's, not the style's.
function entryContent(entry) {
  const wrapped = /^\s*<div class="csl-entry">([\s\S]*)<\/div>\s*$/.exec(entry);
  return wrapped ? wrapped[1].trim() : entry;
}

function printsSomething(engine, id) {
  const [, entries] = engine.makeBibliography({ select: [{ field: "id", value: id }] });
  return entries.length > 0;
}

function citations(engine, request) {
  return request.items.map((item) => ({
    id: String(item.id),
    text: engine.makeCitationCluster([{ id: String(item.id) }]),
  }));
}

function render(request) {
  const engine = engineFor(request);
  const mode = request.mode || "bibliography";
  if (mode === "bibliography") {
    return bibliography(engine);
  }
  if (mode === "citation") {
    return citations(engine, request);
  }
  throw new Error(`unknown mode ${JSON.stringify(mode)}`);
}

function main() {
  const input = JSON.parse(readStdin());
  const started = process.hrtime.bigint();
  const output = Array.isArray(input) ? input.map(render) : render(input);
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (process.env.CITEPROC_JS_TIMING === "1") {
    process.stderr.write(`citeproc-js-ms: ${elapsed.toFixed(3)}\n`);
  }
  process.stdout.write(JSON.stringify(output));
}

main();
