import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, unwrap, type Schemas } from '../api/client';
import { useI18n } from '../i18n';
import { Field } from '../lib/Field';

/** Members whose role may work tickets (a viewer cannot be assigned). */
export function assignable(members: readonly Schemas['Member'][]): Schemas['Member'][] {
  return members.filter((member) => member.role !== 'viewer').sort((a, b) => (a.name || a.email).localeCompare(b.name || b.email));
}

export function AssignDialog({
  current,
  me,
  onClose,
  onSave,
}: {
  current: string | null;
  me: Schemas['Me'];
  onClose(): void;
  onSave(input: { assignee: string | null; note?: string }): Promise<void>;
}) {
  const { t } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [assignee, setAssignee] = useState(current ?? me.user?.uuid ?? '');
  const members = useQuery({ queryKey: ['members'], queryFn: async () => unwrap(await api.GET('/members')), staleTime: 30_000 });
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal?.();
  }, []);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const note = String(form.get('note') ?? '').trim();
    try {
      await onSave({ assignee: assignee || null, ...(note ? { note } : {}) });
    } catch (caught) {
      setError((caught as Error).message);
    }
  };
  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="assign-title" onClose={onClose}>
      <form onSubmit={(event) => void submit(event)}>
        <h2 id="assign-title">{t('assign.title')}</h2>
        <Field label={t('assign.agent')}>
          {(id) => (
              <select id={id} name="assignee" value={assignee} onChange={(event) => setAssignee(event.target.value)}>
                <option value="">{t('assign.nobody')}</option>
                {assignable(members.data?.results ?? []).map((member) => (
                  <option key={member.uuid} value={member.uuid}>
                    {member.name ? `${member.name} (${member.email})` : member.email}
                  </option>
                ))}
              </select>
          )}
        </Field>
        <Field label={t('assign.note')}>
          {(id) => (
              <textarea id={id} name="note" rows={3} maxLength={10000} />
          )}
        </Field>
        {error && <p role="alert" className="error">{error}</p>}
        <div className="dialog-buttons">
          <button type="button" onClick={() => dialog.current?.close()}>
            {t('assign.cancel')}
          </button>
          <button type="submit" className="primary" disabled={members.isPending}>
            {t('assign.save')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
