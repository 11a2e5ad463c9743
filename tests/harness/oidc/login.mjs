// The user's browser for the OpenID provider harness (provider.mjs), without
// a browser: follows the authorization request's redirects with a cookie jar,
// signs in on the login form with a password and allows on the consent form,
// and returns the redirect to the client (its redirect_uri with code or
// error). Plus the token requests other tests need without any user.

// Cookies of one user agent: name -> value (the provider's cookies have
// distinct names; paths are not needed to tell them apart).
class CookieJar {
  #cookies = new Map();
  take(response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired) this.#cookies.delete(pair.slice(0, at).trim());
      else this.#cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1));
    }
  }
  header() {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

// Signs `login` in with `password` for the authorization request at
// `authorizationUrl` and, if `allow`, consents; returns the URL the provider
// finally redirects to outside itself (the client's redirect_uri). Throws
// with the page's text when a step does not go as a user would expect
// (wrong password: the login page again, status 401).
export async function signIn(authorizationUrl, { login, password, allow = true }) {
  const jar = new CookieJar();
  const origin = new URL(authorizationUrl).origin;
  let url = new URL(authorizationUrl);
  let request = { method: 'GET' };
  for (let hop = 0; hop < 20; hop += 1) {
    if (url.origin !== origin) return url;
    const response = await fetch(url, { ...request, redirect: 'manual', headers: { ...request.headers, cookie: jar.header() } });
    jar.take(response);
    if (response.status >= 300 && response.status < 400) {
      url = new URL(response.headers.get('location'), url);
      request = { method: 'GET' };
      continue;
    }
    const html = await response.text();
    const form = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    if (response.status !== 200 || !form) throw new Error(`sign-in stopped at ${url.pathname} (${response.status}): ${html.replace(/<[^>]+>/g, ' ').trim()}`);
    if (form.endsWith('/confirm') && !allow) {
      url = new URL(form.replace(/confirm$/, 'abort'), url);
      continue;
    }
    const fields = form.endsWith('/login') ? { login, password } : {};
    request = {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    };
    url = new URL(form, url);
  }
  throw new Error('sign-in did not finish in 20 redirects');
}

async function tokenRequest(issuer, fields, basic) {
  const { token_endpoint: endpoint } = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) headers.authorization = `Basic ${Buffer.from(`${basic[0]}:${basic[1]}`).toString('base64')}`;
  const response = await fetch(endpoint, { method: 'POST', headers, body: new URLSearchParams(fields).toString() });
  const body = await response.json();
  if (!response.ok) throw new Error(`token request refused (${response.status}): ${JSON.stringify(body)}`);
  return body;
}

// An access token for `resource` standing for `user` (alice, bob, carol),
// from the client_credentials client cc-<user>: no browser, one request.
export async function userToken(issuer, user, resource, scope = 'mcp:tools') {
  const body = await tokenRequest(issuer, { grant_type: 'client_credentials', resource, scope }, [`cc-${user}`, `${user}-cc-secret`]);
  return body.access_token;
}

// A JWT signed with the provider's own key over `claims` (iss, iat, exp, jti
// filled unless given; exp = now + expiresIn seconds). For the tokens a
// provider would never issue: expired, another audience, another issuer.
export async function mintToken(issuer, claims, { expiresIn, kid } = {}) {
  const response = await fetch(`${issuer}/test/mint`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ claims, expiresIn, kid }),
  });
  if (!response.ok) throw new Error(`mint refused (${response.status}): ${await response.text()}`);
  return response.text();
}

// Starts provider.mjs as a child process; resolves to {issuer, child} once
// it is ready. `node` is the node binary (scripts/node-tools).
export async function startProvider(node, args = []) {
  const { spawn } = await import('node:child_process');
  const child = spawn(node, [new URL('./provider.mjs', import.meta.url).pathname, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const issuer = await new Promise((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      const ready = /oidc provider ready at (\S+)/.exec(seen);
      if (ready) resolve(ready[1]);
    });
    child.on('exit', (code) => reject(new Error(`the oidc provider exited (${code}) before it was ready`)));
  });
  return { issuer, child };
}
