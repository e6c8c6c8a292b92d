// Channels: add an External API or Telegram channel and see its receive URL.
import { useI18n } from '../i18n';

export function Channels() {
  const { t } = useI18n();
  return (
    <div className="page">
      <h1>{t('channels.title')}</h1>
      <section className="card">
        <p>{t('channels.unavailable')}</p>
      </section>
    </div>
  );
}
