// The app's own paths. They must not start like any API path: the
// distribution sends those to the API (infra/constructs/web-app.ts), and a
// test checks that no app path is caught by an API behaviour.
export const APP_PATHS = {
  signIn: '/login',
  accept: '/accept',
  inbox: '/inbox',
  logins: '/manage/logins',
  triggers: '/manage/triggers',
  flows: '/manage/flows',
  topics: '/manage/topics',
  channels: '/manage/channels',
} as const;
