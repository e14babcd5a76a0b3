import { describe, expect, it } from 'vitest';
import { request, requestField } from '../../src/http1/request.js';
import { latin1 } from '../../src/wire/bytes.js';

describe('requestField', () => {
  it('reads a field of the head whatever its case and whitespace, the first one when repeated', () => {
    expect(requestField(request('GET', '/', { host: 'localhost:8080' }), 'host')).toBe('localhost:8080');
    expect(requestField(latin1('GET / HTTP/1.1\r\nHOST:   127.0.0.1/create \t\r\nHost: second\r\n\r\n'), 'Host')).toBe('127.0.0.1/create');
    expect(requestField(latin1('GET / HTTP/1.1\nhost: bare-lf\n\n'), 'host')).toBe('bare-lf');
  });

  it('finds nothing in the body, in the request line, or in a head without the field', () => {
    expect(requestField(latin1('POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\nHost: body\r\n'), 'host')).toBeUndefined();
    expect(requestField(latin1('Host: x / HTTP/1.1\r\n\r\n'), 'host')).toBeUndefined();
    expect(requestField(latin1('GET / HTTP/1.0\r\n\r\n'), 'host')).toBeUndefined();
    expect(requestField(latin1('GET / HTTP/1.1\r\nX-Host: no\r\n\r\n'), 'host')).toBeUndefined();
  });
});
