// Triggers: "Start a flow after a ticket is closed" (RapidPro's closed_ticket
// trigger) and keyword triggers (a contact's message starting with a word
// starts a flow), as RapidPro's Triggers page has them.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap, type Schemas } from '../api/client';
import { useI18n } from '../i18n';
import { Field } from '../lib/Field';

type Trigger = Schemas['ClosedTicketTrigger'];

/** "help, Ajuda  suporte" → the keywords (one word each, as the API wants them). */
export function parseKeywords(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((word) => word.trim().toLowerCase()).filter(Boolean))];
}

/** The closed-ticket trigger for exactly these groups (none: the one for every contact), which saving changes; undefined: saving creates one. */
export function closedTriggerFor(closed: readonly Trigger[], groups: readonly string[]): Trigger | undefined {
  const wanted = [...new Set(groups)].sort().join(',');
  return closed.find((trigger) => !trigger.exclude_groups.length && trigger.groups.map((group) => group.uuid).sort().join(',') === wanted);
}

export function Triggers() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const flows = useQuery({ queryKey: ['flows'], queryFn: async () => unwrap(await api.GET('/flows')) });
  const triggers = useQuery({ queryKey: ['triggers'], queryFn: async () => unwrap(await api.GET('/triggers')) });
  const groups = useQuery({ queryKey: ['groups'], queryFn: async () => unwrap(await api.GET('/groups')) });
  const [flow, setFlow] = useState('');
  const [chosenGroups, setChosenGroups] = useState<string[]>([]);
  const [keywords, setKeywords] = useState('');
  const [keywordFlow, setKeywordFlow] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const all = triggers.data?.results ?? [];
  const closed = all.filter((trigger) => trigger.type === 'closed_ticket');
  const keywordTriggers = all.filter((trigger) => trigger.type !== 'closed_ticket');
  const groupList = groups.data?.results ?? [];
  const target = closedTriggerFor(closed, chosenGroups);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['triggers'] });
  const save = useMutation({
    mutationFn: async (uuid: string) => {
      const chosen = groupList.filter((group) => chosenGroups.includes(group.uuid));
      const body = { type: 'closed_ticket' as const, flow: { uuid }, groups: chosen };
      // One trigger per set of groups (none: every contact): saving again changes its flow.
      return target
        ? unwrap(await api.PUT('/triggers/{trigger}', { params: { path: { trigger: target.uuid } }, body }))
        : unwrap(await api.POST('/triggers', { body }));
    },
    onSuccess: (trigger) => setMessage(t('triggers.saved', { flow: trigger.flow.name })),
    onSettled: refresh,
  });
  const addKeyword = useMutation({
    mutationFn: async (input: { keywords: string[]; flow: string }) =>
      unwrap(await api.POST('/triggers', { body: { type: 'keyword', keywords: input.keywords, match_type: 'F', flow: { uuid: input.flow } } })),
    onSuccess: (trigger) => {
      setKeywords('');
      setMessage(t('triggers.keywordSaved', { keywords: (trigger.keywords ?? []).join(', '), flow: trigger.flow.name }));
    },
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: async (trigger: string) => unwrap(await api.DELETE('/triggers/{trigger}', { params: { path: { trigger } } })),
    onSettled: refresh,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMessage(null);
    if (flow) save.mutate(flow);
  };
  const submitKeyword = (event: FormEvent) => {
    event.preventDefault();
    setMessage(null);
    const words = parseKeywords(keywords);
    if (words.length && keywordFlow) addKeyword.mutate({ keywords: words, flow: keywordFlow });
  };
  const flowList = flows.data?.results ?? [];
  const flowOptions = flowList.map((item) => (
    <option key={item.uuid} value={item.uuid}>
      {item.name}
    </option>
  ));
  const error = save.error ?? addKeyword.error ?? remove.error;
  const describe = (trigger: Trigger) =>
    trigger.type === 'keyword'
      ? t('triggers.keywordLine', { keywords: (trigger.keywords ?? []).join(', ') })
      : trigger.type === 'catch_all'
        ? t('triggers.catchAll')
        : trigger.groups.map((group) => group.name).join(', ') || t('triggers.everyone');
  const list = (items: Trigger[]) =>
    items.length ? (
      <ul className="plain">
        {items.map((trigger) => (
          <li key={trigger.uuid}>
            <span>
              <strong>{trigger.flow.name}</strong> · {describe(trigger)}
            </span>
            <button type="button" aria-label={t('triggers.delete', { flow: trigger.flow.name })} onClick={() => remove.mutate(trigger.uuid)}>
              {t('triggers.deleteShort')}
            </button>
          </li>
        ))}
      </ul>
    ) : (
      <p>{t('triggers.none')}</p>
    );
  return (
    <div className="page">
      <h1>{t('triggers.title')}</h1>
      {message && <p role="status" className="success">{message}</p>}
      {error && <p role="alert" className="error">{error.message}</p>}
      <section className="card" aria-labelledby="closed-trigger-title">
        <h2 id="closed-trigger-title">{t('triggers.closed')}</h2>
        {flows.isSuccess && !flowList.length && <p>{t('triggers.noFlows')}</p>}
        <form onSubmit={submit}>
          <Field label={t('triggers.flow')}>
            {(id) => (
              <select id={id} value={flow || target?.flow.uuid || ''} onChange={(event) => setFlow(event.target.value)}>
                <option value="">{t('triggers.chooseFlow')}</option>
                {flowOptions}
              </select>
            )}
          </Field>
          <Field label={t('triggers.groups')}>
            {(id) => (
              <select
                id={id}
                multiple
                value={chosenGroups}
                onChange={(event) => setChosenGroups([...event.target.selectedOptions].map((option) => option.value))}
                aria-describedby="groups-hint"
              >
                {groupList.map((group) => (
                  <option key={group.uuid} value={group.uuid}>
                    {group.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <p id="groups-hint" className="hint">{groupList.length ? t('triggers.groupsHint') : t('triggers.noGroups')}</p>
          <button type="submit" className="primary" disabled={!flow || save.isPending}>
            {t('triggers.save')}
          </button>
        </form>
        {list(closed)}
      </section>
      <section className="card" aria-labelledby="keyword-triggers-title">
        <h2 id="keyword-triggers-title">{t('triggers.keywords')}</h2>
        <form onSubmit={submitKeyword}>
          <Field label={t('triggers.keywordWords')}>
            {(id) => <input id={id} value={keywords} onChange={(event) => setKeywords(event.target.value)} aria-describedby="keywords-hint" />}
          </Field>
          <p id="keywords-hint" className="hint">{t('triggers.keywordsHint')}</p>
          <Field label={t('triggers.keywordFlow')}>
            {(id) => (
              <select id={id} value={keywordFlow} onChange={(event) => setKeywordFlow(event.target.value)}>
                <option value="">{t('triggers.chooseFlow')}</option>
                {flowOptions}
              </select>
            )}
          </Field>
          <button type="submit" disabled={!keywordFlow || !parseKeywords(keywords).length || addKeyword.isPending}>
            {t('triggers.addKeyword')}
          </button>
        </form>
        {list(keywordTriggers)}
      </section>
    </div>
  );
}
