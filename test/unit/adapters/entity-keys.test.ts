// Every key of workspace data starts with `WS#<workspace>` (docs/architecture.md,
// "Single table"), so no Query can read another workspace's items. Checked on
// every key builder every entity module exports (entities/*.ts, found by
// reading the folder): a builder added later is checked without being listed
// here, unless it is one of the few global items named below.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const ENTITIES = fileURLToPath(new URL('../../../shared/adapters/dynamodb/entities/', import.meta.url));

/** Items that belong to no workspace: found by a global id or secret hash, or one per table. */
const GLOBAL = new Set([
  'userKeys.partition',
  'userKeys.user',
  'userKeys.membership',
  'userKeys.email',
  'invitationKeys.secret',
  'tokenKeys.token',
  'channelKeys.pointer',
  'cursorKeyKeys.cursorKey',
  'rateCounterKeys.signIn',
  'rateCounterKeys.channel',
]);
/** Sort keys only: the folder counters' (their partition is `countKeys.partition`). */
const SORT_KEYS = new Set(['countKeys.status', 'countKeys.assignee', 'countKeys.topic']);

type Builder = (...args: string[]) => string | { pk: string; sk: string };

async function keyBuilders(): Promise<Map<string, Builder>> {
  const builders = new Map<string, Builder>();
  for (const file of readdirSync(ENTITIES).filter((name) => name.endsWith('.ts'))) {
    const module = (await import(`${ENTITIES}${file}`)) as Record<string, unknown>;
    for (const [exported, value] of Object.entries(module)) {
      if (!exported.endsWith('Keys') || typeof value !== 'object' || value === null) continue;
      for (const [name, builder] of Object.entries(value)) if (typeof builder === 'function') builders.set(`${exported}.${name}`, builder as Builder);
    }
  }
  return builders;
}

const partitionOf = (key: ReturnType<Builder>) => (typeof key === 'string' ? key : key.pk);

describe('entity key builders', () => {
  it('are found, and every global one named here exists', async () => {
    const builders = await keyBuilders();
    expect(builders.size).toBeGreaterThan(30);
    for (const name of [...GLOBAL, ...SORT_KEYS]) expect(builders.has(name), name).toBe(true);
  });

  it('put workspace data under WS#<workspace>, whatever the other ids are', async () => {
    const builders = [...(await keyBuilders())].filter(([name]) => !GLOBAL.has(name) && !SORT_KEYS.has(name));
    for (const [name, build] of builders) {
      fc.assert(
        fc.property(fc.uuid(), fc.array(fc.string(), { minLength: build.length, maxLength: build.length }), (workspace, ids) => {
          // The workspace is the first argument of every workspace builder.
          const pk = partitionOf(build(workspace, ...ids.slice(1)));
          expect(pk === `WS#${workspace}` || pk.startsWith(`WS#${workspace}#`), `${name}: ${pk}`).toBe(true);
        }),
      );
    }
  });

  it('never put a global item in a workspace partition', async () => {
    const builders = [...(await keyBuilders())].filter(([name]) => GLOBAL.has(name));
    for (const [name, build] of builders) {
      fc.assert(
        fc.property(fc.array(fc.string(), { minLength: build.length, maxLength: build.length }), (ids) => {
          expect(partitionOf(build(...ids)).startsWith('WS#'), name).toBe(false);
        }),
      );
    }
  });
});
