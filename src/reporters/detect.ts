import type { Detection, ProbeResult } from '../runner/detect.js';
import { formatEndpoint } from './format.js';

function answer(p: ProbeResult): string {
  if (p.status === null) return `got no answer (${p.outcome})`;
  const body = p.body?.trim() ? ` "${p.body.trim().slice(0, 40).replace(/[^\x20-\x7e]/g, '.')}"` : '';
  return `answered ${p.status}${p.contentType ? ` ${p.contentType.split(';')[0]}` : ''}${body}`;
}

/** What `wiregrade detect` prints: the profile that fits, why, and the command to grade with it. */
export function renderDetection(d: Detection): string {
  const where = formatEndpoint(d.target);
  const lines: string[] = [];
  if (d.unanswered) {
    lines.push(`${where} answered none of the probes: nothing to detect (is the server running?).`);
  } else if (d.profile === 'any') {
    lines.push(`No built-in assignment profile fits ${where}: grade it by the RFC alone (--profile any), or write a profile file (see "Writing a profile" in the README).`);
  } else {
    lines.push(`${where} looks like the ${d.profile} assignment: ${d.evidence.map((p) => `${p.request} ${answer(p)}`).join('; ')}.`);
  }
  lines.push('', 'probes:');
  for (const p of d.probes) lines.push(`  ${p.request.padEnd(24)} ${answer(p)}${p.fits ? `  → ${p.fits}` : ''}`);
  if (!d.unanswered) lines.push('', `npx wiregrade fuzz --target ${where} --profile ${d.profile}`);
  return lines.join('\n') + '\n';
}
