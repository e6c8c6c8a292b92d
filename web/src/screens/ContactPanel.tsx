import type { Schemas } from '../api/client';
import { useI18n } from '../i18n';

type Contact = Schemas['ContactDetails'];

/** Name, URNs, language, groups and every custom field with the value the flow filled. */
export function ContactPanel({ contact }: { contact: Contact }) {
  const { t } = useI18n();
  const fields = Object.entries(contact.fields).sort(([a], [b]) => a.localeCompare(b));
  return (
    <aside className="contact-panel" aria-labelledby="contact-title">
      <h2 id="contact-title">{t('contact.title')}</h2>
      <dl>
        <dt>{t('contact.name')}</dt>
        <dd>{contact.name || t('contact.none')}</dd>
        <dt>{t('contact.urns')}</dt>
        <dd>
          {contact.urns.length ? (
            <ul>
              {contact.urns.map((urn) => (
                <li key={urn}>{urn}</li>
              ))}
            </ul>
          ) : (
            t('contact.none')
          )}
        </dd>
        <dt>{t('contact.language')}</dt>
        <dd>{contact.language || t('contact.none')}</dd>
        <dt>{t('contact.groups')}</dt>
        <dd>
          {contact.groups.length ? (
            <ul>
              {contact.groups.map((group) => (
                <li key={group.uuid}>{group.name}</li>
              ))}
            </ul>
          ) : (
            t('contact.none')
          )}
        </dd>
      </dl>
      <h3>{t('contact.fields')}</h3>
      {fields.length ? (
        <dl className="fields">
          {fields.map(([key, value]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd>{value ?? t('contact.none')}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p>{t('contact.noFields')}</p>
      )}
    </aside>
  );
}
