// npx tsx /tmp/cs/exp.mts <entry> variant... ; variants: base, notracer, nomaps, nologger
import { build, type Plugin } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { TICKETER_BUNDLING as b, PROJECT_ROOT } from '/work/main/infra/constructs/ticketer-function';
import { functionTargets, LAMBDA_ENVIRONMENT } from '/work/main/bench/cold-start';
import { writeFileSync } from 'node:fs';
const [entry, ...variants] = process.argv.slice(2);
const stubs: Record<string, Record<string, string>> = {
  notracer: {
    '^@aws-lambda-powertools/tracer$': `export class Tracer { constructor(){} isTracingEnabled(){return false} captureAWSv3Client(c){return c} getSegment(){} setSegment(){} annotateColdStart(){} addServiceNameAnnotation(){} }`,
    '^@aws-lambda-powertools/tracer/middleware$': `export const captureLambdaHandler = () => ({ before(){} })`,
  },
};
const env = { PATH: process.env.PATH!, AWS_REGION: 'eu-west-1', AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000', AWS_LAMBDA_FUNCTION_NAME: 'x', TABLE_NAME: 't', AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024', LAMBDA_TASK_ROOT: '/var/task', POWERTOOLS_SERVICE_NAME: 'ticketer', POWERTOOLS_METRICS_NAMESPACE: 'T', LIVE_API_ENDPOINT: 'wss://abcdef1234.execute-api.eu-west-1.amazonaws.com', INVITATION_ACCEPT_URL: 'https://inbox.example/accept', TELEGRAM_API_URL: 'https://api.telegram.org', ATTACHMENTS_BUCKET_NAME: 'b', CHANNEL_SECRETS_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:x', FAN_OUT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:t', FLOW_ENGINE_FUNCTION_NAME: 'f', FLOW_TIMERS_DEAD_LETTER_QUEUE_ARN: 'arn:aws:sqs:eu-west-1:123456789012:q', FLOW_TIMERS_FUNCTION_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:f', FLOW_TIMERS_ROLE_ARN: 'arn:aws:iam::123456789012:role/r', FLOW_TIMERS_SCHEDULE_GROUP: 'g', LIVE_STAGE: 'live', MAIL_FROM: 'a@b.c', TICKET_COMMAND_FUNCTION_NAME: 'tc' };
const target = functionTargets().find((t) => 'file' in t.entry && t.entry.file === entry);
const fenv = { PATH: process.env.PATH!, ...LAMBDA_ENVIRONMENT, ...(target?.environment ?? { AWS_LAMBDA_FUNCTION_NAME: 'bare' }) };
const outs: { v: string; file: string; env: Record<string, string>; cpu: number[] }[] = [];
for (const v of variants) {
  const parts = v.split('+');
  const plugins: Plugin[] = parts.filter((p) => stubs[p]).map((p) => ({ name: p, setup(bld) {
    for (const [re, contents] of Object.entries(stubs[p]!)) {
      bld.onResolve({ filter: new RegExp(re) }, (a) => ({ path: a.path, namespace: 'stub-' + p }));
      bld.onLoad({ filter: new RegExp(re.replace(/^\^|\$$/g, '').replace(/^/, '^').replace(/$/, '$')), namespace: 'stub-' + p }, () => ({ contents, loader: 'js' }));
    }
  } }));
  const file = `/tmp/cs/exp/${path.basename(entry!, '.ts')}-${v}/index.mjs`;
  mkdirSync(path.dirname(file), { recursive: true });
  await build({ entryPoints: [path.join(PROJECT_ROOT, entry!)], outfile: file, bundle: true, platform: 'node', format: 'esm', target: b.target, mainFields: [...b.mainFields], minify: !parts.includes('nominify'), sourcemap: !parts.includes('nomaps'), sourcesContent: false, banner: { js: b.banner }, tsconfig: b.tsconfig, logLevel: 'error', plugins });
  writeFileSync(path.dirname(file) + '/env.sh', Object.entries(fenv).filter(([k]) => k !== 'PATH' && k !== 'NODE_OPTIONS').map(([k, v]) => `${k}='${v}'`).join(' '));
  outs.push({ v, file, env: { ...fenv, NODE_OPTIONS: parts.includes('nomaps') ? '' : '--enable-source-maps' }, cpu: [] });
}
const script = 'const cpu = process.cpuUsage(); await import(process.argv[1]); const u = process.cpuUsage(cpu); process.stdout.write(String((u.user+u.system)/1000));';
const N = Number(process.env.N ?? 10);
for (let i = 0; i < N; i++) for (const o of outs) o.cpu.push(Number(execFileSync(process.execPath, ['--input-type=module', '-e', script, 'file://' + o.file], { env: o.env, cwd: path.dirname(o.file) }).toString()));
const med = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2; };
for (const o of outs) console.log(`${o.v.padEnd(30)} ${(statSync(o.file).size / 1024).toFixed(0).padStart(5)} KiB  ${med(o.cpu).toFixed(1)} ms`);
