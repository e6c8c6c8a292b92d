import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
const entries = process.argv.slice(2);
const S = 'const c = process.cpuUsage(); const t = performance.now(); await import(process.argv[1]); const u = process.cpuUsage(c); process.stdout.write(String((u.user + u.system) / 1000));';
const outs: string[] = [];
for (const [i, e] of entries.entries()) {
  const outfile = `/tmp/cs/p${i}/index.mjs`;
  await build({ entryPoints: [path.resolve(e)], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node22', mainFields: ['module', 'main'], minify: true, sourcemap: true, sourcesContent: false, banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" }, logLevel: 'error' });
  outs.push(outfile);
}
const times = outs.map(() => [] as number[]);
const env = { PATH: process.env.PATH!, TABLE_NAME: 't', AWS_REGION: 'eu-west-1', NODE_OPTIONS: process.env.OPTS ?? '--enable-source-maps', AWS_LAMBDA_FUNCTION_NAME: 'x', ...(process.env.NOEXEC ? {} : { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' }) };
for (let r = 0; r < Number(process.env.RUNS ?? 10); r++) outs.forEach((o, i) => times[i]!.push(Number(execFileSync(process.execPath, ['--input-type=module', '-e', S, o], { env }).toString())));
const med = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
entries.forEach((e, i) => console.log(med(times[i]!).toFixed(1).padStart(7), e));
