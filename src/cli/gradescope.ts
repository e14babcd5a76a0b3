/**
 * `wiregrade gradescope init`: writes a Gradescope autograder (a folder, and the same files zipped) that
 * grades every submission with wiregrade: `setup.sh` installs Node and this wiregrade, packed into the zip
 * as a tarball (`npm pack`, its dependencies bundled) and installed offline, when Gradescope builds the image; `run_autograder` grades /autograder/submission and writes
 * /autograder/results/results.json (https://gradescope-autograders.readthedocs.io/en/latest/specs/).
 * The root is $AUTOGRADER_ROOT (default /autograder), so the script can be tried on a folder laid out
 * the same way; $WIREGRADE_BIN overrides the command.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, promises as fs, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { profiles } from '../model/builtin-profiles.js';
import { GRADESCOPE_VISIBILITIES } from '../reporters/gradescope.js';
import { writeFileAtomic } from '../util/write-file.js';
import { zipArchive, type ZipEntry } from '../util/zip.js';
import { parseInteger, splitPrefixes } from './args.js';
import { GRADE_SEED } from './defaults.js';
import { UsageError, type CliIO } from './io.js';
import { resolveProfile } from './profile.js';
import { version } from './version.js';

export interface GradescopeInitFlags {
  cmd?: string;
  port?: string;
  /** Default `any` (the RFC only), said on standard error. */
  profile?: string;
  out: string;
  maxScore?: string;
  visibility?: string;
  runs?: string;
  checks?: string[];
  seed?: string;
  timeoutMs?: string;
  package?: string;
  nodeVersion?: string;
}

/** A word for bash, single-quoted: nothing in it is expanded. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The Node.js version setup.sh installs: this one when it is new enough, else the oldest supported. */
function defaultNodeVersion(): string {
  const [maj = 0, min = 0] = process.versions.node.split('.').map(Number);
  return maj > 20 || (maj === 20 && min >= 18) ? process.versions.node : '20.18.1';
}

function setupScript(nodeVersion: string, install: string, offline: boolean): string {
  return `#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu).
# Written by \`wiregrade gradescope init\` (wiregrade ${version()}).
set -euo pipefail
SOURCE="$(cd "$(dirname "\${BASH_SOURCE[0]}")" && pwd)"

# Node.js ${nodeVersion}, the official build from nodejs.org.
apt-get update
apt-get install -y --no-install-recommends ca-certificates curl xz-utils
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64) arch=arm64 ;;
  *) echo "setup.sh: no Node.js build for $(uname -m)" >&2; exit 1 ;;
esac
curl -fsSL "https://nodejs.org/dist/v${nodeVersion}/node-v${nodeVersion}-linux-\${arch}.tar.xz" | tar -xJ -C /usr/local --strip-components=1
node --version

# wiregrade ${version()}${offline ? ', from the tarball in this zip (its dependencies are bundled in it: no registry)' : ''}.
npm install -g${offline ? ' --offline' : ''} --no-audit --no-fund ${install}
wiregrade --version

# Add here what the students' servers need to run (Gradescope's base image has python3).
`;
}

function runScript(gradeArgs: string[]): string {
  return `#!/usr/bin/env bash
# Gradescope runs this for every submission. It grades the server in the submission folder with
# wiregrade and writes results/results.json; what wiregrade prints goes to results/stdout (staff only).
# Written by \`wiregrade gradescope init\` (wiregrade ${version()}).
#   AUTOGRADER_ROOT  the root folder (default /autograder: source/, submission/, results/)
#   WIREGRADE_BIN    the wiregrade command (default: wiregrade, installed by setup.sh)
set -uo pipefail
ROOT="\${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
RESULTS="$ROOT/results"
WIREGRADE="\${WIREGRADE_BIN:-wiregrade}"
mkdir -p "$RESULTS"

code=0
"$WIREGRADE" grade --cwd "$ROOT/submission" ${gradeArgs.join(' ')} --gradescope "$RESULTS/results.json" --no-color || code=$?

if [ ! -s "$RESULTS/results.json" ]; then
  printf '{"score": 0, "output": "The autograder could not grade this submission (wiregrade exited with code %s). Please tell the course staff.", "output_format": "md", "tests": []}\\n' "$code" > "$RESULTS/results.json"
fi
exit 0
`;
}

/** The folder of this wiregrade's package.json (two levels up from src/cli/, three from dist/src/cli/). */
function packageRoot(): string {
  for (const up of ['../..', '../../..']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    try {
      if ((JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string }).name === 'wiregrade') return dir;
    } catch {
      // not there: try the next level
    }
  }
  throw new Error('wiregrade cannot find its own package.json');
}

/**
 * This wiregrade as an `npm pack` tarball (its dependencies bundled, see package.json bundleDependencies):
 * in a checkout of the repository `npm pack` builds dist/ first (prepack); an installed copy already holds
 * dist/ and its node_modules, so it is packed as it is (--ignore-scripts).
 */
async function packSelf(): Promise<{ name: string; data: Buffer }> {
  const root = packageRoot();
  const checkout = existsSync(path.join(root, 'src'));
  const dest = mkdtempSync(path.join(tmpdir(), 'wiregrade-pack-'));
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    let stdout: string;
    try {
      ({ stdout } = await promisify(execFile)(npm, ['pack', '--json', '--pack-destination', dest, ...(checkout ? [] : ['--ignore-scripts'])], {
        cwd: root,
        timeout: 300_000,
        maxBuffer: 16 << 20,
      }));
    } catch (err) {
      const why = String((err as { stderr?: string }).stderr ?? (err as Error).message).trim().split('\n').pop();
      throw new UsageError(`npm pack of ${root} failed (${why}): pack wiregrade yourself (npm pack in its repository) and pass --package wiregrade-${version()}.tgz`);
    }
    const [info] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string }>;
    const name = path.basename(info!.filename);
    return { name, data: await fs.readFile(path.join(dest, name)) };
  } finally {
    rmSync(dest, { recursive: true, force: true });
  }
}

/** Checks every flag, then writes the folder and the zip beside it. Returns the exit code. */
export async function runGradescopeInit(flags: GradescopeInitFlags, io: CliIO): Promise<number> {
  if (!flags.cmd) throw new UsageError('gradescope init needs --cmd, the command that starts a submission\'s server (e.g. --cmd "python3 server.py {port}")');
  const templated = flags.cmd.includes('{port}');
  if (flags.port === undefined && !templated) throw new UsageError('gradescope init needs --port P, or {port} in --cmd where the port should go');
  const profileName = flags.profile ?? 'any';
  const profile = await resolveProfile(profileName); // a bad profile is refused now, not in every submission's run

  const out = flags.out;
  if (!out) throw new UsageError('--out needs a folder name');

  const args: string[] = ['--cmd', shellQuote(flags.cmd)];
  if (flags.port !== undefined) args.push('--port', String(parseInteger('--port', flags.port, 1, 65535)));
  const files: ZipEntry[] = [];
  if (profiles[profileName] || profileName === 'any') {
    args.push('--profile', shellQuote(profileName));
  } else {
    const base = path.basename(profileName);
    if (base === 'setup.sh' || base === 'run_autograder') throw new UsageError(`the profile file cannot be named ${base}`);
    files.push({ name: base, data: await fs.readFile(profileName), mode: 0o644 });
    args.push('--profile', `"$SOURCE/"${shellQuote(base)}`);
  }
  args.push('--seed', String(flags.seed === undefined ? GRADE_SEED : parseInteger('--seed', flags.seed, -(2 ** 31), 2 ** 31 - 1)));
  if (flags.runs !== undefined) args.push('--runs', String(parseInteger('--runs', flags.runs, 0, 1_000_000)));
  if (flags.timeoutMs !== undefined) args.push('--timeout-ms', String(parseInteger('--timeout-ms', flags.timeoutMs, 1, 600_000)));
  const prefixes = splitPrefixes(flags.checks ?? []);
  if (prefixes.length) args.push('--checks', ...prefixes.map(shellQuote));
  if (flags.maxScore !== undefined) {
    const n = /^\d+(\.\d+)?$/.test(flags.maxScore) ? Number(flags.maxScore) : NaN;
    if (!(n >= 0 && n <= 1_000_000)) throw new UsageError(`--max-score must be a number from 0 to 1000000, not '${flags.maxScore}'`);
    args.push('--max-score', String(n));
  }
  if (flags.visibility !== undefined) {
    if (!(GRADESCOPE_VISIBILITIES as readonly string[]).includes(flags.visibility)) {
      throw new UsageError(`--visibility must be one of ${GRADESCOPE_VISIBILITIES.join(', ')}, not '${flags.visibility}'`);
    }
    args.push('--gradescope-visibility', flags.visibility);
  }

  // The wiregrade setup.sh installs: this one packed into the zip (default), a packed tarball given with
  // --package (shipped in the zip), or a registry spec (--package wiregrade@X, installed from the registry).
  let install: string;
  let offline = true;
  if (flags.package === undefined || /\.tgz$/.test(flags.package)) {
    if (flags.package !== undefined && !existsSync(flags.package)) throw new UsageError(`--package ${flags.package}: no such file`);
    const tarball = flags.package === undefined ? await packSelf() : { name: path.basename(flags.package), data: await fs.readFile(flags.package) };
    files.push({ ...tarball, mode: 0o644 });
    install = `"$SOURCE/"${shellQuote(tarball.name)}`;
  } else {
    install = shellQuote(flags.package);
    offline = false;
  }
  const nodeVersion = flags.nodeVersion ?? defaultNodeVersion();
  if (!/^\d+\.\d+\.\d+$/.test(nodeVersion)) throw new UsageError(`--node-version must be an exact version such as 20.18.1, not '${nodeVersion}'`);

  files.unshift(
    { name: 'setup.sh', data: Buffer.from(setupScript(nodeVersion, install, offline)), mode: 0o755 },
    { name: 'run_autograder', data: Buffer.from(runScript(args)), mode: 0o755 },
  );
  await fs.mkdir(out, { recursive: true });
  for (const f of files) {
    const file = path.join(out, f.name);
    await writeFileAtomic(file, f.data);
    await fs.chmod(file, f.mode ?? 0o644);
  }
  const zip = `${out.replace(/[/\\]+$/, '')}.zip`;
  await writeFileAtomic(zip, zipArchive(files));
  if (flags.profile === undefined) {
    io.err(`profile: any (RFC 9110/9112 only, known path ${profile.knownPath}); --profile NAME|FILE judges by an assignment's rules\n`);
  }
  io.err(`written: ${out}/ (${files.map((f) => f.name).join(', ')}) and ${zip}: upload the zip as the assignment's autograder.\n`);
  return 0;
}
