// Browser tests: Debian's Chromium (/usr/bin/chromium, installed by .ci/run)
// driven by playwright-core against the local stack — the inbox served from
// the synthesized template, the API behind it, seeded with the demo.
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { PROJECT_ROOT, type LocalStack } from '../../infra/local/stack';
import { startTestStack } from '../e2e/support';

export const CHROMIUM = process.env.TICKETER_CHROMIUM ?? '/usr/bin/chromium';
/** Kept by CI as artifacts; ignored by git. */
export const SCREENSHOTS = path.join(PROJECT_ROOT, '.artifacts', 'screenshots');

export async function startInboxStack(): Promise<LocalStack> {
  return startTestStack({ demoData: true });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

export async function newPage(browser: Browser, locale: 'en-US' | 'pt-BR' = 'en-US'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale, viewport: { width: 1400, height: 860 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  // A script error in the inbox is a failure whatever the test looks at next.
  page.on('pageerror', (error) => {
    console.error(`page error: ${error.stack ?? error.message}`);
  });
  return { context, page };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core in the page: no serious or critical violation; then a screenshot named `name`. */
export async function checkScreen(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  if (!(await page.evaluate('"axe" in window'))) await page.addScriptTag({ content: axeSource });
  // (Runs in the page; a string, so this file needs no DOM types.)
  const violations = (await page.evaluate(`(async () => {
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.map((n) => n.target.join(' ')).join(', '));
  })()`)) as string[];
  expect(violations, `axe on ${name}`).toEqual([]);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** The invitation link mailed to `email` (the local SES outbox). */
export function invitationLink(stack: LocalStack, email: string): string {
  for (const file of readdirSync(stack.outboxDir).sort().reverse()) {
    const text = readFileSync(path.join(stack.outboxDir, file), 'utf8');
    if (!text.includes(`To: ${email}`) && !text.includes(email)) continue;
    const link = /https?:\/\/\S+\?secret=[A-Za-z0-9_-]+/.exec(text)?.[0];
    if (link) return link;
  }
  throw new Error(`no invitation mail for ${email} in ${stack.outboxDir}`);
}
