// Manage Logins (administrators): invite emails with a role, members with
// their roles, pending invitations.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap, type Schemas } from '../api/client';
import { useI18n } from '../i18n';
import { Field } from '../lib/Field';

type Role = Schemas['Member']['role'];
const ROLES: Role[] = ['administrator', 'editor', 'agent', 'viewer'];

/** "a@x.org, b@y.org\nc@z.org" → the distinct addresses, in order. */
export function parseEmails(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((email) => email.trim()).filter(Boolean))];
}

export function ManageLogins({ me }: { me: Schemas['Me'] }) {
  const { t, formatTime } = useI18n();
  const queryClient = useQueryClient();
  const [emails, setEmails] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [message, setMessage] = useState<string | null>(null);
  const members = useQuery({ queryKey: ['members'], queryFn: async () => unwrap(await api.GET('/members')) });
  const invitations = useQuery({ queryKey: ['invitations'], queryFn: async () => unwrap(await api.GET('/invitations')) });
  const refresh = () => Promise.all([queryClient.invalidateQueries({ queryKey: ['members'] }), queryClient.invalidateQueries({ queryKey: ['invitations'] })]);
  const invite = useMutation({
    mutationFn: async (input: { emails: string[]; role: Role }) => unwrap(await api.POST('/invitations', { body: input })),
    onSuccess: (_data, input) => {
      setEmails('');
      setMessage(t('logins.invited', { emails: input.emails.join(', ') }));
    },
    onSettled: refresh,
  });
  const changeRole = useMutation({
    mutationFn: async (input: { user: string; role: Role }) => unwrap(await api.PATCH('/members/{user}', { params: { path: { user: input.user } }, body: { role: input.role } })),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: async (user: string) => unwrap(await api.DELETE('/members/{user}', { params: { path: { user } } })),
    onSettled: refresh,
  });
  const revoke = useMutation({
    mutationFn: async (invitation: string) => unwrap(await api.DELETE('/invitations/{invitation}', { params: { path: { invitation } } })),
    onSettled: refresh,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMessage(null);
    const list = parseEmails(emails);
    if (list.length) invite.mutate({ emails: list, role });
  };
  const error = [invite, changeRole, remove, revoke].find((mutation) => mutation.isError)?.error;
  return (
    <div className="page">
      <h1>{t('logins.title')}</h1>
      <section className="card" aria-labelledby="invite-title">
        <h2 id="invite-title">{t('logins.invite')}</h2>
        <form onSubmit={submit}>
          <Field label={t('logins.emails')}>
            {(id) => (
                <textarea id={id} name="emails" rows={3} value={emails} onChange={(event) => setEmails(event.target.value)} aria-describedby="emails-hint" />
            )}
          </Field>
          <p id="emails-hint" className="hint">{t('logins.emailsHint')}</p>
          <Field label={t('logins.role')}>
            {(id) => (
                <select id={id} value={role} onChange={(event) => setRole(event.target.value as Role)}>
                  {ROLES.map((value) => (
                    <option key={value} value={value}>
                      {t(`role.${value}`)}
                    </option>
                  ))}
                </select>
            )}
          </Field>
          <button type="submit" className="primary" disabled={invite.isPending || !parseEmails(emails).length}>
            {t('logins.save')}
          </button>
        </form>
        {message && <p role="status" className="success">{message}</p>}
        {error && <p role="alert" className="error">{error.message}</p>}
      </section>
      <section className="card" aria-labelledby="members-title">
        <h2 id="members-title">{t('logins.members')}</h2>
        <table>
          <tbody>
            {(members.data?.results ?? []).map((member) => (
              <tr key={member.uuid}>
                <td>{member.name}</td>
                <td>{member.email}</td>
                <td>
                  <select
                    aria-label={t('logins.roleOf', { name: member.name || member.email })}
                    value={member.role}
                    onChange={(event) => changeRole.mutate({ user: member.uuid, role: event.target.value as Role })}
                  >
                    {ROLES.map((value) => (
                      <option key={value} value={value}>
                        {t(`role.${value}`)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  {member.uuid !== me.user?.uuid && (
                    <button
                      type="button"
                      className="danger"
                      aria-label={t('logins.remove', { name: member.name || member.email })}
                      onClick={() => window.confirm(t('logins.confirmRemove', { name: member.name || member.email })) && remove.mutate(member.uuid)}
                    >
                      {t('logins.removeShort')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card" aria-labelledby="pending-title">
        <h2 id="pending-title">{t('logins.pending')}</h2>
        {invitations.data?.results.length ? (
          <ul className="plain">
            {invitations.data.results.map((invitation) => (
              <li key={invitation.uuid}>
                <span>
                  {invitation.email} · {t(`role.${invitation.role}`)} · {t('logins.expires', { time: formatTime(invitation.expires_on) })}
                </span>{' '}
                <button type="button" aria-label={t('logins.revoke', { email: invitation.email })} onClick={() => revoke.mutate(invitation.uuid)}>
                  {t('logins.revokeShort')}
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('logins.noPending')}</p>
        )}
      </section>
    </div>
  );
}
