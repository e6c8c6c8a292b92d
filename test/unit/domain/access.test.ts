// The access rules of the domain: the permission table, passwords, secrets and
// fixed rate-limit windows.
import { describe, expect, it } from 'vitest';
import { can, mayBeAssigned, PERMISSIONS, requirePermission } from '#domain/permissions';
import { hashPassword, newSecret, validateNewPassword, verifyPassword } from '#domain/people';
import { fixedWindow, retryAfterSeconds } from '#domain/rate-limit';
import { ROLES } from '#domain/workspace';

describe('the permission table', () => {
  it('gives administrators every permission a person can hold, editors all but people management, agents tickets, viewers reading', () => {
    const held = (role: (typeof ROLES)[number]) => (Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]).filter((permission) => can(role, permission)).sort();
    expect(held('administrator')).toEqual(['attachments.upload', 'channels.manage', 'flows.manage', 'messages.send', 'people.manage', 'tickets.read', 'tickets.work', 'tokens.own', 'topics.manage', 'workspace.settings']);
    expect(held('editor')).toEqual(['attachments.upload', 'flows.manage', 'messages.send', 'tickets.read', 'tickets.work', 'tokens.own', 'topics.manage', 'workspace.settings']);
    expect(held('agent')).toEqual(['attachments.upload', 'messages.send', 'tickets.read', 'tickets.work', 'tokens.own']);
    expect(held('viewer')).toEqual(['tickets.read', 'tokens.own']);
    expect(can('flow_runtime', 'tickets.open_from_flow')).toBe(true);
    expect(ROLES.some((role) => can(role, 'tickets.open_from_flow'))).toBe(false);
  });

  it('refuses with a message naming the role and what it may not do', () => {
    expect(() => requirePermission('agent', 'topics.manage')).toThrow('The agent role may not create or rename topics.');
    expect(() => requirePermission('agent', 'tickets.work')).not.toThrow();
  });

  it('assigns tickets only to roles that work them', () => {
    expect(ROLES.filter(mayBeAssigned).sort()).toEqual(['administrator', 'agent', 'editor']);
  });
});

describe('passwords', () => {
  it('are hashed with scrypt and a salt of their own, and verified in constant time', async () => {
    const first = await hashPassword('correct horse');
    const second = await hashPassword('correct horse');
    expect(first).toMatch(/^scrypt\$131072\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(first).not.toBe(second);
    expect(await verifyPassword('correct horse', first)).toBe(true);
    expect(await verifyPassword('correct horsE', first)).toBe(false);
    expect(await verifyPassword('correct horse', null)).toBe(false);
  });

  it('need 8 characters at least', () => {
    expect(() => validateNewPassword('1234567')).toThrow(/at least 8/);
    expect(() => validateNewPassword('12345678')).not.toThrow();
  });
});

describe('secrets and windows', () => {
  it('secrets are random hex of the asked length', () => {
    expect(newSecret(64)).toMatch(/^[0-9a-f]{64}$/);
    expect(newSecret(64)).not.toBe(newSecret(64));
  });

  it('a fixed window starts on a multiple of its length; Retry-After counts to its end', () => {
    const now = new Date('2026-11-24T10:07:30.500Z');
    const window = fixedWindow(now, 15 * 60);
    expect(new Date(window.start * 1000).toISOString()).toBe('2026-11-24T10:00:00.000Z');
    expect(new Date(window.end * 1000).toISOString()).toBe('2026-11-24T10:15:00.000Z');
    expect(retryAfterSeconds(window, now)).toBe(450);
    expect(retryAfterSeconds(window, new Date('2026-11-24T10:14:59.900Z'))).toBe(1);
  });
});
