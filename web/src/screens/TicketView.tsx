// One ticket: its conversation, the reply and note boxes, topic, assignment,
// the checkmark that closes it, Reopen under a closed conversation, and the
// contact details panel.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useImperativeHandle, useRef, useState, type KeyboardEvent, type Ref } from 'react';
import { api, unwrap, type Schemas } from '../api/client';
import { useI18n } from '../i18n';
import { attachmentLink, historyLine, inTimeOrder, type ConversationEntry } from '../lib/conversation';
import type { ShortcutAction } from '../lib/keyboard';
import { AssignDialog } from './AssignDialog';
import { ContactPanel } from './ContactPanel';
import { ReplyBox } from './ReplyBox';
import { Field } from '../lib/Field';
import { useLive, useLiveSubscription, useTyping } from '../live/LiveProvider';
import { queryKeys } from '../live/cache';

export interface TicketViewHandle {
  run(action: ShortcutAction): void;
}

export function useTicketMutations(uuid: string) {
  const queryClient = useQueryClient();
  const settle = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.detail(uuid) }),
      queryClient.invalidateQueries({ queryKey: queryKeys.conversation(uuid) }),
      queryClient.invalidateQueries({ queryKey: ['tickets'] }),
      queryClient.invalidateQueries({ queryKey: queryKeys.folders }),
    ]);
  const params = { path: { ticket: uuid } };
  return {
    close: useMutation({ mutationFn: async () => unwrap(await api.POST('/tickets/{ticket}/close', { params })), onSettled: settle }),
    reopen: useMutation({ mutationFn: async () => unwrap(await api.POST('/tickets/{ticket}/reopen', { params })), onSettled: settle }),
    note: useMutation({ mutationFn: async (note: string) => unwrap(await api.POST('/tickets/{ticket}/notes', { params, body: { note } })), onSettled: settle }),
    topic: useMutation({ mutationFn: async (topic: string) => unwrap(await api.POST('/tickets/{ticket}/topic', { params, body: { topic } })), onSettled: settle }),
    reply: useMutation({
      mutationFn: async (reply: { text: string; attachments: string[] }) =>
        unwrap(await api.POST('/tickets/{ticket}/messages', { params, body: { text: reply.text, attachments: reply.attachments, quick_replies: [] } })),
      onSettled: settle,
    }),
    assign: useMutation({
      mutationFn: async (input: { assignee: string | null; note?: string }) =>
        unwrap(await api.POST('/tickets/{ticket}/assign', { params, body: { assignee: input.assignee, ...(input.note ? { note: input.note } : {}) } })),
      onSettled: settle,
    }),
  };
}

/** Asks the API for an upload URL, PUTs the file there, answers the URL a reply's `attachments` takes. */
export async function uploadAttachment(file: File): Promise<string> {
  const upload = unwrap(
    await api.POST('/attachments', { body: { content_type: file.type || 'application/octet-stream', filename: file.name, size: file.size } }),
  );
  const response = await fetch(upload.upload_url, { method: 'PUT', headers: upload.headers, body: file });
  if (!response.ok) throw new Error(`upload failed (${response.status})`);
  return upload.url;
}

export function TicketView({ uuid, me, ref }: { uuid: string; me: Schemas['Me']; ref?: Ref<TicketViewHandle> }) {
  const { t, formatTime } = useI18n();
  const [assigning, setAssigning] = useState(false);
  const [showContact, setShowContact] = useState(true);
  const replyBox = useRef<HTMLTextAreaElement>(null);
  const noteBox = useRef<HTMLTextAreaElement>(null);
  const live = useLive();
  useLiveSubscription(uuid);
  const detail = useQuery({
    queryKey: queryKeys.detail(uuid),
    queryFn: async () => live.reconcileDetail(unwrap(await api.GET('/tickets/{ticket}', { params: { path: { ticket: uuid } } }))),
    refetchInterval: live.pollInterval,
  });
  // The conversation endpoint: messages in and out, notes and history in one time order, newest first, 50 a page.
  const conversation = useInfiniteQuery({
    queryKey: queryKeys.conversation(uuid),
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }) =>
      live.reconcileConversation(
        uuid,
        unwrap(await api.GET('/tickets/{ticket}/conversation', { params: { path: { ticket: uuid }, query: pageParam ? { cursor: pageParam } : {} } })),
        pageParam === null,
      ),
    getNextPageParam: (page) => page.next_cursor,
    refetchInterval: live.pollInterval,
  });
  const topics = useQuery({ queryKey: ['topics'], queryFn: async () => unwrap(await api.GET('/topics')), staleTime: 30_000 });
  const mutations = useTicketMutations(uuid);
  const ticket = detail.data?.ticket;
  const canWork = me.role !== 'viewer';

  useImperativeHandle(ref, () => ({
    run(action) {
      if (!ticket || !canWork) return;
      if (action === 'reply') replyBox.current?.focus();
      else if (action === 'note') noteBox.current?.focus();
      else if (action === 'assign') setAssigning(true);
      else if (action === 'close') (ticket.status === 'open' ? mutations.close : mutations.reopen).mutate();
    },
  }));

  if (detail.isPending) return <p role="status">{t('app.loading')}</p>;
  if (detail.isError || !ticket) return <p role="alert">{t('app.error', { message: detail.error?.message ?? '' })}</p>;
  const { contact } = detail.data;
  const entries: ConversationEntry[] = inTimeOrder(conversation.data?.pages.flatMap((page) => page.results) ?? []);
  const name = contact.name || t('list.noName');
  const error = [mutations.close, mutations.reopen, mutations.note, mutations.topic, mutations.assign].find((mutation) => mutation.isError)?.error;

  return (
    <div className={`ticket ${showContact ? 'with-contact' : ''}`}>
      <div className="ticket-main">
        <header className="ticket-head">
          {/* Name and the close checkmark share the first row, so the checkmark stays top right however the actions wrap. */}
          <div className="ticket-title">
            <h2>{name}</h2>
            {canWork && ticket.status === 'open' && (
              <button type="button" className="icon-button close-ticket" aria-label={t('ticket.close')} title={t('ticket.close')} onClick={() => mutations.close.mutate()} disabled={mutations.close.isPending}>
                <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20">
                  <path d="M4 12.5l5 5L20 6.5" fill="none" stroke="currentColor" strokeWidth="2.5" strokeLinecap="round" strokeLinejoin="round" />
                </svg>
              </button>
            )}
          </div>
          <div className="ticket-actions">
            <Field label={t('ticket.topic')} inline>
              {(id) => (
                  <select id={id} value={ticket.topic.uuid} disabled={!canWork} onChange={(event) => mutations.topic.mutate(event.target.value)}>
                    {(topics.data?.results ?? [ticket.topic]).map((topic) => (
                      <option key={topic.uuid} value={topic.uuid}>
                        {topic.name}
                      </option>
                    ))}
                  </select>
              )}
            </Field>
            <span className="assignee">
              {ticket.assignee ? t('ticket.assignee', { name: ticket.assignee.name || ticket.assignee.email }) : t('ticket.unassigned')}
            </span>
            {canWork && (
              <button type="button" onClick={() => setAssigning(true)} title={t('ticket.assign')}>
                <svg aria-hidden="true" viewBox="0 0 24 24" width="16" height="16" className="icon">
                  <circle cx="12" cy="8" r="4" fill="none" stroke="currentColor" strokeWidth="2" />
                  <path d="M4 21c0-4 4-6 8-6s8 2 8 6" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
                </svg>
                {t('ticket.assign')}
              </button>
            )}
            <button type="button" aria-pressed={showContact} onClick={() => setShowContact((shown) => !shown)}>
              {t('ticket.contactDetails')}
            </button>
          </div>
        </header>
        {error && <p role="alert" className="error">{error.message}</p>}
        <Conversation
          entries={entries}
          contactName={name}
          {...(conversation.hasNextPage ? { onEarlier: () => void conversation.fetchNextPage() } : {})}
        />
        <TypingLine ticket={uuid} />
        {ticket.status === 'closed' ? (
          <div className="closed-bar">
            <span>{t('ticket.closedOn', { time: ticket.closed_on ? formatTime(ticket.closed_on) : '' })}</span>
            {canWork && (
              <button type="button" className="primary" onClick={() => mutations.reopen.mutate()} disabled={mutations.reopen.isPending}>
                {t('ticket.reopen')}
              </button>
            )}
          </div>
        ) : (
          canWork && (
            <div className="compose">
              <ReplyBox ref={replyBox} onSend={(reply) => mutations.reply.mutateAsync(reply)} onUpload={uploadAttachment} onTyping={() => live.typing(uuid)} />
              <NoteBox textarea={noteBox} onAdd={(note) => mutations.note.mutateAsync(note)} onTyping={() => live.typing(uuid)} />
            </div>
          )
        )}
      </div>
      {showContact && <ContactPanel contact={contact} />}
      {assigning && (
        <AssignDialog
          current={ticket.assignee?.uuid ?? null}
          me={me}
          onClose={() => setAssigning(false)}
          onSave={async (input) => {
            await mutations.assign.mutateAsync(input);
            setAssigning(false);
          }}
        />
      )}
    </div>
  );
}

function Conversation({ entries, contactName, onEarlier }: { entries: ConversationEntry[]; contactName: string; onEarlier?: () => void }) {
  const { t, formatTime } = useI18n();
  const end = useRef<HTMLLIElement>(null);
  useEffect(() => {
    end.current?.scrollIntoView?.({ block: 'end' });
  }, [entries.length]);
  return (
    <ol className="conversation" aria-label={t('ticket.conversation')} tabIndex={0}>
      {onEarlier && (
        <li className="earlier">
          <button type="button" onClick={onEarlier}>
            {t('ticket.earlier')}
          </button>
        </li>
      )}
      {entries.map((entry) => {
        if (entry.kind === 'msg') {
          const who = entry.direction === 'in' ? contactName : entry.user ? entry.user.name || entry.user.email : t('msg.bot');
          return (
            <li key={entry.uuid} className={`msg ${entry.direction} ${entry.user ? 'agent' : entry.direction === 'out' ? 'bot' : ''}`}>
              <span className="who">{entry.direction === 'in' ? t('msg.in', { name: who }) : who}</span>
              <p className="text">{entry.text}</p>
              {entry.attachments.map((attachment) => {
                const { url, label } = attachmentLink(attachment);
                return (
                  <a key={attachment} href={url} target="_blank" rel="noreferrer" className="attachment">
                    {label}
                  </a>
                );
              })}
              <span className="meta">
                <time dateTime={entry.created_on}>{formatTime(entry.created_on)}</time>
                {entry.direction === 'out' && <span className={`status status-${entry.status}`}> · {t(`msg.status.${entry.status}` as 'msg.status.sent')}</span>}
                {entry.direction === 'out' && entry.failed_reason && <span className="error"> ({entry.failed_reason})</span>}
              </span>
            </li>
          );
        }
        if (entry.type === 'ticket_note_added') {
          return (
            <li key={entry.uuid} className="note">
              <span className="who">{historyLine(entry, t)}</span>
              <p className="text">{entry.note}</p>
              <time dateTime={entry.created_on}>{formatTime(entry.created_on)}</time>
            </li>
          );
        }
        return (
          <li key={entry.uuid} className="event">
            <span>{historyLine(entry, t)}</span> <time dateTime={entry.created_on}>{formatTime(entry.created_on)}</time>
            {entry.type === 'ticket_assignee_changed' && entry.note && <p className="text">{entry.note}</p>}
          </li>
        );
      })}
      <li ref={end} aria-hidden="true" className="end" />
    </ol>
  );
}

/** "Ana is typing…" while a colleague writes a reply or note on this ticket; polite, so a screen reader says it between other things. */
function TypingLine({ ticket }: { ticket: string }) {
  const { t } = useI18n();
  const typing = useTyping(ticket);
  return (
    <p className="typing" aria-live="polite">
      {typing.length > 0 && t('live.typing', { name: typing.map((user) => user.name || user.email).join(', ') })}
    </p>
  );
}

function NoteBox({ textarea, onAdd, onTyping }: { textarea: Ref<HTMLTextAreaElement>; onAdd(note: string): Promise<unknown>; onTyping?: () => void }) {
  const { t } = useI18n();
  const [note, setNote] = useState('');
  const add = async () => {
    if (!note.trim()) return;
    await onAdd(note.trim());
    setNote('');
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      void add();
    }
  };
  return (
    <div className="note-box">
      <Field label={t('ticket.note')}>
        {(id) => (
            <textarea
              id={id}
              ref={textarea}
              rows={2}
              value={note}
              onChange={(event) => {
                setNote(event.target.value);
                onTyping?.();
              }}
              onKeyDown={onKeyDown}
              maxLength={10000}
            />
        )}
      </Field>
      <button type="button" onClick={() => void add()} disabled={!note.trim()}>
        {t('ticket.addNote')}
      </button>
    </div>
  );
}
