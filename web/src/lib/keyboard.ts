// The inbox's keyboard shortcuts, listed on `?`. Keys typed into a text field
// or a select are the field's, never a shortcut.
import type { MessageKey } from '../i18n/en';

export type ShortcutAction = 'next' | 'previous' | 'reply' | 'note' | 'assign' | 'close' | 'help';

export const SHORTCUTS: readonly { key: string; action: ShortcutAction; label: MessageKey }[] = [
  { key: 'j', action: 'next', label: 'shortcuts.next' },
  { key: 'k', action: 'previous', label: 'shortcuts.previous' },
  { key: 'r', action: 'reply', label: 'shortcuts.reply' },
  { key: 'n', action: 'note', label: 'shortcuts.note' },
  { key: 'a', action: 'assign', label: 'shortcuts.assign' },
  { key: 'c', action: 'close', label: 'shortcuts.close' },
  { key: '?', action: 'help', label: 'shortcuts.help' },
];

interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  target: EventTarget | null;
}

export function isTyping(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== 'string') return false;
  const element = target as HTMLElement;
  return ['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName) || element.isContentEditable;
}

export function shortcutFor(event: KeyLike): ShortcutAction | null {
  if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return null;
  return SHORTCUTS.find((shortcut) => shortcut.key === event.key)?.action ?? null;
}

/** The ticket after (+1) or before (-1) the current one in the list; the first one when none is open. */
export function neighbour(uuids: readonly string[], current: string | null, step: 1 | -1): string | null {
  if (!uuids.length) return null;
  const index = current ? uuids.indexOf(current) : -1;
  if (index < 0) return uuids[0]!;
  return uuids[Math.min(uuids.length - 1, Math.max(0, index + step))]!;
}
