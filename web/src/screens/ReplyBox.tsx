// The reply box: Enter sends, Shift+Enter is a new line (RapidPro's compose box).
import { useState, type KeyboardEvent, type Ref } from 'react';
import { useI18n } from '../i18n';
import { Field } from '../lib/Field';

/** What a key press in the reply box does. */
export function replyKeyAction(event: { key: string; shiftKey: boolean; isComposing?: boolean }): 'send' | 'type' {
  return event.key === 'Enter' && !event.shiftKey && !event.isComposing ? 'send' : 'type';
}

export function ReplyBox({ ref, onSend }: { ref?: Ref<HTMLTextAreaElement>; onSend: ((text: string) => Promise<unknown>) | undefined }) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const send = async () => {
    const trimmed = text.trim();
    if (!trimmed || !onSend || busy) return;
    setBusy(true);
    setError(null);
    try {
      await onSend(trimmed);
      setText('');
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (replyKeyAction({ key: event.key, shiftKey: event.shiftKey, isComposing: event.nativeEvent.isComposing }) === 'send') {
      event.preventDefault();
      void send();
    }
  };
  return (
    <div className="reply-box">
      <Field label={t('ticket.reply')}>
        {(id) => (
            <textarea id={id}
              ref={ref}
              rows={3}
              value={text}
              disabled={!onSend}
              aria-describedby="reply-hint"
              onChange={(event) => setText(event.target.value)}
              onKeyDown={onKeyDown}
            />
        )}
      </Field>
      <p id="reply-hint" className="hint">{onSend ? t('ticket.replyHint') : t('ticket.replyUnavailable')}</p>
      {error && <p role="alert" className="error">{error}</p>}
      <button type="button" className="primary" onClick={() => void send()} disabled={!onSend || busy || !text.trim()}>
        {t('ticket.send')}
      </button>
    </div>
  );
}
