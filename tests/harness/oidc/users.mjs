// The test users of the OpenID provider harness (provider.mjs), with known
// passwords, and the client_credentials clients that stand for them.
// alice and bob are analysts and support staff; carol is in no group.
export const users = new Map([
  ['alice', {
    password: 'alice-password',
    claims: { email: 'alice@example.test', email_verified: true, name: 'Alice Analyst', preferred_username: 'alice', groups: ['analysts'] },
  }],
  ['bob', {
    password: 'bob-password',
    claims: { email: 'bob@example.test', email_verified: true, name: 'Bob Support', preferred_username: 'bob', groups: ['support'] },
  }],
  ['carol', {
    password: 'carol-password',
    claims: { email: 'carol@example.test', email_verified: true, name: 'Carol Nogroup', preferred_username: 'carol', groups: [] },
  }],
]);

// [client_id, client_secret] of the client_credentials client of each user.
export const ccClients = [...users.keys()].map((name) => [`cc-${name}`, `${name}-cc-secret`]);

// The user a client_credentials client stands for, or undefined.
export function userOfClient(clientId) {
  const name = /^cc-(.+)$/.exec(clientId ?? '')?.[1];
  return name && users.has(name) ? name : undefined;
}
