import type { Check } from '../types.js';
import { baselineChecks } from './baseline.js';
import { requestLineChecks } from './status/request-line.js';
import { headerChecks } from './status/headers.js';
import { framingChecks } from './framing/message.js';
import { statusChecks } from './status/records.js';
import { connectionChecks } from './connection.js';
import { robustnessChecks } from './robustness.js';
import { metamorphicChecks } from './metamorphic.js';
import { wireChecks } from './wire/responses.js';
import { storeChecks } from './store/records.js';
import { smugglingChecks } from './framing/smuggling.js';
import { transferEncodingChecks } from './framing/transfer-encoding.js';
import { chunkedChecks } from './framing/chunked.js';
import { hiddenLengthChecks } from './framing/hidden-length.js';
import { trailerChecks } from './framing/trailers.js';
import { upgradeChecks } from './status/upgrade.js';
import { expectChecks } from './status/expect.js';
import { targetByteChecks } from './status/target-bytes.js';
import { hostChecks } from './status/host.js';
import { dateChecks } from './wire/date.js';
import { byoHttpChecks } from './assignments/byo-http.js';
import { textFileChecks } from './assignments/text-file.js';
import { recordDialogueChecks } from './assignments/record-dialogue.js';
import { keyValueChecks } from './assignments/key-value.js';
import { securityChecks } from './security.js';
import { operationsChecks } from './store/operations.js';

/** Every deterministic check after the baseline, in file order. */
const declared: Check[] = [
  ...wireChecks,
  ...requestLineChecks,
  ...headerChecks,
  ...framingChecks,
  ...smugglingChecks,
  ...transferEncodingChecks,
  ...chunkedChecks,
  ...hiddenLengthChecks,
  ...trailerChecks,
  ...upgradeChecks,
  ...expectChecks,
  ...targetByteChecks,
  ...hostChecks,
  ...dateChecks,
  ...statusChecks,
  ...storeChecks,
  ...connectionChecks,
  ...metamorphicChecks,
  ...robustnessChecks,
  ...byoHttpChecks,
  ...textFileChecks,
  ...recordDialogueChecks,
  ...keyValueChecks,
  ...operationsChecks,
  ...securityChecks,
];

/**
 * Every deterministic check, in the order they run: the baseline first, then the checks that declare
 * `runsEarly`, then the rest in file order. Ids are unique and stable.
 */
export const allChecks: Check[] = [...baselineChecks, ...declared.filter((c) => c.runsEarly === true), ...declared.filter((c) => c.runsEarly !== true)];

const seen = new Set<string>();
for (const c of allChecks) {
  if (seen.has(c.id)) throw new Error(`duplicate check id ${c.id}`);
  seen.add(c.id);
}
