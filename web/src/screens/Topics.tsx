// Topics: create and rename (the system topic "General" stays as it is).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import { useI18n } from '../i18n';
import { Field } from '../lib/Field';

export function Topics() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const topics = useQuery({ queryKey: ['topics'], queryFn: async () => unwrap(await api.GET('/topics')) });
  const refresh = () => Promise.all([queryClient.invalidateQueries({ queryKey: ['topics'] }), queryClient.invalidateQueries({ queryKey: ['folders'] })]);
  const create = useMutation({
    mutationFn: async (topic: string) => unwrap(await api.POST('/topics', { body: { name: topic } })),
    onSuccess: () => setName(''),
    onSettled: refresh,
  });
  const rename = useMutation({
    mutationFn: async (input: { uuid: string; name: string }) => unwrap(await api.PATCH('/topics/{topic}', { params: { path: { topic: input.uuid } }, body: { name: input.name } })),
    onSettled: refresh,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) create.mutate(name.trim());
  };
  const error = create.error ?? rename.error;
  return (
    <div className="page">
      <h1>{t('topics.title')}</h1>
      <section className="card" aria-labelledby="new-topic-title">
        <h2 id="new-topic-title">{t('topics.new')}</h2>
        <form onSubmit={submit} className="row">
          <Field label={t('topics.name')}>
            {(id) => (
                <input id={id} value={name} onChange={(event) => setName(event.target.value)} maxLength={64} />
            )}
          </Field>
          <button type="submit" className="primary" disabled={!name.trim()}>
            {t('topics.create')}
          </button>
        </form>
        {error && <p role="alert" className="error">{error.message}</p>}
      </section>
      <section className="card" aria-labelledby="topics-title">
        <h2 id="topics-title">{t('topics.title')}</h2>
        <ul className="plain">
          {(topics.data?.results ?? []).map((topic) => (
            <li key={topic.uuid}>
              {topic.system ? (
                <span>
                  <strong>{topic.name}</strong> ({t('topics.system')})
                </span>
              ) : (
                <RenameTopic name={topic.name} onRename={(next) => rename.mutate({ uuid: topic.uuid, name: next })} />
              )}{' '}
              <span className="hint">{t('topics.counts', { open: topic.counts.open, closed: topic.counts.closed })}</span>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

function RenameTopic({ name, onRename }: { name: string; onRename(name: string): void }) {
  const { t } = useI18n();
  const [value, setValue] = useState(name);
  return (
    <form
      className="row inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (value.trim() && value.trim() !== name) onRename(value.trim());
      }}
    >
      <input aria-label={t('topics.rename', { name })} value={value} onChange={(event) => setValue(event.target.value)} maxLength={64} />
      <button type="submit" disabled={!value.trim() || value.trim() === name}>
        {t('topics.renameSave')}
      </button>
    </form>
  );
}
