// The API's own invitation accept page: what a browser gets when the invitation
// mail's link leads to `GET /invitations/accept` (no agent UI configured). One
// self-contained page — no outside resources — whose form posts JSON to
// `POST /invitations/accept` on the same path. Everything shown is escaped, and
// the page's Content-Security-Policy lets only its own script and style run.
import { createHash } from 'node:crypto';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { z } from 'zod';
import { invitationDescriptionSchema } from './access-schemas';

/** Whether the client asks for HTML (browsers do); API clients sending JSON, `*\/*` or nothing get JSON. */
export function prefersHtml(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((range) => {
    const [type, ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    return type === 'text/html' && !parameters.some((parameter) => /^q=0(\.0*)?$/.test(parameter));
  });
}

/**
 * The JSON answer of `GET /invitations/accept` as the page: the form for the
 * invitation, or the error's message (same status) when the link is not valid.
 */
export function asAcceptPage(result: APIGatewayProxyStructuredResultV2): APIGatewayProxyStructuredResultV2 {
  const json: unknown = result.body ? JSON.parse(result.body) : null;
  const invitation = invitationDescriptionSchema.safeParse(json);
  const statusCode = result.statusCode ?? 200;
  if (statusCode === 200 && invitation.success) return page(200, `Join ${invitation.data.workspace.name}`, acceptForm(invitation.data), { withScript: true });
  const message = (json as { error?: { message?: unknown } } | null)?.error?.message;
  return page(statusCode, 'This invitation cannot be used', `<p>${escapeHtml(typeof message === 'string' ? message : 'Something went wrong.')}</p>`, { withScript: false });
}

function acceptForm(invitation: z.output<typeof invitationDescriptionSchema>): string {
  const until = `${invitation.expires_on.slice(0, 16).replace('T', ' ')} UTC`;
  return `<p>${escapeHtml(invitation.email)} is invited to join <strong>${escapeHtml(invitation.workspace.name)}</strong> as ${escapeHtml(invitation.role)}, until ${escapeHtml(until)}.</p>
<form id="accept">
<label for="name">Your name</label><input id="name" required maxlength="128" autocomplete="name">
<label for="password">Password</label><input id="password" type="password" required autocomplete="new-password">
<p><small>At least 8 characters. If you already have a Ticketer account, enter its password.</small></p>
<button type="submit">Join</button>
</form>
<p id="outcome" role="status"></p>`;
}

// Posts the form as JSON to the path of this page (the stage prefix included), with the link's secret.
const SCRIPT = `const form = document.getElementById('accept');
const outcome = document.getElementById('outcome');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const secret = new URLSearchParams(location.search).get('secret');
  const fields = { secret, name: document.getElementById('name').value, password: document.getElementById('password').value };
  try {
    const response = await fetch(location.pathname, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fields) });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error((body.error && body.error.message) || 'Something went wrong; try again.');
    form.hidden = true;
    outcome.textContent = 'Welcome, ' + body.user.name + ': you joined ' + body.workspace.name + ' as ' + body.role + '. Sign in to Ticketer with ' + body.user.email + ' and this password.';
  } catch (error) {
    outcome.textContent = error.message || 'Something went wrong; try again.';
  }
});`;
const STYLE = 'body{font-family:system-ui,sans-serif;max-width:30rem;margin:3rem auto;padding:0 1rem}label{display:block;margin:1rem 0 .25rem}input{width:100%;padding:.5rem;box-sizing:border-box}button{margin-top:1rem;padding:.5rem 1.5rem}';

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

function page(statusCode: number, title: string, content: string, { withScript }: { withScript: boolean }): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      // The address carries the secret: not cached, not sent on as a Referer.
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    },
    body: `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · Ticketer</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
${content}
${withScript ? `<script>${SCRIPT}</script>` : ''}
</body>
</html>
`,
  };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);
}
