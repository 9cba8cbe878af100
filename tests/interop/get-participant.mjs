// An independent OAuth client: discovers FlexRegistry, obtains a token with private_key_jwt and reads a participant.
// Run by tests/FlexRegistry.Tests/Auth/OpenIdClientInteropTests.cs with:
//   FLEXREG_ISSUER       e.g. http://127.0.0.1:5123/
//   FLEXREG_CLIENT_ID    a client registered with a JWKS
//   FLEXREG_PRIVATE_JWK  the client's private key as a JWK (RSA for PS256, EC P-256 for ES256)
//   FLEXREG_PARTICIPANT  the participant ID to read
// Prints one JSON line: { scope, tokenType, status, participantId }; scope is the granted scope.
import * as client from 'openid-client';

const need = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set`);
    process.exit(2);
  }
  return value;
};

const issuer = new URL(need('FLEXREG_ISSUER'));
const clientId = need('FLEXREG_CLIENT_ID');
const jwk = JSON.parse(need('FLEXREG_PRIVATE_JWK'));
const participant = need('FLEXREG_PARTICIPANT');

const algorithm = jwk.kty === 'EC'
  ? { name: 'ECDSA', namedCurve: 'P-256' }
  : { name: 'RSA-PSS', hash: 'SHA-256' };
const key = await crypto.subtle.importKey('jwk', jwk, algorithm, false, ['sign']);

// Plain http is allowed only because the test server listens on the loopback interface.
const config = await client.discovery(issuer, clientId, undefined, client.PrivateKeyJwt({ key, kid: jwk.kid }), {
  execute: [client.allowInsecureRequests],
});
const tokens = await client.clientCredentialsGrant(config, { scope: 'participants:read' });
const response = await client.fetchProtectedResource(
  config, tokens.access_token, new URL(`/api/v1/participants/${participant}`, issuer), 'GET');
const body = await response.json();
// The response may omit scope when everything requested was granted (RFC 6749 5.1); the token itself says it.
const claims = JSON.parse(Buffer.from(tokens.access_token.split('.')[1], 'base64url').toString('utf8'));
console.log(JSON.stringify({
  scope: tokens.scope ?? claims.scope,
  tokenType: tokens.token_type,
  status: response.status,
  participantId: body.participantId,
}));
