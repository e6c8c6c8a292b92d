import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, api, unwrap } from '../api/client';
import { useI18n } from '../i18n';
import { APP_PATHS } from '../paths';
import { navigate } from '../router';
import { Field } from '../lib/Field';

export function SignIn() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      unwrap(await api.POST('/sign-in', { body: { email: String(form.get('email')), password: String(form.get('password')) } }));
      await queryClient.resetQueries({ queryKey: ['me'] });
      // A deep link that led to the sign-in stays where it was; the sign-in page itself leads to the inbox.
      if (window.location.pathname === APP_PATHS.signIn || window.location.pathname === '/') navigate(`${APP_PATHS.inbox}/all`, { replace: true });
    } catch (caught) {
      const status = caught instanceof ApiError ? caught.status : 0;
      setError(status === 429 ? t('signIn.tooMany') : status === 401 || status === 400 ? t('signIn.invalid') : (caught as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card narrow" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">{t('signIn.title')}</h1>
      <form onSubmit={(event) => void submit(event)}>
        <Field label={t('signIn.email')}>
          {(id) => (
              <input id={id} name="email" type="email" autoComplete="username" required />
          )}
        </Field>
        <Field label={t('signIn.password')}>
          {(id) => (
              <input id={id} name="password" type="password" autoComplete="current-password" required />
          )}
        </Field>
        {error && <p role="alert" className="error">{error}</p>}
        <button type="submit" className="primary" disabled={busy}>
          {t('signIn.submit')}
        </button>
      </form>
    </section>
  );
}
