import { build } from 'esbuild';
import path from 'node:path';
const entry = process.argv[2]!;
const r = await build({ entryPoints: [path.resolve(entry)], bundle: true, platform: 'node', format: 'esm', mainFields: ['module','main'], minify: true, write: false, outfile: '/tmp/cs/x.mjs', metafile: true, banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" }, logLevel: 'error' });
const out = Object.values(r.metafile.outputs)[0]!;
const byPkg = new Map<string, number>();
for (const [file, { bytesInOutput }] of Object.entries(out.inputs)) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  const key = m && !process.env.DEEP ? m[1]! : m ? file.split("node_modules/")[1]!.split("/").slice(0, 5).join("/") : file.split('/').slice(0, 2).join('/');
  byPkg.set(key, (byPkg.get(key) ?? 0) + bytesInOutput);
}
for (const [k, v] of [...byPkg].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log((v / 1024).toFixed(0).padStart(6), k);
