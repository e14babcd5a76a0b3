import { caseCheck } from '../../case.js';
import type { Check } from '../../types.js';
import { PEER, withSource } from '../../peer-sources.js';
import { checkGroup } from '../../group.js';

/** The Expect field (RFC 9110 §10.1.1) beyond 100-continue with a body. */
export const expectChecks: Check[] = checkGroup({ prefix: 'status', family: 'status' }, [
  withSource(caseCheck({
    id: 'status.expect.unknown-expectation-417-or-served',
    requirement:
      'RFC 9110 §10.1.1: "A server that receives an Expect field value containing a member other than 100-continue MAY respond with a 417 (Expectation Failed) status code to indicate that the unexpected expectation cannot be met." Otherwise the request is served.',
    cite: 'RFC 9110 §10.1.1, §15.5.18',
    level: 'MAY',
    request: 'GET {known} HTTP/1.1\r\nHost: localhost\r\nExpect: wiregrade-unknown\r\n\r\n',
    accept: ['ok', 417],
    warn: ['4xx'],
  }), PEER.expectUnknown),
  withSource(caseCheck({
    id: 'status.expect.100-continue-without-body-served',
    requirement:
      'RFC 9110 §10.1.1: "A server MAY omit sending a 100 (Continue) response if ... the framing indicates that there is no content." A GET with Expect: 100-continue and no body is served, with or without a 100 first.',
    cite: 'RFC 9110 §10.1.1',
    level: 'MAY',
    request: 'GET {known} HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\n\r\n',
    accept: ['ok'],
  }), PEER.expectContinue),
]);
