// Triggers: "Start a flow after a ticket is closed" (RapidPro's closed_ticket
// trigger); keyword triggers once the conversations API serves them.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import { useI18n } from '../i18n';
import { Field } from '../lib/Field';

export function Triggers() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const flows = useQuery({ queryKey: ['flows'], queryFn: async () => unwrap(await api.GET('/flows')) });
  const triggers = useQuery({ queryKey: ['triggers'], queryFn: async () => unwrap(await api.GET('/triggers')) });
  const [flow, setFlow] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const everyone = triggers.data?.results.find((trigger) => !trigger.groups.length && !trigger.exclude_groups.length);
  const save = useMutation({
    mutationFn: async (uuid: string) =>
      // The trigger for every contact is one: saving again changes its flow.
      everyone
        ? unwrap(await api.PUT('/triggers/{trigger}', { params: { path: { trigger: everyone.uuid } }, body: { flow: { uuid } } }))
        : unwrap(await api.POST('/triggers', { body: { flow: { uuid } } })),
    onSuccess: (trigger) => setMessage(t('triggers.saved', { flow: trigger.flow.name })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['triggers'] }),
  });
  const remove = useMutation({
    mutationFn: async (trigger: string) => unwrap(await api.DELETE('/triggers/{trigger}', { params: { path: { trigger } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['triggers'] }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMessage(null);
    if (flow) save.mutate(flow);
  };
  const flowList = flows.data?.results ?? [];
  return (
    <div className="page">
      <h1>{t('triggers.title')}</h1>
      <section className="card" aria-labelledby="closed-trigger-title">
        <h2 id="closed-trigger-title">{t('triggers.closed')}</h2>
        {flows.isSuccess && !flowList.length && <p>{t('triggers.noFlows')}</p>}
        <form onSubmit={submit}>
          <Field label={t('triggers.flow')}>
            {(id) => (
                <select id={id} value={flow || everyone?.flow.uuid || ''} onChange={(event) => setFlow(event.target.value)}>
                  <option value="">{t('triggers.chooseFlow')}</option>
                  {flowList.map((item) => (
                    <option key={item.uuid} value={item.uuid}>
                      {item.name}
                    </option>
                  ))}
                </select>
            )}
          </Field>
          <button type="submit" className="primary" disabled={!flow || save.isPending}>
            {t('triggers.save')}
          </button>
        </form>
        {message && <p role="status" className="success">{message}</p>}
        {save.isError && <p role="alert" className="error">{save.error.message}</p>}
      </section>
      <section className="card" aria-labelledby="existing-triggers-title">
        <h2 id="existing-triggers-title">{t('triggers.existing')}</h2>
        {triggers.data?.results.length ? (
          <ul className="plain">
            {triggers.data.results.map((trigger) => (
              <li key={trigger.uuid}>
                <strong>{trigger.flow.name}</strong> · {trigger.groups.map((group) => group.name).join(', ') || t('triggers.everyone')}{' '}
                <button type="button" onClick={() => remove.mutate(trigger.uuid)}>
                  {t('triggers.delete', { flow: trigger.flow.name })}
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('triggers.none')}</p>
        )}
      </section>
      <section className="card" aria-labelledby="keyword-triggers-title">
        <h2 id="keyword-triggers-title">{t('triggers.keywords')}</h2>
        <p>{t('triggers.keywordsUnavailable')}</p>
      </section>
    </div>
  );
}
