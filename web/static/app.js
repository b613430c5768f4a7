// The page: reads the settings and the derivation, asks the checker
// (backproof compiled to WebAssembly, globalThis.backproof) and shows its
// report. The inputs live in the URL fragment, so that the address is
// always a link to the check on screen.
"use strict";

const $ = (id) => document.getElementById(id);
const FILE = "derivation.txt";
const SETTINGS = ["convention", "act", "cost", "reduction", "lambda", "lambda-n", "keep-prob"];

// args are the command line's flags for the settings chosen; an empty
// field is a flag not given, which the paste's header or the default fills.
function args() {
  const out = [];
  for (const name of SETTINGS) {
    const v = $(name).value.trim();
    if (v) out.push("--" + name, v);
  }
  return out;
}

function quote(s) {
  return /^[\w.,\/-]+$/.test(s) ? s : "'" + s.replace(/'/g, "'\\''") + "'";
}

// check runs the derivation through the checker and shows the result.
function check() {
  if (!globalThis.backproof) return;
  const a = args();
  $("command").textContent = ["backproof formula", FILE, ...a].map(quote).join(" ").replace(/^'backproof formula'/, "backproof formula");
  const start = performance.now();
  const out = JSON.parse(backproof.formula(FILE, $("code").value, ["--json", ...a]));
  const verdict = $("verdict");
  showVerdict(verdict, out.verdict);
  const report = $("report");
  report.replaceChildren();
  const notes = out.stderr.map((l) => l.replace(/^backproof: /, ""));
  if (out.exit === 2 || out.exit === 3) {
    report.append(el("pre", "errors", notes.join("\n")));
  } else {
    showReport(report, JSON.parse(out.stdout), notes);
  }
  // How many checks the page has shown and how long the last one took,
  // drawn: what a test waits for, and what it measures; and the time
  // from the keystroke, which holds the pause after it and any check
  // still running.
  count(verdict, start);
  if (inputAt) verdict.dataset.fromInput = (performance.now() - inputAt).toFixed(1);
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function showVerdict(node, verdict) {
  node.textContent = verdict;
  const word = verdict.startsWith("CANNOT TELL") ? "cannot-tell" : verdict.split(/[:,\s]/)[0].toLowerCase();
  node.className = "verdict " + word;
}

// showReport draws the formula report (the JSON of backproof formula
// --json): what the problem is, then every line with its status, shape,
// largest relative error, mistake codes and sentence.
function showReport(node, r, notes) {
  node.append(el("p", "head", `${r.convention} convention, ${r.activations.join(",")} layers, ${r.cost} cost, ${r.reduction} reduction`));
  const dims = Object.keys(r.dims).sort((a, b) => (a === "m" ? -1 : b === "m" ? 1 : a.localeCompare(b, "en", { numeric: true })));
  node.append(el("p", "head", "dims: " + dims.map((k) => `${k} = ${r.dims[k]}`).join(", ")));
  for (const n of notes) node.append(el("p", "note", n));
  for (const w of r.warnings || []) node.append(el("p", "warning", "warning: " + w));
  for (const res of r.results) {
    const block = el("div", "line");
    block.append(el("div", "src", `line ${res.line}: ${res.text}`));
    const facts = el("div", "facts");
    if (res.checked) {
      facts.append(el("span", "status " + res.status, res.status));
      let shape = res.shape ? `shape ${res.shape}` : `want shape ${res.want_shape}`;
      if (res.shape && res.shape !== res.want_shape) shape += ` (want ${res.want_shape})`;
      facts.append(" " + shape);
      if (res.max_rel_error !== null && res.max_rel_error !== undefined) facts.append(`   max rel error ${fmt(res.max_rel_error)}`);
      for (const code of res.diagnosis || []) facts.append(" ", el("span", "code-tag", code));
      block.append(facts);
      block.append(el("div", "msg", res.message));
    } else {
      const text = res.status === "correct" ? (res.message || `helper, shape ${res.shape}`) : `helper, ${res.status}: ${res.message}`;
      block.append(el("div", "msg", text));
    }
    for (const n of res.notes || []) block.append(el("div", "note", "note: " + n));
    node.append(block);
  }
}

// fmt writes a number as Go's %.2g does.
function fmt(x) {
  if (x === 0) return "0";
  const e = Math.floor(Math.log10(Math.abs(x)));
  if (e < -4 || e >= 2) return x.toExponential(1).replace(/\.0e/, "e").replace(/e([+-])(\d)$/, "e$10$2");
  return String(Number(x.toPrecision(2)));
}

// The URL fragment: #convention=row&act=sigmoid&cost=quadratic&reduction=mean&code=…
function toFragment() {
  const p = new URLSearchParams();
  for (const name of SETTINGS) {
    const v = $(name).value.trim();
    if (v) p.set(name, v);
  }
  p.set("code", $("code").value);
  return "#" + p.toString().replace(/\+/g, "%20");
}

function fromFragment() {
  if (location.hash.length < 2) return false;
  const p = new URLSearchParams(location.hash.slice(1));
  for (const name of SETTINGS) {
    const v = p.get(name) || "";
    const node = $(name);
    if (node.tagName === "SELECT" && v && ![...node.options].some((o) => o.value === v)) {
      node.append(new Option(v, v));
    }
    node.value = v;
  }
  if (p.has("code")) $("code").value = p.get("code");
  return true;
}

let timer = 0;
let inputAt = 0;
function changed() {
  typed = true;
  inputAt = performance.now();
  history.replaceState(null, "", toFragment());
  clearTimeout(timer);
  timer = setTimeout(check, 60);
}

for (const name of SETTINGS) $(name).addEventListener("input", changed);
$("code").addEventListener("input", changed);
window.addEventListener("hashchange", () => { fromFragment(); check(); });

$("share").addEventListener("click", async () => {
  const link = location.href.split("#")[0] + toFragment();
  history.replaceState(null, "", toFragment());
  try {
    await navigator.clipboard.writeText(link);
    $("shared").textContent = "link copied";
  } catch {
    $("shared").textContent = "the address bar holds the link";
  }
});

fromFragment();

// start instantiates a checker (a WebAssembly file) in a Go runtime of
// its own; it announces itself through backproofReady.
async function start(file) {
  const go = new Go();
  let result;
  try {
    result = await WebAssembly.instantiateStreaming(fetch(file), go.importObject);
  } catch {
    const bytes = await (await fetch(file)).arrayBuffer();
    result = await WebAssembly.instantiate(bytes, go.importObject);
  }
  go.run(result.instance);
}

// The checker starts at once, and checks what the page holds as soon as
// it has started; checker() waits for it.
let started;
const ready = new Promise((resolve) => { started = resolve; });
globalThis.backproofReady = () => { started(); check(); setTimeout(warm, 0); };

// warm runs the checker on derivations of its own right after it has
// started, before the learner types: the first runs of WebAssembly code
// are its slowest (the browser compiles it quickly first, and optimizes
// what runs hot), and the heap grows to its size, so that the first check
// a learner sees is not the one that pays for that. One derivation at a
// time, yielding between them; it stops as soon as the learner types, and
// draws each report where nobody sees it, to warm the page's script too.
const WARM = [
  `# backproof: --convention row --act sigmoid --cost quadratic --reduction mean
Z1 = X @ W1 + b1
A1 = sigmoid(Z1)
Z2 = A1 @ W2 + b2
A2 = sigmoid(Z2)
dZ2 = (A2 - Y) * A2 * (1 - A2) / m
dW2 = A1.T @ dZ2
db2 = np.sum(dZ2, axis=0)
dA1 = dZ2 @ W2.T
dZ1 = dA1 * sigmoid'(Z1)
dW1 = X.T @ dZ1
db1 = np.sum(dZ1, axis=0, keepdims=True)`,
  `# backproof: --convention column --act relu,softmax --cost log-likelihood --reduction sum
\delta^2 = a^2 - y
\frac{\partial C}{\partial W^2} = \delta^2 (a^1)^T
\delta^1 = (W^2)^T \delta^2 \odot \sigma'(z^1)
dW1 = dZ1 @ X.T`,
  `dZ2 = (A2 - Y) * sigmoid'(Z2)
dW2 = A1.T @ (dZ2 / m`,
];
const WARM_RUNS = 2 * WARM.length;
let typed = false;
function warm(i = 0) {
  if (typed || i >= WARM_RUNS) return;
  const out = JSON.parse(backproof.formula(FILE, WARM[i % WARM.length], ["--json"]));
  if (out.exit === 0 || out.exit === 1) showReport(document.createElement("div"), JSON.parse(out.stdout), []);
  $("verdict").dataset.warm = String(i + 1);
  collectSoon();
  setTimeout(() => warm(i + 1), 0);
}
const failed = start("backproof.wasm").then(() => new Promise(() => {}), (err) => {
  showVerdict($("verdict"), "ERROR: the checker could not start: " + err);
  throw err;
});

function checker() {
  return Promise.race([ready, failed]);
}

// ---- Your arrays ----

let problem = null; // {name, bytes}

function problemArgs() {
  const out = [];
  for (const name of ["net", "batch", "seed", ...SETTINGS]) {
    const v = $(name).value.trim();
    if (v) out.push("--" + name, v);
  }
  return out;
}

function setProblem(name, bytes, summary) {
  problem = { name, bytes };
  $("problem-summary").textContent = summary;
  $("check-verdict").hidden = true;
  $("check-command").hidden = true;
  $("check-report").replaceChildren();
}

$("make").addEventListener("click", async () => {
  $("problem-summary").textContent = "waiting for the checker to start…";
  try {
    await checker();
  } catch (err) {
    $("problem-summary").textContent = "ERROR: the checker could not start: " + err;
    return;
  }
  const a = problemArgs();
  const out = JSON.parse(backproof.problem(a));
  if (out.exit !== 0) {
    $("download").hidden = true;
    problem = null;
    $("problem-summary").textContent = out.verdict;
    return;
  }
  const bytes = new TextEncoder().encode(out.stdout);
  const link = $("download");
  if (link.href) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(new Blob([bytes], { type: "application/json" }));
  link.hidden = false;
  const p = JSON.parse(out.stdout);
  const sizes = [p.layers[0].W.length, ...p.layers.map((l) => l.b.length)];
  if (p.convention === "row") sizes[0] = p.X[0].length; else sizes[0] = p.X.length;
  setProblem("problem.json", bytes,
    `problem.json: network ${sizes.join(",")}, ${p.convention} convention, ${p.layers.map((l) => l.activation).join(",")}, ${p.cost} cost, ${p.reduction} reduction. ` +
    `The same file on your computer: ${["backproof check", ...a.map(quote), "--save problem.json"].join(" ")}`);
});

$("problem-file").addEventListener("change", async (e) => {
  const f = e.target.files[0];
  if (!f) return;
  setProblem(f.name, new Uint8Array(await f.arrayBuffer()), `loaded ${f.name}`);
  $("download").hidden = true;
});

async function checkFiles(list) {
  const given = [...list];
  if (given.length === 0) return;
  const verdict = $("check-verdict");
  verdict.hidden = false;
  if (!problem) {
    showVerdict(verdict, "ERROR: make or load a problem first: your gradient is the gradient of a problem");
    count(verdict);
    return;
  }
  showVerdict(verdict, "waiting for the checker to start…");
  try {
    await checker();
  } catch (err) {
    showVerdict(verdict, "ERROR: the checker could not start: " + err);
    return;
  }
  const files = await Promise.all(given.map(async (f) => ({ name: f.name, data: new Uint8Array(await f.arrayBuffer()) })));
  const gradient = files.length === 1 ? files[0].name : "gradient";
  const start = performance.now();
  const out = JSON.parse(backproof.gradient(problem.name, problem.bytes, files, ["--json"]));
  showVerdict(verdict, out.verdict);
  count(verdict, start);
  $("check-command").hidden = false;
  $("check-command").textContent = `The same check on your computer: backproof check ${quote(problem.name)} --gradient ${quote(gradient)}` +
    (files.length > 1 ? " (a folder holding the .npy files)" : "");
  const report = $("check-report");
  report.replaceChildren();
  if (out.exit === 2 || out.exit === 3) {
    report.append(el("pre", "errors", out.stderr.map((l) => l.replace(/^backproof: /, "")).join("\n")));
    return;
  }
  showCheck(report, JSON.parse(out.stdout), out.heat || []);
}

// count records a shown check, for tests and for timing, and has Go's
// collector run once the check is painted.
function count(node, start) {
  node.dataset.checks = String(Number(node.dataset.checks || 0) + 1);
  if (start !== undefined) node.dataset.ms = (performance.now() - start).toFixed(1);
  collectSoon();
}

// collectSoon runs Go's collector after the next paint, while the learner
// reads the verdict or types the next key. A collection that falls inside
// a check, as Go's own schedule puts one every few checks, made that
// check several times slower in Chromium (60 to 110 ms more for twenty
// lines); one after every check, on the little each check leaves, takes
// a few milliseconds where nobody waits for it. Checks that follow each
// other faster than frames are painted share one collection.
let collectPending = false;
function collectSoon() {
  if (collectPending) return;
  collectPending = true;
  requestAnimationFrame(() => setTimeout(() => {
    collectPending = false;
    backproof.collect();
    const v = $("verdict");
    v.dataset.collections = String(Number(v.dataset.collections || 0) + 1);
  }, 0));
}

const drop = $("drop");
drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  checkFiles(e.dataTransfer.files);
});
$("gradient-file").addEventListener("change", (e) => { checkFiles(e.target.files); e.target.value = ""; });

function cell(row, text, cls) {
  const td = el("td", cls, text);
  row.append(td);
  return td;
}

function table(headers) {
  const wrap = el("div", "table-wrap");
  const t = el("table");
  const head = el("tr");
  for (const h of headers) head.append(el("th", null, h));
  t.append(head);
  wrap.append(t);
  return [wrap, t];
}

function num(x) {
  if (x === null || x === undefined) return "";
  if (typeof x === "string") return x;
  return x === 0 ? "0" : x.toExponential(3);
}

// showCheck draws the check of the learner's gradient (the JSON of
// backproof check --gradient --json): each array's verdict, the worst
// entries side by side (yours, backpropagation, finite differences), the
// diagnosis, and a heat map of every array's relative errors.
function showCheck(node, r, heat) {
  const L = r.learner || {};
  if (L.message) node.append(el("p", "head", L.message));
  const codes = {};
  for (const d of r.diagnosis || []) codes[d.layer + d.param] = d.code || "no code";
  if (L.params) {
    const [wrap, t] = table(["array", "shape", "max abs err", "max rel err", "status"]);
    for (const p of L.params) {
      const row = el("tr");
      cell(row, `d${p.param}${p.layer}`);
      const shape = p.shape ? p.shape.join("×") : "";
      const want = p.want_shape ? p.want_shape.join("×") : "";
      cell(row, shape === want ? shape : `${shape} (want ${want})`, shape === want ? null : "bad");
      cell(row, num(p.max_abs_error));
      cell(row, num(p.max_rel_error));
      const code = codes[p.layer + p.param];
      cell(row, p.agree ? "agrees" : "WRONG" + (code ? ` [${code}]` : ""), p.agree ? "ok" : "bad");
      t.append(row);
    }
    node.append(wrap);
  }
  if (L.worst && L.worst.length) {
    node.append(el("p", "head", "Worst entries of yours, side by side (layer, param, row, column):"));
    const [wrap, t] = table(["entry", "yours", "backprop", "numeric", "rel error"]);
    for (const w of L.worst) {
      const row = el("tr");
      cell(row, w.param === "b" ? `(${w.layer}, b, unit ${w.row})` : `(${w.layer}, W, ${w.row}, ${w.col})`);
      cell(row, num(w.yours));
      cell(row, num(w.backprop));
      cell(row, num(w.numeric));
      cell(row, num(w.rel_error), w.rel_error > 1e-7 ? "bad" : "ok");
      t.append(row);
    }
    node.append(wrap);
  }
  for (const d of r.diagnosis || []) {
    node.append(el("p", "msg", `d${d.param}${d.layer}${d.code ? " [" + d.code + "]" : ""}: ${d.message}`));
  }
  const maps = el("div", "heat");
  for (const h of heat) {
    const fig = el("figure");
    const name = `d${h.param}${h.layer}`;
    if (!h.rel) {
      fig.append(el("figcaption", null, `${name}: its shape is not the parameter's, so its entries cannot be set against backpropagation's`));
      maps.append(fig);
      continue;
    }
    fig.append(drawHeat(h.rel, name));
    fig.append(el("figcaption", null, `${name}, ${h.rel.length}×${h.rel[0].length}`));
    maps.append(fig);
  }
  if (heat.length) {
    node.append(el("p", "head", "Where your entries differ from backpropagation: each entry's relative error |a−n| / max(|a|,|n|)."));
    node.append(maps);
    node.append(el("p", "legend", "Light: 1e-10 or less (agrees); dark red: 1e-2 or more (wrong); log scale between."));
  }
}

// drawHeat draws a matrix of relative errors on a canvas, one square an
// entry, light where they agree and dark red where they differ.
function drawHeat(rel, name) {
  const rows = rel.length, cols = rel[0].length;
  const cell = Math.max(4, Math.min(24, Math.floor(280 / Math.max(rows, cols))));
  const c = document.createElement("canvas");
  c.width = cols * cell;
  c.height = rows * cell;
  c.setAttribute("role", "img");
  const worst = Math.max(...rel.flat());
  c.setAttribute("aria-label", `${name}: largest relative error ${num(worst)}`);
  const g = c.getContext("2d");
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const e = rel[i][j];
      const v = e > 0 ? Math.min(1, Math.max(0, (Math.log10(e) + 10) / 8)) : 0;
      g.fillStyle = `rgb(${Math.round(250 - 90 * v)}, ${Math.round(245 - 225 * v)}, ${Math.round(235 - 210 * v)})`;
      g.fillRect(j * cell, i * cell, cell, cell);
    }
  }
  return c;
}

// The service worker keeps the page's files for offline use.
if ("serviceWorker" in navigator && location.protocol.startsWith("http")) {
  navigator.serviceWorker.register("sw.js").catch(() => {});
}
