// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { I18nProvider } from '../i18n';
import { ReplyBox, replyKeyAction } from './ReplyBox';

afterEach(cleanup);

describe('the reply box', () => {
  it('sends on Enter and keeps Shift+Enter (and IME composition) for typing', () => {
    expect(replyKeyAction({ key: 'Enter', shiftKey: false })).toBe('send');
    expect(replyKeyAction({ key: 'Enter', shiftKey: true })).toBe('type');
    expect(replyKeyAction({ key: 'Enter', shiftKey: false, isComposing: true })).toBe('type');
    expect(replyKeyAction({ key: 'a', shiftKey: false })).toBe('type');
  });

  it('sends the trimmed text once on Enter, then empties; Shift+Enter sends nothing', async () => {
    const onSend = vi.fn(async () => undefined);
    render(
      <I18nProvider initial="en">
        <ReplyBox onSend={onSend} />
      </I18nProvider>,
    );
    const box = screen.getByRole('textbox', { name: 'Reply' }) as HTMLTextAreaElement;
    fireEvent.change(box, { target: { value: 'Hello Ana\nsecond line ' } });
    fireEvent.keyDown(box, { key: 'Enter', shiftKey: true });
    expect(onSend).not.toHaveBeenCalled();
    await act(async () => {
      fireEvent.keyDown(box, { key: 'Enter' });
    });
    expect(onSend).toHaveBeenCalledTimes(1);
    expect(onSend).toHaveBeenCalledWith({ text: 'Hello Ana\nsecond line', attachments: [] });
    expect(box.value).toBe('');
    expect(screen.getByRole('button', { name: 'Send' })).toHaveProperty('disabled', true);
  });

  it('uploads an attached file first and sends its URL with the text', async () => {
    const onUpload = vi.fn(async (file: File) => `https://files.example/${file.name}`);
    const onSend = vi.fn(async () => undefined);
    render(
      <I18nProvider initial="en">
        <ReplyBox onSend={onSend} onUpload={onUpload} />
      </I18nProvider>,
    );
    fireEvent.change(screen.getByLabelText('Attach a file'), { target: { files: [new File(['%PDF'], 'invoice.pdf', { type: 'application/pdf' })] } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    });
    expect(onUpload).toHaveBeenCalledTimes(1);
    expect(onSend).toHaveBeenCalledWith({ text: '', attachments: ['https://files.example/invoice.pdf'] });
  });

  it('keeps the text and says why when sending fails', async () => {
    const onSend = vi.fn(async () => {
      throw new Error('ticket_closed');
    });
    render(
      <I18nProvider initial="pt-BR">
        <ReplyBox onSend={onSend} />
      </I18nProvider>,
    );
    const box = screen.getByRole('textbox', { name: 'Resposta' }) as HTMLTextAreaElement;
    fireEvent.change(box, { target: { value: 'Olá' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Enviar' }));
    });
    expect(box.value).toBe('Olá');
    expect(screen.getByRole('alert').textContent).toContain('ticket_closed');
  });
});
