// The shell: who is signed in, the navigation, and the screen of the address.
import { QueryClient, QueryClientProvider, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, type ReactNode } from 'react';
import { ApiError, api, setUnauthorizedHandler, unwrap, type Schemas } from './api/client';
import { I18nProvider, LOCALE_NAMES, LOCALES, useI18n, type Locale } from './i18n';
import { APP_PATHS } from './paths';
import { navigate, onLinkClick, parseTicketsPath, useLocation } from './router';
import { AcceptInvitation } from './screens/AcceptInvitation';
import { Channels } from './screens/Channels';
import { Flows } from './screens/Flows';
import { ManageLogins } from './screens/ManageLogins';
import { SignIn } from './screens/SignIn';
import { Tickets } from './screens/Tickets';
import { Topics } from './screens/Topics';
import { Triggers } from './screens/Triggers';
import { Field } from './lib/Field';
import { LiveProvider } from './live/LiveProvider';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (failures, error) => !(error instanceof ApiError && error.status < 500) && failures < 2,
        staleTime: 2_000,
        refetchOnWindowFocus: true,
      },
    },
  });
}

export function App({ queryClient = createQueryClient(), locale }: { queryClient?: QueryClient; locale?: Locale }) {
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider {...(locale ? { initial: locale } : {})}>
        <Shell />
      </I18nProvider>
    </QueryClientProvider>
  );
}

export function useMe() {
  return useQuery({
    queryKey: ['me'],
    queryFn: async () => unwrap(await api.GET('/me')),
    retry: false,
    staleTime: 60_000,
  });
}

function Shell() {
  const { t } = useI18n();
  const location = useLocation();
  const queryClient = useQueryClient();
  const me = useMe();
  useEffect(() => {
    setUnauthorizedHandler(() => {
      queryClient.setQueryData(['me'], undefined);
      void queryClient.invalidateQueries({ queryKey: ['me'] });
    });
  }, [queryClient]);

  if (location.path === APP_PATHS.accept) return <Frame><AcceptInvitation /></Frame>;
  if (me.isPending) return <Frame><p role="status">{t('app.loading')}</p></Frame>;
  if (me.isError || !me.data) {
    if (me.error instanceof ApiError && me.error.status === 401) return <Frame><SignIn /></Frame>;
    if (me.isError) return <Frame><p role="alert">{t('app.error', { message: me.error.message })}</p></Frame>;
    return <Frame><SignIn /></Frame>;
  }
  return <SignedIn me={me.data} path={location.path} search={location.search} />;
}

function Frame({ children }: { children: ReactNode }) {
  return (
    <div className="frame">
      <header className="frame-header">
        <span className="brand">Ticketer</span>
        <LanguageSelect />
      </header>
      <main id="main" className="frame-main">{children}</main>
    </div>
  );
}

function LanguageSelect() {
  const { t, locale, setLocale } = useI18n();
  return (
    <Field label={t('lang.label')} inline>
      {(id) => (
          <select id={id} value={locale} onChange={(event) => setLocale(event.target.value as Locale)}>
            {(Object.keys(LOCALES) as Locale[]).map((code) => (
              <option key={code} value={code} lang={code}>
                {LOCALE_NAMES[code]}
              </option>
            ))}
          </select>
      )}
    </Field>
  );
}

const NAV = [
  { path: APP_PATHS.inbox, label: 'nav.tickets', roles: ['administrator', 'editor', 'agent', 'viewer'] },
  { path: APP_PATHS.logins, label: 'nav.logins', roles: ['administrator'] },
  { path: APP_PATHS.triggers, label: 'nav.triggers', roles: ['administrator', 'editor'] },
  { path: APP_PATHS.flows, label: 'nav.flows', roles: ['administrator', 'editor'] },
  { path: APP_PATHS.topics, label: 'nav.topics', roles: ['administrator', 'editor'] },
  { path: APP_PATHS.channels, label: 'nav.channels', roles: ['administrator', 'editor'] },
] as const;

function SignedIn({ me, path, search }: { me: Schemas['Me']; path: string; search: URLSearchParams }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const allowed = NAV.filter((item) => (item.roles as readonly string[]).includes(me.role));
  useEffect(() => {
    if (!allowed.some((item) => path.startsWith(item.path))) navigate(`${APP_PATHS.inbox}/all`, { replace: true });
  }, [path, allowed]);
  const signOut = async () => {
    await api.POST('/sign-out');
    queryClient.clear();
    navigate(APP_PATHS.signIn, { replace: true });
    await queryClient.invalidateQueries({ queryKey: ['me'] });
  };
  const tickets = parseTicketsPath(path, search);
  let screen: ReactNode = null;
  if (tickets) screen = <Tickets route={tickets} me={me} />;
  else if (path.startsWith(APP_PATHS.logins) && me.role === 'administrator') screen = <ManageLogins me={me} />;
  else if (path.startsWith(APP_PATHS.triggers)) screen = <Triggers />;
  else if (path.startsWith(APP_PATHS.flows)) screen = <Flows />;
  else if (path.startsWith(APP_PATHS.topics)) screen = <Topics />;
  else if (path.startsWith(APP_PATHS.channels)) screen = <Channels />;
  return (
    <div className="app">
      <a className="skip" href="#main">{t('app.skip')}</a>
      <header className="app-header">
        <span className="brand">Ticketer</span>
        <nav aria-label={t('nav.main')}>
          <ul>
            {allowed.map((item) => (
              <li key={item.path}>
                <a href={item.path === APP_PATHS.inbox ? `${APP_PATHS.inbox}/all` : item.path} onClick={onLinkClick} aria-current={path.startsWith(item.path) ? 'page' : undefined}>
                  {t(item.label)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span>{t('nav.signedInAs', { name: me.user?.name ?? '', role: t(`role.${me.role}`) })}</span>
          <LanguageSelect />
          <button type="button" className="link-button" onClick={() => void signOut()}>
            {t('nav.signOut')}
          </button>
        </div>
      </header>
      <main id="main" className="app-main">
        <LiveProvider me={me.user?.uuid ?? null}>{screen}</LiveProvider>
      </main>
    </div>
  );
}
