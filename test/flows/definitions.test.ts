import { describe, expect, it } from 'vitest';
import { FlowReadError, readFlow } from '#flows/definition/flow';
import { migrateFlow } from '#flows/definition/migrations';
import { CURRENT_SPEC_VERSION } from '#flows/definition/types';
import { supportFlow13 } from './fixtures/flows';

type Json = Record<string, any>;

describe('reading definitions', () => {
  it('migrates a 13.x export to the current spec: body becomes note, the ticket result moves to the router', () => {
    const flow = readFlow(supportFlow13());
    expect(flow.json.spec_version).toBe(CURRENT_SPEC_VERSION);
    const ticketNode = flow.nodes[2]!;
    expect(ticketNode.actions[0]!.json).toMatchObject({ type: 'open_ticket', note: '@results.name needs help' });
    expect(ticketNode.actions[0]!.json).not.toHaveProperty('body');
    expect(ticketNode.actions[0]!.json).not.toHaveProperty('result_name');
    expect(ticketNode.router).toMatchObject({
      operand: '@locals._new_ticket',
      result_name: 'Ticket',
      cases: [{ type: 'has_text', arguments: [] }],
    });
  });

  it('does not change the definition it was given', () => {
    const original = supportFlow13();
    const copy = structuredClone(original);
    readFlow(original);
    expect(original).toEqual(copy);
  });

  it('refuses an unknown action type at import', () => {
    const flow: Json = supportFlow13();
    flow.nodes[0].actions.push({ uuid: 'a1000000-0000-4000-8000-0000000000b9', type: 'call_webhook', url: 'http://example.com' });
    expect(() => readFlow(flow)).toThrow(FlowReadError);
    expect(() => readFlow(flow)).toThrow("node[0].actions[1]: unknown action type 'call_webhook'");
  });

  it('refuses exits to missing nodes and categories with missing exits, naming each problem', () => {
    const flow: Json = supportFlow13();
    flow.nodes[0].exits[0].destination_uuid = 'a1000000-0000-4000-8000-00000000dead';
    flow.nodes[1].router.categories[0].exit_uuid = 'a1000000-0000-4000-8000-00000000beef';
    let error: FlowReadError | undefined;
    try {
      readFlow(flow);
    } catch (e) {
      error = e as FlowReadError;
    }
    expect(error).toBeInstanceOf(FlowReadError);
    expect(error!.problems).toEqual([
      "node[1].router: category 'All Responses' uses missing exit a1000000-0000-4000-8000-00000000beef",
      'node a1000000-0000-4000-8000-0000000000a1: exit a1000000-0000-4000-8000-0000000000c1 goes to missing node a1000000-0000-4000-8000-00000000dead',
    ]);
  });

  it('refuses invalid actions with the field at fault', () => {
    const flow: Json = supportFlow13();
    flow.nodes[0].actions[0].text = '';
    expect(() => readFlow(flow)).toThrow("node[0].actions[0] (send_msg): field 'text' is required");
  });

  it('refuses versions it cannot read and non-objects', () => {
    expect(() => readFlow({ ...supportFlow13(), spec_version: '99.0.0' })).toThrow(/newer than this engine supports/);
    expect(() => readFlow({ ...supportFlow13(), spec_version: '12.0.0' })).toThrow(/older than 13.0.0/);
    expect(() => readFlow([])).toThrow('invalid flow definition: definition must be a JSON object');
  });

  it('refuses unknown router test types', () => {
    const flow: Json = supportFlow13();
    flow.nodes[2].router.cases[0].type = 'has_magic';
    expect(() => readFlow(flow)).toThrow(/unknown test type 'has_magic'/);
  });
});

describe('migrations', () => {
  it('stops at the requested version', () => {
    const migrated = migrateFlow(supportFlow13(), '14.2.0') as Json;
    expect(migrated.spec_version).toBe('14.2.0');
    expect(migrated.nodes[2].actions[0]).toMatchObject({ note: '@results.name needs help', result_name: 'Ticket' });
  });

  it('rewrites @webhook to @webhook.json in 13.3 but leaves literal text and other paths alone', () => {
    const flow = {
      uuid: 'a1000000-0000-4000-8000-000000000009',
      name: 'Hook',
      spec_version: '13.2.0',
      language: 'eng',
      type: 'messaging',
      nodes: [
        {
          uuid: 'a1000000-0000-4000-8000-0000000000a9',
          actions: [{ uuid: 'a1000000-0000-4000-8000-0000000000b9', type: 'send_msg', text: '@webhook @(upper(webhook.x)) @results.webhook mail me@@example.com' }],
          exits: [{ uuid: 'a1000000-0000-4000-8000-0000000000c9' }],
        },
      ],
    };
    const migrated = migrateFlow(flow, '13.3.0') as Json;
    expect(migrated.nodes[0].actions[0].text).toBe('@webhook.json @(upper(webhook.json.x)) @results.webhook mail me@@example.com');
  });

  it('joins multiple has_any_word arguments in 14.3.1', () => {
    const flow: Json = supportFlow13();
    flow.spec_version = '14.3.0';
    flow.nodes[1].router.cases = [{ uuid: 'a1000000-0000-4000-8000-0000000000fa', type: 'has_any_word', arguments: ['yes', 'yep'], category_uuid: 'a1000000-0000-4000-8000-0000000000d1' }];
    const migrated = migrateFlow(flow, '14.3.1') as Json;
    expect(migrated.nodes[1].router.cases[0].arguments).toEqual(['yes yep']);
  });
});

describe('malformed definitions', () => {
  /** Every place of a definition (objects and lists, recursively), as a path of keys. */
  function places(value: unknown, path: (string | number)[] = []): (string | number)[][] {
    if (typeof value !== 'object' || value === null) return [path];
    const entries = Array.isArray(value) ? value.map((item, i) => [i, item] as const) : Object.entries(value);
    return [path, ...entries.flatMap(([key, item]) => places(item, [...path, key]))];
  }
  function replaced(json: Json, path: (string | number)[], junk: unknown): Json {
    const copy = structuredClone(json);
    let parent: any = copy;
    for (const key of path.slice(0, -1)) parent = parent[key];
    parent[path.at(-1)!] = junk;
    return copy;
  }
  const JUNK: unknown[] = [null, 5, 'x', [], [null], {}, [5], true];

  it('refuses junk anywhere in a definition of any version with a FlowReadError, never a TypeError', () => {
    const withTemplating = supportFlow13() as Json;
    withTemplating.nodes[0].actions[0].templating = { template: { uuid: 'a', name: 'b' }, variables: ['x'] };
    withTemplating.localization = { spa: { [withTemplating.nodes[0].actions[0].uuid]: { text: ['Hola'] } } };
    let refused = 0;
    const crashes: string[] = [];
    for (const path of places(withTemplating).filter((path) => path.length > 0)) {
      for (const junk of JUNK) {
        try {
          readFlow(replaced(withTemplating, path, junk));
        } catch (error) {
          if (error instanceof FlowReadError) refused++;
          else crashes.push(`${path.join('.')} = ${JSON.stringify(junk)}: ${String(error)}`);
        }
      }
    }
    expect(crashes).toEqual([]);
    expect(refused).toBeGreaterThan(100);
  });

  it('names the place of each shape problem', () => {
    const flow = supportFlow13() as Json;
    flow.nodes[0].actions = 'x';
    flow.nodes[1] = null;
    flow.nodes[2].actions = [null];
    flow.nodes[2].router.categories = 5;
    expect(() => readFlow(flow)).toThrow(FlowReadError);
    try {
      readFlow(flow);
    } catch (error) {
      expect((error as FlowReadError).problems).toEqual([
        "node[0]: field 'actions' must be a list",
        'node[1] must be an object',
        'node[2].actions[0] must be an object',
        "node[2].router: field 'categories' must be a list",
      ]);
    }
  });
});
