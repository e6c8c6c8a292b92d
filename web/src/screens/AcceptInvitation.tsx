import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, api, unwrap } from '../api/client';
import { useI18n } from '../i18n';
import { APP_PATHS } from '../paths';
import { navigate, useLocation } from '../router';
import { Field } from '../lib/Field';

/** Where the invitation mail's link leads: name and password, then the inbox, signed in. */
export function AcceptInvitation() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const secret = useLocation().search.get('secret') ?? '';
  const [error, setError] = useState<string | null>(null);
  const invitation = useQuery({
    queryKey: ['invitation', secret],
    enabled: secret.length > 0,
    retry: false,
    queryFn: async () => unwrap(await api.GET('/invitations/accept', { params: { query: { secret } }, headers: { accept: 'application/json' } })),
  });
  if (!secret) return <p role="alert">{t('accept.missing')}</p>;
  if (invitation.isPending) return <p role="status">{t('app.loading')}</p>;
  if (invitation.isError) return <p role="alert">{invitation.error instanceof ApiError && invitation.error.status === 404 ? t('accept.notFound') : invitation.error.message}</p>;
  const { email, role, workspace } = invitation.data;
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    try {
      unwrap(await api.POST('/invitations/accept', { body: { secret, name: String(form.get('name')), password: String(form.get('password')) } }));
      await queryClient.resetQueries({ queryKey: ['me'] });
      navigate(`${APP_PATHS.inbox}/all`, { replace: true });
    } catch (caught) {
      setError((caught as Error).message);
    }
  };
  return (
    <section className="card narrow" aria-labelledby="accept-title">
      <h1 id="accept-title">{t('accept.title', { workspace: workspace.name })}</h1>
      <p>{t('accept.intro', { role: t(`role.${role}`), email })}</p>
      <form onSubmit={(event) => void submit(event)}>
        <Field label={t('accept.name')}>
          {(id) => (
              <input id={id} name="name" autoComplete="name" required maxLength={128} />
          )}
        </Field>
        <Field label={t('accept.password')}>
          {(id) => (
              <input id={id} name="password" type="password" autoComplete="new-password" required minLength={8} aria-describedby="accept-password-hint" />
          )}
        </Field>
        <p id="accept-password-hint" className="hint">{t('accept.passwordHint')}</p>
        {error && <p role="alert" className="error">{error}</p>}
        <button type="submit" className="primary">{t('accept.submit')}</button>
      </form>
    </section>
  );
}
