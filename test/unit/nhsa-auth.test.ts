import { describe, expect, it } from 'vitest';
import { AUTH_SCHEMES, xTifHeaders } from '../../app/nhsa/auth-schemes';
import { tifSignature } from '../../app/sandbox';

// transport.md §3.3: x-tif-signature = lowercase hex SHA-256 of timestamp + token + nonce + timestamp,
// timestamp in Unix seconds; the body is not signed.

describe('x-tif gateway headers', () => {
  it('matches the worked example (computed independently with `sha256sum`)', () => {
    // printf '%s' "1700000000my-tokenabc1234567890abcdef1234567890ab1700000000" | sha256sum
    const h = xTifHeaders({
      paasid: 'mbs_fsi_auth',
      token: 'my-token',
      now: new Date(1_700_000_000_000),
      nonce: 'abc1234567890abcdef1234567890ab',
    });
    expect(h).toEqual({
      'x-tif-paasid': 'mbs_fsi_auth',
      'x-tif-timestamp': '1700000000',
      'x-tif-nonce': 'abc1234567890abcdef1234567890ab',
      'x-tif-signature': '55586eeaca661df79aa4a99c109027ee94b1086236adc98bf9f154c5060db8a9',
    });
  });

  it('the timestamp is whole seconds (milliseconds dropped, not rounded)', () => {
    const h = xTifHeaders({ paasid: 'p', token: 'my-token', now: new Date(1_700_000_000_999), nonce: 'n' });
    expect(h['x-tif-timestamp']).toBe('1700000000');
  });

  it('agrees with the sandbox gateway, an independent implementation, for random nonces', () => {
    const a = xTifHeaders({ paasid: 'p', token: '秘钥-token', now: new Date() });
    const b = xTifHeaders({ paasid: 'p', token: '秘钥-token', now: new Date() });
    expect(a['x-tif-nonce']).toMatch(/^[0-9a-f]{32}$/);
    expect(a['x-tif-nonce']).not.toBe(b['x-tif-nonce']);
    for (const h of [a, b]) {
      expect(h['x-tif-signature']).toBe(tifSignature(h['x-tif-timestamp']!, '秘钥-token', h['x-tif-nonce']!));
    }
  });

  it('the "none" scheme sends no gateway headers', () => {
    expect(AUTH_SCHEMES.none({ paasid: 'p', token: 't', now: new Date() })).toEqual({});
  });
});
