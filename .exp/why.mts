import { bundleEntry } from '/work/main/bench/cold-start';
const [entry, pkg] = process.argv.slice(2);
const meta = await bundleEntry(entry!, '/tmp/cs/why/index.mjs');
// who imports files of pkg (first-level importers outside pkg)
const importers = new Map<string, Set<string>>();
for (const [file, input] of Object.entries(meta.inputs)) for (const imp of input.imports) {
  if (imp.path.includes(pkg!) && !file.includes(pkg!)) { if (!importers.has(file)) importers.set(file, new Set()); importers.get(file)!.add(imp.path); }
}
for (const [f, s] of importers) console.log(f, '->', [...s].join(', '));
const out = Object.values(meta.outputs)[0]!;
console.log('bytes of our files:'); for (const [f, i] of Object.entries(out.inputs).filter(([f]) => !f.includes('node_modules')).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput).slice(0, 15)) console.log(String(i.bytesInOutput).padStart(7), f);
