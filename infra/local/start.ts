// `npm start`: synthesizes the CDK app and runs it locally (see docs/local-stack.md).
//   npm start                 data kept in .local/ between runs
//   npm start -- --fresh      start from empty data (or TICKETER_LOCAL_FRESH=1)
//   TICKETER_CLOUD_ASSEMBLY=<dir> npm start   run that synthesized cloud assembly, without `cdk synth`
// Ctrl-C (SIGINT) or SIGTERM stops it: every server, worker and the DynamoDB Local child.
import path from 'node:path';
import { LocalStackSetupError } from './emulators';
import { PROJECT_ROOT, startLocalStack } from './stack';

// fauxqs persists through node:sqlite, which prints an ExperimentalWarning on first use.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name !== 'ExperimentalWarning') console.warn(`${warning.name}: ${warning.message}`);
});

const arguments_ = process.argv.slice(2);
const unknown = arguments_.filter((argument) => !['--fresh', '--quiet'].includes(argument));
if (unknown.length) {
  console.error(`Unknown option ${unknown.join(' ')}. Usage: npm start [-- --fresh] [--quiet]`);
  process.exit(2);
}
const fresh = arguments_.includes('--fresh') || ['1', 'true'].includes(process.env.TICKETER_LOCAL_FRESH ?? '');
const quiet = arguments_.includes('--quiet');
const dataDir = process.env.TICKETER_LOCAL_DIR ?? path.join(PROJECT_ROOT, '.local');
const cloudAssemblyDir = process.env.TICKETER_CLOUD_ASSEMBLY || undefined;

// Signals are handled from the first moment: one that comes while the stack is still starting
// ends the process at once (the DynamoDB Local child is killed on exit, the rest lives in this
// process); once it runs, the stack is stopped in order. A second signal, or a stop taking
// longer than 15 s, ends the process without waiting.
let stopStack: (() => Promise<void>) | undefined;
let stopping = false;
const shutDown = (signal: NodeJS.Signals) => {
  if (stopping || !stopStack) {
    console.log(`\n${signal}: stopped${stopStack ? ' without waiting' : ' while starting'}.`);
    process.exit(1);
  }
  stopping = true;
  console.log(`\n${signal}: stopping the local stack…`);
  setTimeout(() => {
    console.error('✗ the local stack did not stop within 15 s; exiting anyway.');
    process.exit(1);
  }, 15_000).unref();
  void stopStack().finally(() => process.exit(0));
};
process.on('SIGINT', shutDown);
process.on('SIGTERM', shutDown);

/** How to write in as a demo contact through the demo channel (the bot answers through the demo gateway). */
function playTheContact(channel: { receive_url: string } | undefined): string {
  if (!channel) return '  demo channel    — (data from before the demo gateway: npm start -- --fresh)';
  return `  demo channel    "Demo gateway", receive URL ${channel.receive_url}
  play a contact: curl -d 'from=+5511987650001&text=hello' ${channel.receive_url}
                  (Ana Souza writes in: her open ticket gets it; replies to her then show up here as "gateway ▸ to +5511987650001: …")`;
}

const startedAt = Date.now();
try {
  const stack = await startLocalStack({
    dataDir,
    fresh,
    ...(cloudAssemblyDir ? { cloudAssemblyDir, synth: false } : {}),
    demoData: true,
    log: (line) => console.log(`▸ ${line}`),
    functionLog: quiet ? undefined : (line) => console.log(line),
  });
  stopStack = () => stack.stop();
  console.log(`
  Inbox           ${stack.appUrl || '—'}    sign in as ${stack.email ?? '—'} with the password ${stack.password ?? '— (data from before the inbox: npm start -- --fresh)'}
  HTTP API        ${stack.apiUrl}
  live updates    ${stack.websocketUrl || '—'}    (WebSocket; the inbox uses ${stack.appUrl ? `${stack.appUrl.replace(/^http/, 'ws')}/live` : '/live'}; npx tsx scripts/live-listen.ts — docs/live-updates.md)
  Lambda API      ${stack.lambdaEndpoint}    (aws lambda invoke --region ${stack.region} --endpoint-url ${stack.lambdaEndpoint} --function-name ${stack.functions.TicketCommand ?? Object.values(stack.functions)[0] ?? '…'} --payload fileb://…: README, "Commands in these docs")
  DynamoDB        ${stack.dynamodbEndpoint}    table ${stack.tableName}
  SQS, SNS        ${stack.sqsEndpoint}    (fauxqs) topic ${Object.values(stack.topics).map((topic) => topic.name).join(', ') || '—'}
  S3              ${stack.s3Endpoint}    (fauxqs's S3 with CORS) bucket ${Object.values(stack.buckets).join(', ') || '—'}
  SES (mail)      ${stack.sesEndpoint}    messages in ${path.relative(process.cwd(), stack.outboxDir) || stack.outboxDir}
  demo gateway    ${stack.gatewayUrl}    (External API) messages in ${path.relative(process.cwd(), stack.gatewayOutbox) || stack.gatewayOutbox}
  Secrets Manager ${stack.secretsEndpoint}    GetSecretValue for ${Object.values(stack.secrets).map((secret) => secret.name).join(', ') || '—'}
  workspace       ${stack.workspace ? `${stack.workspace.name} (${stack.workspace.uuid})` : '—'}
  administrator   ${stack.administrator?.email ?? '—'}
  token           ${stack.token ?? '—'}

  try: curl -H 'Authorization: Token ${stack.token ?? '<token>'}' ${stack.apiUrl}/folders
${playTheContact(stack.demoChannel)}
  details in ${path.relative(process.cwd(), path.join(dataDir, 'stack.json')) || path.join(dataDir, 'stack.json')}; data in ${dataDir} (npm start -- --fresh to reset)

Ticketer local stack ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s. Ctrl-C stops it.`);
} catch (error) {
  if (error instanceof LocalStackSetupError) {
    console.error(`✗ ${error.message}`);
  } else {
    console.error(`✗ the local stack did not start: ${(error as Error).message}`);
    if (process.env.TICKETER_LOCAL_DEBUG) console.error(error);
  }
  process.exit(1);
}
