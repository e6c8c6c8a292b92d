import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { TICKETER_BUNDLING as b, PROJECT_ROOT } from '/work/main/infra/constructs/ticketer-function';
import { functionTargets, LAMBDA_ENVIRONMENT } from '/work/main/bench/cold-start';
const entries = process.argv.slice(2);
for (const entry of entries) {
  const target = functionTargets().find((t) => 'file' in t.entry && t.entry.file === entry)!;
  const file = `/tmp/cs/count/${path.basename(entry, '.ts')}/index.mjs`;
  await build({ entryPoints: [path.join(PROJECT_ROOT, entry)], outfile: file, bundle: true, platform: 'node', format: 'esm', target: b.target, mainFields: [...b.mainFields], minify: false, sourcemap: true, banner: { js: b.banner + 'globalThis.__zc=new Map(); Error.stackTraceLimit=80;' }, tsconfig: b.tsconfig, logLevel: 'error',
    plugins: [{ name: 'count', setup(bld) { bld.onLoad({ filter: /zod\/v4\/core\/core\.js$/ }, (a) => ({ contents: readFileSync(a.path, 'utf8').replace('this.def = def;', 'this.def = def; { const s = (new Error().stack.split("\\n").slice(2).find((l) => !l.includes("node_modules/zod")) ?? "?").replace(/^.*\\((.*)\\)$/, "$1").replace(/:\\d+:\\d+$/, ""); globalThis.__zc.set(s, (globalThis.__zc.get(s) ?? 0) + 1); }'), loader: 'js' })); } }] });
  const out = execFileSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', `await import(process.argv[1]); const all=[...globalThis.__zc]; console.log('total', all.reduce((a,[,c])=>a+c,0)); console.log(all.sort((a,b)=>b[1]-a[1]).slice(0,15).map(([k,c])=>c+' '+k).join('\\n'))`, 'file://' + file], { env: { PATH: process.env.PATH!, ...LAMBDA_ENVIRONMENT, ...target.environment } }).toString();
  console.log('##', entry, '\n' + out);
}
