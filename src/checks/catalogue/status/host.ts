/** Host values beyond the basic cases (status.header.*), and field values that are valid but unusual. */
import { caseCheck, get } from '../../case.js';
import type { Check } from '../../types.js';
import { PEER, withSource } from '../../peer-sources.js';
import { checkGroup } from '../../group.js';
import { RFC } from '../../rfc.js';

const HOST_400 =
  'RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1 request message that lacks a Host header field and to any request message that contains more than one Host header field line or a Host header field with an invalid field value."';

export const hostChecks: Check[] = checkGroup({ prefix: 'status', family: 'status', sideBySide: true }, [
  withSource(caseCheck({
    id: 'status.host.identical-duplicate-is-400',
    requirement: HOST_400 + ' Two identical Host lines are still more than one.',
    cite: 'RFC 9112 §3.2',
    level: 'MUST',
    request: 'GET {known} HTTP/1.1\r\nHost: localhost\r\nHost: localhost\r\n\r\n',
    accept: [400],
  }), PEER.host400),
  withSource(caseCheck({
    id: 'status.host.userinfo-is-400',
    requirement: HOST_400 + ' Host = uri-host [ ":" port ] (RFC 9110 §7.2): "user@localhost" is invalid.',
    cite: 'RFC 9112 §3.2, RFC 9110 §7.2',
    level: 'MUST',
    request: 'GET {known} HTTP/1.1\r\nHost: user@localhost\r\n\r\n',
    accept: [400],
  }), PEER.host400),
  withSource(caseCheck({
    id: 'status.host.path-is-400',
    requirement: HOST_400 + ' Host = uri-host [ ":" port ] (RFC 9110 §7.2): "localhost/x" is invalid.',
    cite: 'RFC 9112 §3.2, RFC 9110 §7.2',
    level: 'MUST',
    request: 'GET {known} HTTP/1.1\r\nHost: localhost/x\r\n\r\n',
    accept: [400],
  }), PEER.host400),
  withSource(caseCheck({
    id: 'status.host.comma-list-is-400',
    requirement: HOST_400 + ' Host = uri-host [ ":" port ] (RFC 9110 §7.2), and uri-host allows no space: "localhost, other.example" is invalid by its space (a comma alone is a valid reg-name character, RFC 3986 sub-delims, so "localhost,other.example" may be served).',
    cite: 'RFC 9112 §3.2, RFC 9110 §7.2',
    level: 'MUST',
    request: 'GET {known} HTTP/1.1\r\nHost: localhost, other.example\r\n\r\n',
    accept: [400],
  }), PEER.host400),
  withSource(caseCheck({
    id: 'status.field.host-name-any-case-tab-ows-served',
    requirement: 'RFC 9110 §5.1: field names are case-insensitive; RFC 9112 §5.1: optional whitespace (a tab) may precede the value. "hoSt:<TAB>localhost" is a valid Host.',
    cite: 'RFC 9110 §5.1, RFC 9112 §5.1',
    level: 'SHOULD',
    request: 'GET {known} HTTP/1.1\r\nhoSt:\tlocalhost\r\n\r\n',
    accept: ['ok'],
  }), PEER.fieldNameCaseInsensitive),
  withSource(caseCheck({
    id: 'status.field.empty-value-served',
    requirement: 'RFC 9110 §5.5: field-value = *field-content, so a field may be empty ("X-Empty:"); the request is served.',
    cite: 'RFC 9110 §5.5',
    level: 'MUST',
    request: get(['X-Empty:', 'X-Empty-Space: ']),
    accept: ['ok'],
  }), PEER.fieldValueEmpty),
  caseCheck({
    id: 'status.field.obs-text-value-served',
    requirement: 'A field value may hold obs-text (bytes 0x80–0xFF: llhttp\'s "255 ASCII in header value", "Header2: \\xffValue2"): field-vchar = VCHAR / obs-text (RFC 9110 §5.5), and a recipient SHOULD treat those octets as opaque data: the request is served.',
    source: RFC.obsTextOpaque,
    level: 'SHOULD',
    request: get(['X-Obs-Text: \xffValue2']),
    accept: ['ok'],
  }),
  caseCheck({
    id: 'status.field.utf8-value-served',
    requirement: 'UTF-8 in a field value ("Test: Düsseldorf", llhttp\'s "Extended Characters") is obs-text to HTTP (RFC 9110 §5.5): a recipient SHOULD treat it as opaque data, and the request is served.',
    source: RFC.obsTextOpaque,
    level: 'SHOULD',
    request: get(['X-Test: D\xc3\xbcsseldorf']),
    accept: ['ok'],
  }),
]);
