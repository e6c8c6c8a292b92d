// Flows: import a RapidPro export file, list the imported flows.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import { useI18n } from '../i18n';
import { Field } from '../lib/Field';

export function Flows() {
  const { t, formatTime } = useI18n();
  const queryClient = useQueryClient();
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const flows = useQuery({ queryKey: ['flows'], queryFn: async () => unwrap(await api.GET('/flows')) });
  const importFlows = useMutation({
    mutationFn: async (definition: Record<string, unknown>) => unwrap(await api.POST('/flows', { body: definition })),
    onSuccess: (result) => setMessage(t('flows.imported', { names: result.flows.map((flow) => flow.name).join(', ') })),
    onError: (caught) => setError(caught.message),
    onSettled: () => Promise.all([queryClient.invalidateQueries({ queryKey: ['flows'] }), queryClient.invalidateQueries({ queryKey: ['triggers'] })]),
  });
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setMessage(null);
    setError(null);
    const file = new FormData(event.currentTarget).get('file');
    if (!(file instanceof File) || !file.size) return;
    let definition: Record<string, unknown>;
    try {
      definition = JSON.parse(await file.text()) as Record<string, unknown>;
    } catch {
      setError(t('flows.badFile'));
      return;
    }
    importFlows.mutate(definition);
  };
  return (
    <div className="page">
      <h1>{t('flows.title')}</h1>
      <section className="card" aria-labelledby="import-title">
        <h2 id="import-title">{t('flows.import')}</h2>
        <form onSubmit={(event) => void submit(event)}>
          <Field label={t('flows.file')}>
            {(id) => (
                <input id={id} name="file" type="file" accept=".json,application/json" required />
            )}
          </Field>
          <button type="submit" className="primary" disabled={importFlows.isPending}>
            {t('flows.submit')}
          </button>
        </form>
        {message && <p role="status" className="success">{message}</p>}
        {error && <p role="alert" className="error">{error}</p>}
      </section>
      <section className="card" aria-labelledby="flows-title">
        <h2 id="flows-title">{t('flows.title')}</h2>
        {flows.data?.results.length ? (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('flows.name')}</th>
                <th scope="col">{t('flows.type')}</th>
                <th scope="col">{t('flows.modified')}</th>
              </tr>
            </thead>
            <tbody>
              {flows.data.results.map((flow) => (
                <tr key={flow.uuid}>
                  <td>{flow.name}</td>
                  <td>{flow.type}</td>
                  <td>{formatTime(flow.modified_on)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>{t('flows.none')}</p>
        )}
      </section>
    </div>
  );
}
