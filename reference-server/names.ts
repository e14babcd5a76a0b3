/**
 * Record names: `[A-Za-z0-9._~-]{1,64}` (the reference protocol), except the dot-segments `.` and `..`,
 * which match the pattern but can never name a record: clients remove them from paths (RFC 3986 §5.2.4),
 * so `/..` is a path trick, not a name.
 */
const NAME_PATTERN = /^[A-Za-z0-9._~-]{1,64}$/;

export function isRecordName(text: string): boolean {
  return NAME_PATTERN.test(text) && text !== '.' && text !== '..';
}

export const RECORD_NAME_RULE = 'a record name is 1 to 64 of the characters A-Z a-z 0-9 . _ ~ - (and not . or ..)';
