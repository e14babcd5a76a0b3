import type { Detection, ProbeResult } from '../runner/detect.js';
import { phraseUnreachable } from './causes.js';
import { formatEndpoint } from './format.js';

/** Why a probe got no answer, in the words fuzz uses: a connect that failed (refused, or not accepted in time), or a connection that said nothing. */
function noAnswer(p: ProbeResult): string {
  if (p.outcome === 'refused') return phraseUnreachable({ kind: p.connectFailure ?? 'error', message: 'the connection could not be made' });
  if (p.outcome === 'timeout') return 'the connection was made but nothing answered in time';
  return p.outcome;
}

/**
 * Nothing answered: nothing listens (every connect refused), or something listens but is not accepting
 * (the kernel took no connection in time, a full accept queue; or took them and nothing answered).
 */
function unansweredSentence(d: Detection, where: string): string {
  if (d.probes.every((p) => p.outcome === 'refused' && p.connectFailure === 'refused')) return `${where} answered none of the probes: connection refused, nothing listens there (is the server running?).`;
  if (d.probes.every((p) => (p.outcome === 'refused' && p.connectFailure === 'timeout') || p.outcome === 'timeout')) {
    return `${where} answered none of the probes: it is not accepting connections (no TCP connection was accepted in time, or none was answered: is its accept queue full, or is it busy with another client?).`;
  }
  return `${where} answered none of the probes: nothing to detect (is the server running?).`;
}

function answer(p: ProbeResult): string {
  if (p.status === null) return `got no answer (${noAnswer(p)})`;
  const body = p.body?.trim() ? ` "${p.body.trim().slice(0, 40).replace(/[^\x20-\x7e]/g, '.')}"` : '';
  return `answered ${p.status}${p.contentType ? ` ${p.contentType.split(';')[0]}` : ''}${body}`;
}

/** What `wiregrade detect` prints: the profile that fits, why, and the command to grade with it. */
export function renderDetection(d: Detection): string {
  const where = formatEndpoint(d.target);
  const lines: string[] = [];
  if (d.unanswered) {
    lines.push(unansweredSentence(d, where));
  } else if (d.profile === 'any' && d.sameForEveryPath) {
    lines.push(`${where} answers every path the same (a path no assignment has got the same answer), so no assignment's routes show: grade it by the RFC alone (--profile any), or write a profile file (see "Writing a profile" in the README).`);
  } else if (d.profile === 'any') {
    lines.push(`No built-in assignment profile fits ${where}: grade it by the RFC alone (--profile any), or write a profile file (see "Writing a profile" in the README).`);
  } else {
    lines.push(`${where} looks like the ${d.profile} assignment: ${d.evidence.map((p) => `${p.request} ${answer(p)}`).join('; ')}.`);
  }
  lines.push('', 'probes:');
  for (const p of d.probes) lines.push(`  ${p.request.padEnd(24)} ${answer(p)}${p.fits ? `  → ${p.fits}` : ''}`);
  if (!d.unanswered) lines.push('', `wiregrade fuzz --target ${where} --profile ${d.profile}`);
  return lines.join('\n') + '\n';
}
