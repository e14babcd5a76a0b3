/**
 * The order vitest starts test files in: the longest first, so they end with the rest. Vitest's own
 * order puts files it has no timing for (a fresh clone, CI) by size, and the zoo matrix files are three
 * lines long: started last, their 150-second rows would end a minute after everything else. The list
 * is measured (`npx vitest run --reporter=json`, eight workers, when the matrix had two files of
 * 186–204 s: then files of 138 s down to 16 s); the rest keep vitest's order. A working copy's vitest
 * cache orders files by their last duration; with only the first ten listed, a fresh clone took 247 s
 * where the working copy took 217 s.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export const LONGEST_FIRST: readonly string[] = [
  'test/zoo/matrix-1.test.ts',
  'test/zoo/matrix-2.test.ts',
  'test/zoo/matrix-3.test.ts',
  'test/zoo/profiles/profile-matrix.test.ts',
  'test/zoo/class/class-kv.test.ts',
  'test/grade/grade.test.ts',
  'test/package/pack.test.ts',
  'test/grade/report-size.test.ts',
  'test/controls/controls.test.ts',
  'test/grade/truthful.test.ts',
  // (short, but ~40 s of one core beside the others: started late, it would end after them)
  'test/typecheck.test.ts',
  'test/cli/replay-zoo.test.ts',
  'test/zoo/hostile-endless-body.test.ts',
  'test/zoo/zoo-smoke.test.ts',
  'test/cli/detect.test.ts',
  'test/runner/root-causes.test.ts',
  'test/checks/framing-pipeline.test.ts',
  'test/checks/levels.test.ts',
  'test/zoo/hostile.test.ts',
  'test/profiles/profiles.test.ts',
  'test/profiles/profile-anywhere.test.ts',
  'test/zoo/any-profile.test.ts',
  'test/cli/fuzz-output.test.ts',
  'test/cli/e2e.test.ts',
  'test/grade/reference-grade.test.ts',
  'test/grade/side-by-side.test.ts',
  'test/grade/security.test.ts',
];

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification): number => {
      const i = LONGEST_FIRST.findIndex((p) => f.moduleId.endsWith(p));
      return i < 0 ? LONGEST_FIRST.length : i;
    };
    return sorted.map((f, i) => ({ f, i, r: rank(f) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.f);
  }
}
