import { fill, get } from '../../case.js';
import type { Check } from '../../types.js';
import { describeExchange, header, req, result } from '../../verify.js';
import { PEER, withSource } from '../../peer-sources.js';
import { checkGroup } from '../../group.js';

const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

/** Is `v` an IMF-fixdate naming a real instant, with the right day of the week? */
export function isImfFixdate(v: string): boolean {
  if (!IMF_FIXDATE.test(v)) return false;
  const t = new Date(v);
  // toUTCString() writes exactly IMF-fixdate: a mismatch is an impossible date or a wrong weekday.
  return !Number.isNaN(t.getTime()) && t.toUTCString() === v;
}

/** The Date header's format (its presence is wire.date.present's). */
export const dateChecks: Check[] = checkGroup({ prefix: 'wire', family: 'wire' }, [
  withSource({
    id: 'wire.date.imf-fixdate',
    level: 'MUST',
    requirement:
      'RFC 9110 §5.6.7: "When a sender generates a field that contains one or more timestamps defined as the HTTP-date, the sender MUST generate those timestamps in the IMF-fixdate format", e.g. "Sun, 06 Nov 1994 08:49:37 GMT".',
    cite: 'RFC 9110 §5.6.7, §6.6.1',
    async run(ctx) {
      const request = req(fill(get(), ctx));
      const ex = await ctx.send(request, { headOnly: true });
      const expected = ['a Date header in IMF-fixdate format (or none: its presence is judged by wire.date.present)'];
      const r = ex.finals[0];
      if (!r) return result('blocked', `not judged: the request got ${describeExchange(ex)}`, expected, ex, request);
      const date = header(r, 'date');
      if (date === undefined) return result('pass', 'no Date header (judged by wire.date.present)', expected, ex, request);
      if (!isImfFixdate(date)) return result('fail', `Date: ${JSON.stringify(date)} is not an IMF-fixdate`, expected, ex, request);
      return result('pass', `Date: ${date}`, expected, ex, request);
    },
  }, PEER.imfFixdate),
]);
