// Every shell command in README.md and docs/*.md runs as written: this test
// reads their ```sh / ```bash blocks, starts the local stack (the test run's
// emulators, free ports, the demo data `npm start` seeds), and runs each block
// with bash in a folder that looks like a checkout where `npm start` runs —
// the project's files, plus a `.local/stack.json` of this stack — so the
// blocks read the stack's addresses and token exactly as a reader does
// (`jq -r .token .local/stack.json`). The environment is bare (no AWS_*
// variables, a fresh HOME): what a block needs, it has to say.
//
// Markers, an HTML comment on the line(s) just before a block (docs/README
// "Commands in these docs"):
//   <!-- not run in CI: <why> -->   the block is reported as skipped (deploys to AWS, runs until Ctrl-C…)
//   <!-- output contains: <text> --> stdout must contain <text> (else only exit 0 is asserted)
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, type LocalStack } from '../../infra/local/stack';
import { startTestStack } from '../e2e/support';

export interface CommandBlock {
  file: string;
  line: number;
  code: string;
  /** Why it is not run here, from a `<!-- not run in CI: … -->` marker. */
  skip: string | undefined;
  /** Texts stdout must contain, from `<!-- output contains: … -->` markers. */
  expectOutput: string[];
}

/** The ```sh / ```bash / ```shell blocks of a markdown text, with the markers just above each. */
export function commandBlocks(file: string, markdown: string): CommandBlock[] {
  const lines = markdown.split('\n');
  const blocks: CommandBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = /^(\s*)(`{3,})\s*([\w-]*)/.exec(lines[index]!);
    if (!open) continue;
    // A fence closes on a line of as many backticks or more (CommonMark), so a ```sh inside a ````markdown block is text.
    const fence = open[2]!;
    let end = index + 1;
    while (end < lines.length && !(/^\s*(`{3,})\s*$/.test(lines[end]!) && lines[end]!.trim().length >= fence.length)) end++;
    if (['sh', 'bash', 'shell'].includes(open[3]!)) {
      const indent = open[1]!.length;
      const code = lines.slice(index + 1, end).map((line) => line.slice(indent)).join('\n');
      const markers: string[] = [];
      for (let above = index - 1; above >= 0 && /^\s*<!--.*-->\s*$/.test(lines[above]!); above--) markers.push(lines[above]!.trim());
      const skip = markers.map((marker) => /^<!--\s*not run in CI:\s*(.*?)\s*-->$/.exec(marker)?.[1]).find(Boolean);
      const expectOutput = markers.flatMap((marker) => /^<!--\s*output contains:\s*(.*?)\s*-->$/.exec(marker)?.[1] ?? []);
      blocks.push({ file, line: index + 1, code, skip, expectOutput });
    }
    index = end;
  }
  return blocks;
}

function documentedBlocks(): CommandBlock[] {
  const files = ['README.md', ...readdirSync(path.join(PROJECT_ROOT, 'docs')).filter((name) => name.endsWith('.md')).sort().map((name) => `docs/${name}`)];
  return files.flatMap((file) => commandBlocks(file, readFileSync(path.join(PROJECT_ROOT, file), 'utf8')));
}

function installed(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Tools the blocks call that a machine may lack: a block needing a missing one is skipped, saying so. */
const TOOLS = ['aws', 'jq', 'curl'].filter((tool) => !installed(tool));
function missingTool(code: string): string | undefined {
  return TOOLS.find((tool) => new RegExp(`(^|[\\s|;&($])${tool}\\s`, 'm').test(code));
}

/**
 * Commands that change the installation or the machine. The checkout the blocks run in links the
 * project's node_modules, so `npm ci` there would empty the real one: such a block must be marked
 * `not run in CI`, and the test refuses to run it unmarked.
 */
export const DESTRUCTIVE = /(^|[\s;&|(])(npm\s+(ci|install|i|uninstall|update)\b|rm\s+-\w*r|apt-get\s|cdk\s+(deploy|destroy|bootstrap)|cdklocal\s)/m;

function run(code: string, cwd: string, home: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', code], {
      cwd,
      // A reader's shell: PATH with the project's node_modules/.bin as npm's own would not be; nothing of AWS.
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', TERM: 'dumb' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

const blocks = documentedBlocks();

describe('the commands of README.md and docs/*.md', () => {
  let stack: LocalStack;
  let checkout: string;
  let home: string;

  beforeAll(async () => {
    const temporary = mkdtempSync(path.join(os.tmpdir(), 'ticketer-docs-'));
    checkout = path.join(temporary, 'ticketer');
    home = path.join(temporary, 'home');
    mkdirSync(checkout);
    mkdirSync(home);
    // The project's files as links, its .local/ this stack's own: what the blocks write stays here.
    for (const entry of readdirSync(PROJECT_ROOT)) {
      if (entry !== '.local' && entry !== '.git') symlinkSync(path.join(PROJECT_ROOT, entry), path.join(checkout, entry));
    }
    stack = await startTestStack({ dataDir: path.join(checkout, '.local'), demoData: true });
  });

  afterAll(async () => {
    await stack?.stop();
    if (checkout) rmSync(path.dirname(checkout), { recursive: true, force: true });
  });

  it('finds the blocks, and every block it skips says why', () => {
    expect(blocks.length).toBeGreaterThan(10);
    const ran = blocks.filter((block) => !block.skip && !missingTool(block.code)).length;
    const skipped = blocks.filter((block) => block.skip).length;
    console.log(`docs commands: ${blocks.length} blocks, ${ran} run, ${skipped} not run in CI (marked), ${blocks.length - ran - skipped} skipped for a missing tool (${TOOLS.join(', ') || 'none missing'})`);
    for (const block of blocks.filter((one) => one.skip)) expect(block.skip, `${block.file}:${block.line}`).toMatch(/\w{3,}/);
  });

  for (const block of blocks) {
    const name = `${block.file}:${block.line} ${block.code.split('\n').find((line) => line.trim() && !line.startsWith('#'))?.slice(0, 60) ?? ''}`;
    if (block.skip) {
      it.skip(`${name} (not run in CI: ${block.skip})`, () => undefined);
      continue;
    }
    const tool = missingTool(block.code);
    if (tool) {
      it.skip(`${name} (skipped: \`${tool}\` is not installed)`, () => undefined);
      continue;
    }
    it(name, async () => {
      expect(DESTRUCTIVE.test(block.code), `${block.file}:${block.line} changes the installation or deploys: mark it <!-- not run in CI: … -->`).toBe(false);
      const result = await run(block.code, checkout, home);
      expect(result.status, `exit status of ${block.file}:${block.line}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`).toBe(0);
      for (const text of block.expectOutput) expect(result.stdout, `${block.file}:${block.line} output`).toContain(text);
    }, 60_000);
  }
});

describe('commandBlocks (how the blocks and their markers are read)', () => {
  const markdown = [
    'Text.',
    '<!-- not run in CI: deploys to AWS -->',
    '```bash',
    'npx cdk deploy --all',
    '```',
    '<!-- output contains: "status":"open" -->',
    '<!-- output contains: ok -->',
    '```sh',
    'echo ok',
    '```',
    '- a list item:',
    '',
    '  ```bash',
    '  curl -fsS "$API/folders"',
    '  ```',
    '````markdown',
    '```sh',
    'echo inside another block',
    '```',
    '````',
    '```json',
    '{"not": "a command"}',
    '```',
  ].join('\n');
  const blocks = commandBlocks('x.md', markdown);

  it('takes sh and bash blocks, indented ones without their indentation, and nothing inside other blocks', () => {
    expect(blocks.map((block) => block.code)).toEqual(['npx cdk deploy --all', 'echo ok', 'curl -fsS "$API/folders"']);
    expect(blocks.map((block) => block.line)).toEqual([3, 8, 13]);
  });

  it('reads the markers just above a block', () => {
    expect(blocks[0]).toMatchObject({ skip: 'deploys to AWS', expectOutput: [] });
    expect(blocks[1]).toMatchObject({ skip: undefined, expectOutput: ['ok', '"status":"open"'] });
    expect(blocks[2]).toMatchObject({ skip: undefined, expectOutput: [] });
  });

  it('refuses to run an unmarked block that would change the installation or deploy', () => {
    for (const code of ['npm ci', 'npm install', 'cd x && npm i', 'rm -rf node_modules', 'npx cdk deploy --all', 'npx cdklocal deploy']) {
      expect(DESTRUCTIVE.test(code), code).toBe(true);
    }
    for (const code of ['npm start', 'npm run synth', 'curl -fsS "$API/folders"', 'npx tsx scripts/live-listen.ts']) {
      expect(DESTRUCTIVE.test(code), code).toBe(false);
    }
  });
});
