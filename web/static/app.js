// The page: reads the settings and the derivation, asks the checker
// (backproof compiled to WebAssembly, globalThis.backproof) and shows its
// report. The inputs live in the URL fragment, so that the address is
// always a link to the check on screen.
"use strict";

const $ = (id) => document.getElementById(id);
const FILE = "derivation.txt";
const SETTINGS = ["convention", "act", "cost", "reduction"];

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
  // How many checks the page has shown and how long the last one took:
  // what a test waits for, and what it measures.
  verdict.dataset.checks = String(Number(verdict.dataset.checks || 0) + 1);
  verdict.dataset.ms = (performance.now() - start).toFixed(1);
  const report = $("report");
  report.replaceChildren();
  const notes = out.stderr.map((l) => l.replace(/^backproof: /, ""));
  if (out.exit === 2 || out.exit === 3) {
    const pre = el("pre", "errors", notes.join("\n"));
    report.append(pre);
    return;
  }
  showReport(report, JSON.parse(out.stdout), notes);
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
function changed() {
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

// Start the checker; once it is ready, check what is on screen.
globalThis.backproofReady = check;
(async () => {
  const go = new Go();
  try {
    let result;
    try {
      result = await WebAssembly.instantiateStreaming(fetch("backproof.wasm"), go.importObject);
    } catch {
      const bytes = await (await fetch("backproof.wasm")).arrayBuffer();
      result = await WebAssembly.instantiate(bytes, go.importObject);
    }
    go.run(result.instance);
  } catch (err) {
    showVerdict($("verdict"), "ERROR: the checker could not start: " + err);
  }
})();

if ("serviceWorker" in navigator && location.protocol.startsWith("http")) {
  navigator.serviceWorker.register("sw.js").catch(() => {});
}
