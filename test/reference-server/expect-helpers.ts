/** Assertions shared by the reference-server tests. */
import { expect } from 'vitest';
import type { RawResponse } from './raw.js';

const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** The headers every answer carries: an IMF-fixdate Date, and (unless 204) a Content-Length matching the body. */
export function expectWellFormed(response: RawResponse, options: { head?: boolean } = {}): void {
  expect(response.header('Date')).toMatch(IMF_FIXDATE);
  if (response.status === 204) {
    expect(response.headerCount('Content-Length')).toBe(0);
    expect(response.body.length).toBe(0);
    return;
  }
  expect(response.headerCount('Content-Length')).toBe(1);
  if (options.head !== true) expect(Number(response.header('Content-Length'))).toBe(response.body.length);
}

/** A JSON answer: status, Content-Type, framing, and the body. */
export function expectJson(response: RawResponse, status: number, body?: unknown): void {
  expect(response.status, response.raw.toString('latin1')).toBe(status);
  expectWellFormed(response);
  expect(response.header('Content-Type')).toBe('application/json');
  if (body !== undefined) expect(response.json()).toEqual(body);
}

/** An error answer: status, and a body `{"error": "<some sentence>"}`. */
export function expectError(response: RawResponse, status: number): void {
  expectJson(response, status);
  const body = response.json() as Record<string, unknown>;
  expect(Object.keys(body)).toEqual(['error']);
  expect(typeof body.error).toBe('string');
}
