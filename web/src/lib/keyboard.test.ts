import { describe, expect, it } from 'vitest';
import { neighbour, shortcutFor } from './keyboard';

const key = (k: string, target: unknown = null, modifiers: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...modifiers,
  target: target as EventTarget | null,
});

describe('keyboard shortcuts', () => {
  it('map j, k, r, n, a, c and ? to their actions', () => {
    expect(['j', 'k', 'r', 'n', 'a', 'c', '?'].map((k) => shortcutFor(key(k)))).toEqual(['next', 'previous', 'reply', 'note', 'assign', 'close', 'help']);
    expect(shortcutFor(key('x'))).toBeNull();
  });

  it('leave keys typed into fields and with modifiers alone', () => {
    expect(shortcutFor(key('j', { tagName: 'TEXTAREA' }))).toBeNull();
    expect(shortcutFor(key('j', { tagName: 'INPUT' }))).toBeNull();
    expect(shortcutFor(key('c', { tagName: 'DIV', isContentEditable: true }))).toBeNull();
    expect(shortcutFor(key('c', null, { ctrlKey: true }))).toBeNull();
    expect(shortcutFor(key('j', { tagName: 'BUTTON' }))).toBe('next');
  });

  it('move to the next and previous ticket, staying at the ends', () => {
    const list = ['a', 'b', 'c'];
    expect(neighbour(list, null, 1)).toBe('a');
    expect(neighbour(list, 'a', 1)).toBe('b');
    expect(neighbour(list, 'c', 1)).toBe('c');
    expect(neighbour(list, 'b', -1)).toBe('a');
    expect(neighbour(list, 'a', -1)).toBe('a');
    expect(neighbour(list, 'gone', -1)).toBe('a');
    expect(neighbour([], 'a', 1)).toBeNull();
  });
});
