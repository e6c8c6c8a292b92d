import { describe, expect, it } from 'vitest';
import { en } from './en';
import { LOCALES, pickLocale, translate } from './index';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('the locales', () => {
  it('follow the browser: any Portuguese is pt-BR, English stays English, others fall back to English', () => {
    expect(pickLocale(['pt-BR', 'en'])).toBe('pt-BR');
    expect(pickLocale(['pt-PT'])).toBe('pt-BR');
    expect(pickLocale(['de-DE', 'en-GB'])).toBe('en');
    expect(pickLocale(['fr'])).toBe('en');
    expect(pickLocale(['en-US', 'pt-BR'])).toBe('en');
  });

  it('keep a language chosen in the app over the browser’s', () => {
    expect(pickLocale(['en-US'], 'pt-BR')).toBe('pt-BR');
    expect(pickLocale(['pt-BR'], 'xx')).toBe('pt-BR');
  });

  it('translate every string into Brazilian Portuguese with the same placeholders', () => {
    const pt = LOCALES['pt-BR'];
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(pt[key], key).toBeTruthy();
      expect(placeholders(pt[key]), key).toEqual(placeholders(en[key]));
    }
    // the accessible names the issue fixes are English; Portuguese has its own
    expect(translate('pt-BR', 'ticket.close')).toBe('Fechar ticket');
  });

  it('fill placeholders', () => {
    expect(translate('en', 'history.assigned', { assignee: 'Ana', user: 'Bruno' })).toBe('Assigned to Ana by Bruno');
    expect(translate('pt-BR', 'history.assigned', { assignee: 'Ana', user: 'Bruno' })).toBe('Atribuído a Ana por Bruno');
  });
});
