// Where the bytes of a wasm module are: section sizes, and code bytes grouped by the function
// names in the module's name section (link with --profiling-funcs to keep them).
//   node scripts/wasm-size.mjs FILE.wasm [--top N] [--depth D] [--functions] [--match RE,RE]
//                              [--diff OTHER.wasm]
// --diff: code bytes per function name, FILE against OTHER (both linked with names), largest
// growth first; a function only in OTHER was inlined away in FILE (how the link's inlining
// was found to cost 57 KB of the payments module: docs/performance.md "Payments module size").
// (a build with names: rerun the link command of build/wasm/wasm/CMakeFiles/datt_wasm.dir/link.txt,
// or datt_wasm_pay.dir/link.txt for the payments module,
// with --profiling-funcs added and -o elsewhere; docs/performance.md "Size")
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const file = args[0];
const opt = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const top = opt('--top', 40);
const depth = opt('--depth', 3);
let bytes = readFileSync(file);

let pos = 8;
const leb = () => {
  let result = 0, shift = 0, b;
  do { b = bytes[pos++]; result += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
  return result;
};
const str = () => { const n = leb(); const s = bytes.toString('utf8', pos, pos + n); pos += n; return s; };

const SECTION_NAMES = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'datacount'];
const sections = [];
let importedFuncs = 0;
const bodySizes = [];
const names = new Map();
while (pos < bytes.length) {
  const id = bytes[pos++];
  const size = leb();
  const start = pos;
  let label = SECTION_NAMES[id] ?? `id${id}`;
  if (id === 0) label = `custom:${str()}`;
  if (id === 2) {
    pos = start;
    for (let n = leb(); n > 0; n--) {
      str(); str();
      const kind = bytes[pos++];
      if (kind === 0) { leb(); importedFuncs++; }
      else if (kind === 1) { pos++; const f = leb(); leb(); if (f & 1) leb(); }
      else if (kind === 2) { const f = leb(); leb(); if (f & 1) leb(); }
      else if (kind === 3) { pos += 2; }
    }
  }
  if (id === 10) {
    pos = start;
    for (let n = leb(); n > 0; n--) { const s = leb(); bodySizes.push(s); pos += s; }
  }
  if (label === 'custom:name') {
    while (pos < start + size) {
      const sub = bytes[pos++];
      const subSize = leb();
      const subEnd = pos + subSize;
      if (sub === 1) for (let n = leb(); n > 0; n--) { const idx = leb(); names.set(idx, str()); }
      pos = subEnd;
    }
  }
  sections.push([label, size]);
  pos = start + size;
}

console.log(`${file}: ${bytes.length} B`);
for (const [label, size] of sections) console.log(`  section ${label.padEnd(20)} ${String(size).padStart(9)} B`);

// Group code bytes by a name prefix: the first `depth` namespace parts of a C++ name
// (template arguments and parameters cut), or the C prefix (secp256k1_, __, emscripten_).
const groupOf = (name) => {
  if (!name) return '(unnamed)';
  let n = name.replace(/^(void|bool|int|unsigned|char|long|auto|[\w:]+<.*?>|[\w:]+)\s+(?=[\w:~]+(::|\())/, '');
  let cut = '';
  let angle = 0;
  for (const ch of n) {
    if (ch === '<') angle++;
    else if (ch === '>') angle--;
    else if (angle === 0 && ch === '(') break;
    else if (angle === 0) cut += ch;
  }
  const parts = cut.split('::');
  if (parts.length === 1) {
    const m = /^(secp256k1_|emscripten_|__cxa|__cxx|__|_embind|dl|std|em)/.exec(cut);
    return m ? m[1] + '*' : '(C) ' + (cut.length > 30 ? cut.slice(0, 30) : cut);
  }
  return parts.slice(0, Math.min(depth, parts.length - 1)).join('::');
};
const groups = new Map();
bodySizes.forEach((size, i) => {
  const g = groupOf(names.get(importedFuncs + i));
  const entry = groups.get(g) ?? { bytes: 0, count: 0 };
  entry.bytes += size; entry.count++;
  groups.set(g, entry);
});
const code = bodySizes.reduce((a, b) => a + b, 0);
console.log(`\ncode: ${bodySizes.length} functions, ${code} B; by name prefix (top ${top}):`);
for (const [g, { bytes: b, count }] of [...groups].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, top)) {
  console.log(`  ${String(b).padStart(8)} B ${String(count).padStart(5)} fn  ${g}`);
}
if (args.includes('--functions')) {
  console.log(`\nlargest functions:`);
  bodySizes.map((s, i) => [s, names.get(importedFuncs + i)]).sort((a, b) => b[0] - a[0]).slice(0, top)
    .forEach(([s, n]) => console.log(`  ${String(s).padStart(8)} B  ${(n ?? '?').slice(0, 160)}`));
}
if (args.includes('--diff')) {
  // Read OTHER with the same parser (the loop above, run again on its bytes).
  const mine = new Map();
  bodySizes.forEach((s, i) => { const n = names.get(importedFuncs + i) ?? `?${i}`; mine.set(n, (mine.get(n) ?? 0) + s); });
  const other = functionSizes(readFileSync(args[args.indexOf('--diff') + 1]));
  const rows = [...new Set([...mine.keys(), ...other.keys()])]
    .map((n) => [n, mine.get(n) ?? 0, other.get(n) ?? 0]).sort((a, b) => (b[1] - b[2]) - (a[1] - a[2]));
  const sum = (m) => [...m.values()].reduce((a, b) => a + b, 0);
  console.log(`\ncode by function against ${args[args.indexOf('--diff') + 1]}: ${sum(mine)} B against ${sum(other)} B; largest growth (this, other):`);
  for (const [n, a, b] of rows.slice(0, top)) console.log(`  ${String(a - b).padStart(8)} B ${String(a).padStart(8)} ${String(b).padStart(8)}  ${n.slice(0, 140)}`);
}
if (args.includes('--match')) {
  for (const pattern of args[args.indexOf('--match') + 1].split(',')) {
    const re = new RegExp(pattern);
    let sum = 0, count = 0;
    bodySizes.forEach((s, i) => { if (re.test(names.get(importedFuncs + i) ?? '')) { sum += s; count++; } });
    console.log(`  /${pattern}/: ${sum} B in ${count} functions`);
  }
}

// Code bytes by function name of another module (for --diff).
function functionSizes(other) {
  let at = 8, imported = 0;
  const num = () => { let r = 0, shift = 0, b; do { b = other[at++]; r += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80); return r; };
  const text = () => { const n = num(); const s = other.toString('utf8', at, at + n); at += n; return s; };
  const sizes = [], found = new Map(), out = new Map();
  while (at < other.length) {
    const id = other[at++], size = num(), start = at;
    if (id === 2) {
      for (let n = num(); n > 0; n--) {
        text(); text();
        const kind = other[at++];
        if (kind === 0) { num(); imported++; }
        else if (kind === 1) { at++; const f = num(); num(); if (f & 1) num(); }
        else if (kind === 2) { const f = num(); num(); if (f & 1) num(); }
        else if (kind === 3) at += 2;
      }
    }
    if (id === 10) for (let n = num(); n > 0; n--) { const s = num(); sizes.push(s); at += s; }
    if (id === 0 && text() === 'name') {
      while (at < start + size) {
        const sub = other[at++], subEnd = num() + at;
        if (sub === 1) for (let n = num(); n > 0; n--) { const idx = num(); found.set(idx, text()); }
        at = subEnd;
      }
    }
    at = start + size;
  }
  sizes.forEach((s, i) => { const n = found.get(imported + i) ?? `?${i}`; out.set(n, (out.get(n) ?? 0) + s); });
  return out;
}
