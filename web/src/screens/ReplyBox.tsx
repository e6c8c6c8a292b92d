// The reply box: Enter sends, Shift+Enter is a new line (RapidPro's compose
// box); a file can go along (uploaded first, to the URL the API hands out).
import { useRef, useState, type KeyboardEvent, type Ref } from 'react';
import { useI18n } from '../i18n';
import { Field } from '../lib/Field';

/** What a key press in the reply box does. */
export function replyKeyAction(event: { key: string; shiftKey: boolean; isComposing?: boolean }): 'send' | 'type' {
  return event.key === 'Enter' && !event.shiftKey && !event.isComposing ? 'send' : 'type';
}

export interface Reply {
  text: string;
  attachments: string[];
}

export function ReplyBox({
  ref,
  onSend,
  onUpload,
  onTyping,
}: {
  ref?: Ref<HTMLTextAreaElement>;
  onSend: ((reply: Reply) => Promise<unknown>) | undefined;
  /** Uploads a file and answers its URL for `attachments`. */
  onUpload?: (file: File) => Promise<string>;
  /** Each change of the text (live updates tell colleagues, throttled). */
  onTyping?: () => void;
}) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const send = async () => {
    const trimmed = text.trim();
    if ((!trimmed && !file) || !onSend || busy) return;
    setBusy(true);
    setError(null);
    try {
      const attachments = file && onUpload ? [await onUpload(file)] : [];
      await onSend({ text: trimmed, attachments });
      setText('');
      setFile(null);
      if (fileInput.current) fileInput.current.value = '';
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
          <textarea
            id={id}
            ref={ref}
            rows={3}
            value={text}
            disabled={!onSend}
            aria-describedby="reply-hint"
            onChange={(event) => {
              setText(event.target.value);
              onTyping?.();
            }}
            onKeyDown={onKeyDown}
          />
        )}
      </Field>
      <p id="reply-hint" className="hint">{onSend ? t('ticket.replyHint') : t('ticket.replyUnavailable')}</p>
      {error && <p role="alert" className="error">{error}</p>}
      <div className="reply-actions">
        {onUpload && (
          <Field label={t('ticket.attach')} inline>
            {(id) => <input id={id} ref={fileInput} type="file" onChange={(event) => setFile(event.target.files?.[0] ?? null)} />}
          </Field>
        )}
        <button type="button" className="primary" onClick={() => void send()} disabled={!onSend || busy || (!text.trim() && !file)}>
          {t('ticket.send')}
        </button>
      </div>
    </div>
  );
}
