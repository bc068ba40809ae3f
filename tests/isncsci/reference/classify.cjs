// Classify Praxis-shaped ISNCSCI exams with the reference classifier (npm `isncsci`).
// Test-only: the reference is a black box called through its public API
// (`new ISNCSCI(exam)`, `.classification`, `.totals`); nothing of it is copied here.
//
//   node classify.cjs [file]            a JSON array of exams (stdin without a file)
//   node classify.cjs --unions [file]   a JSON array of {exam, choices}
//
// Classify: writes {"results": [...], "seconds": s}, one {classification, totals} per exam
// in input order ({error} when the reference throws). `seconds` is the classification time
// alone, measured with process.hrtime (start-up, parsing and writing excluded).
//
// Unions: `choices` is a list of [path, values] (path: keys into the exam, e.g.
// ["right", "motor", "C5"]); every combination of values (one per path) is written into the
// exam and classified; with "sample": k (and "seed"), k combinations drawn at random
// instead, extremes favoured (witnesses: values some completion reaches, not necessarily
// all of them).
// Writes {"results": [...], "seconds": s}, per exam {"completions": n, "values": {field:
// [distinct values]}} for the 11 classification fields (named by their path inside
// `classification`, as in notation.py), or {error}.
//
// The package is loaded from $REGENCORD_ISNCSCI_ORACLE/node_modules/isncsci when that is set,
// else through node's ordinary resolution (NODE_PATH).
"use strict";
const fs = require("fs");
const path = require("path");

function loadReference() {
  const home = process.env.REGENCORD_ISNCSCI_ORACLE;
  const where = home ? path.join(home, "node_modules", "isncsci") : "isncsci";
  return require(where).ISNCSCI;
}

const CLASSIFICATION_FIELDS = [
  ["neurologicalLevels", "sensoryRight"],
  ["neurologicalLevels", "sensoryLeft"],
  ["neurologicalLevels", "motorRight"],
  ["neurologicalLevels", "motorLeft"],
  ["neurologicalLevelOfInjury"],
  ["injuryComplete"],
  ["ASIAImpairmentScale"],
  ["zoneOfPartialPreservations", "sensoryRight"],
  ["zoneOfPartialPreservations", "sensoryLeft"],
  ["zoneOfPartialPreservations", "motorRight"],
  ["zoneOfPartialPreservations", "motorLeft"],
];
const FIELD_NAMES = CLASSIFICATION_FIELDS.map((keys) => keys.join("."));

function collect(classification, values) {
  for (let f = 0; f < CLASSIFICATION_FIELDS.length; f++) {
    const keys = CLASSIFICATION_FIELDS[f];
    const value = keys.length === 1 ? classification[keys[0]] : classification[keys[0]][keys[1]];
    values[f].add(String(value));
  }
}

// A small seeded generator (mulberry32), so that sampled completions are reproducible.
function mulberry32(seed) {
  let a = seed >>> 0;
  return function () {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function unions(ISNCSCI, item) {
  const exam = JSON.parse(JSON.stringify(item.exam));
  const choices = item.choices;
  const holders = choices.map(([keys]) => {
    let node = exam;
    for (const key of keys.slice(0, -1)) node = node[key];
    return [node, keys[keys.length - 1]];
  });
  const digits = choices.map(() => 0);
  const values = FIELD_NAMES.map(() => new Set());
  const random = item.sample ? mulberry32(item.seed || 0) : null;
  let count = 0;
  for (;;) {
    if (random) {
      // Extremes are favoured (a rare value is often all NT cells at their lowest or
      // highest): the lowest value with probability 1/3, the highest 1/3, else any.
      for (let i = 0; i < choices.length; i++) {
        const n = choices[i][1].length;
        const u = random() * 3;
        digits[i] = u < 1 ? 0 : u < 2 ? n - 1 : Math.floor((u - 2) * n);
      }
    }
    for (let i = 0; i < choices.length; i++) holders[i][0][holders[i][1]] = choices[i][1][digits[i]];
    const r = new ISNCSCI(exam);
    collect(r.classification, values);
    count++;
    if (random) {
      if (count === item.sample) break;
      continue;
    }
    let i = 0;
    while (i < choices.length && ++digits[i] === choices[i][1].length) digits[i++] = 0;
    if (i === choices.length) break;
  }
  const out = {};
  FIELD_NAMES.forEach((name, f) => (out[name] = [...values[f]]));
  return { completions: count, values: out };
}

function main() {
  const args = process.argv.slice(2);
  const unionMode = args[0] === "--unions";
  const file = unionMode ? args[1] : args[0];
  const ISNCSCI = loadReference();
  const items = JSON.parse(fs.readFileSync(file || 0, "utf8"));
  const results = new Array(items.length);
  const start = process.hrtime.bigint();
  for (let i = 0; i < items.length; i++) {
    try {
      if (unionMode) {
        results[i] = unions(ISNCSCI, items[i]);
      } else {
        const r = new ISNCSCI(items[i]);
        results[i] = { classification: r.classification, totals: r.totals };
      }
    } catch (error) {
      results[i] = { error: String(error && error.message ? error.message : error) };
    }
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(JSON.stringify({ results, seconds }));
}

main();
