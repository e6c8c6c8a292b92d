// Channels: add an External API (EX) or Telegram (TG) channel and see the
// receive URL to give the gateway (docs/channels.md).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap, type Schemas } from '../api/client';
import { useI18n } from '../i18n';
import { Field } from '../lib/Field';

type ChannelInput = Schemas['ChannelInput'];

export function channelInput(form: { type: 'EX' | 'TG'; name: string; sendUrl: string; address: string; botToken: string }): ChannelInput {
  return form.type === 'EX'
    ? { type: 'EX', name: form.name.trim(), address: form.address.trim() || null, config: { send_url: form.sendUrl.trim() } }
    : { type: 'TG', name: form.name.trim(), config: { auth_token: form.botToken.trim() } };
}

export function Channels() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ type: 'EX' as 'EX' | 'TG', name: '', sendUrl: '', address: '', botToken: '' });
  const [added, setAdded] = useState<Schemas['Channel'] | null>(null);
  const channels = useQuery({ queryKey: ['channels'], queryFn: async () => unwrap(await api.GET('/channels')) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['channels'] });
  const add = useMutation({
    mutationFn: async (input: ChannelInput) => unwrap(await api.POST('/channels', { body: input })),
    onSuccess: (channel) => {
      setAdded(channel);
      setForm((current) => ({ ...current, name: '', sendUrl: '', address: '', botToken: '' }));
    },
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: async (channel: string) => unwrap(await api.DELETE('/channels/{channel}', { params: { path: { channel } } })),
    onSettled: refresh,
  });
  const set = (key: keyof typeof form) => (event: { target: { value: string } }) => setForm((current) => ({ ...current, [key]: event.target.value }));
  const ready = form.name.trim() && (form.type === 'EX' ? form.sendUrl.trim() : form.botToken.trim());
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAdded(null);
    if (ready) add.mutate(channelInput(form));
  };
  const error = add.error ?? remove.error;
  return (
    <div className="page">
      <h1>{t('channels.title')}</h1>
      <section className="card" aria-labelledby="add-channel-title">
        <h2 id="add-channel-title">{t('channels.add')}</h2>
        <form onSubmit={submit}>
          <Field label={t('channels.type')}>
            {(id) => (
              <select id={id} value={form.type} onChange={set('type')}>
                <option value="EX">{t('channels.ex')}</option>
                <option value="TG">{t('channels.tg')}</option>
              </select>
            )}
          </Field>
          <Field label={t('channels.name')}>{(id) => <input id={id} value={form.name} onChange={set('name')} maxLength={64} />}</Field>
          {form.type === 'EX' ? (
            <>
              <Field label={t('channels.sendUrl')}>
                {(id) => <input id={id} type="url" value={form.sendUrl} onChange={set('sendUrl')} placeholder="https://gateway.example.com/send" />}
              </Field>
              <Field label={t('channels.address')}>{(id) => <input id={id} value={form.address} onChange={set('address')} />}</Field>
            </>
          ) : (
            <Field label={t('channels.botToken')}>{(id) => <input id={id} type="password" autoComplete="off" value={form.botToken} onChange={set('botToken')} />}</Field>
          )}
          <button type="submit" className="primary" disabled={!ready || add.isPending}>
            {t('channels.save')}
          </button>
        </form>
        {added && (
          <p role="status" className="success">
            {t('channels.added', { name: added.name })} <code>{added.receive_url}</code>
          </p>
        )}
        {error && <p role="alert" className="error">{error.message}</p>}
      </section>
      <section className="card" aria-labelledby="channels-title">
        <h2 id="channels-title">{t('channels.title')}</h2>
        {channels.data?.results.length ? (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('channels.name')}</th>
                <th scope="col">{t('channels.type')}</th>
                <th scope="col">{t('channels.receiveUrl')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('channels.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {channels.data.results.map((channel) => (
                <tr key={channel.uuid}>
                  <td>{channel.name}</td>
                  <td>{channel.type === 'EX' ? t('channels.ex') : t('channels.tg')}</td>
                  <td>
                    <code className="url">{channel.receive_url}</code>
                  </td>
                  <td>
                    <button type="button" className="danger" aria-label={t('channels.delete', { name: channel.name })} onClick={() => remove.mutate(channel.uuid)}>
                      {t('channels.deleteShort')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>{t('channels.none')}</p>
        )}
      </section>
    </div>
  );
}
