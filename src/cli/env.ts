/**
 * `mach-nix env DIR`: a folder that `nix-shell DIR` and `nix develop DIR` enter — the requirements
 * copied in, mkPython's arguments in env.nix, the sources pinned by hash (flake.lock, which Nix
 * writes; inputs.nix fetches the same for nix-shell), and the lock, so entering it resolves
 * nothing. Copied to another machine it gives the same environment.
 *
 * Run again, it updates the folder: a file it wrote and nobody changed since is rewritten, a file
 * changed since (its hash is not the one recorded in `.mach-nix-env.json`) is left as it is, with
 * a message; the lock is always made again, for the files as they are then. When anything fails
 * the folder is put back as it was.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { InputFileError, UsageError } from '../errors.js';
import { writeDocument } from '../lock/document.js';
import { pinLocalFiles } from '../lock/local-files.js';
import { checkRequiresPython, requirementsText } from '../lock/requirements-text.js';
import { type EnvironmentSettings, INPUTS_NIX, defaultNix, envNix, flakeNix, shellNix } from '../nix/expressions.js';
import { checkOwnPin, inputsText, lockFlake, pinnedInputs } from '../nix/pins.js';
import { runNix } from '../nix/run-nix.js';
import { nixString } from '../nix/strings.js';
import { childProcess, crypto, writeFileAtomic } from '../on-demand.js';
import { toolVersion } from '../version.js';
import { type EnvironmentFlags, addEnvironmentOptions, lockWithNix, referencesFromFlags, settingsFromFlags } from './environment-options.js';
import { deferOptions } from './deferred-options.js';
import { type Io, type RegisterCommands, warn } from './io.js';

const RECORD = '.mach-nix-env.json';
const LOCK = 'mach-nix.lock.json';

/** What `env` remembers of a folder: what it was made with, and the hash of every file it wrote. */
interface Record {
  generator: string;
  system: string;
  settings: EnvironmentSettings;
  /** The references given with --mach-nix, --nixpkgs, --pypi-deps-db (null: mach-nix's own). */
  given: { 'mach-nix': string | null; nixpkgs: string | null; 'pypi-deps-db': string | null };
  files: { [file: string]: string };
}

const hashOf = (text: string) => `sha256-${crypto().createHash('sha256').update(text).digest('base64')}`;

function readText(file: string): string | null {
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

function readRecord(dir: string): Record | null {
  const text = readText(join(dir, RECORD));
  if (text === null) return null;
  try {
    return JSON.parse(text) as Record;
  } catch (error) {
    throw new InputFileError({ file: join(dir, RECORD) }, `not mach-nix env's record: ${(error as Error).message}; delete it to start afresh`);
  }
}

/** The system Nix builds for here: the flake's outputs and the lock are for it. */
function currentSystem(): string {
  return JSON.parse(runNix('nix-instantiate', ['--eval', '--json', '--expr', 'builtins.currentSystem'])) as string;
}

/** Whether Nix would see `dir` as part of a git repository (and so only its tracked files). */
function gitRepository(dir: string): string | null {
  const result = childProcess().spawnSync('git', ['-C', dir, 'rev-parse', '--show-toplevel'], { encoding: 'utf8' });
  return result.error === undefined && result.status === 0 ? result.stdout.trim() : null;
}

export const registerEnvCommand: RegisterCommands = (program, io) => {
  const command = new Command('env')
    .description('write a folder that nix-shell DIR and nix develop DIR enter: the requirements, pinned sources and the lock (run again to update it)')
    .argument('<dir>', 'the folder (created if missing)')
    .argument('[requirement...]', 'requirement strings, instead of or besides -r (mkPython gets them one per line)');
  deferOptions(command, addEnvironmentOptions);
  command.action((dir: string, strings: string[], flags: EnvironmentFlags) => writeEnvironment(resolve(dir), dir, strings, flags, io));
  program.addCommand(command);
};

function writeEnvironment(dir: string, shown: string, strings: string[], flags: EnvironmentFlags, io: Io): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`${shown} exists and is not a folder`);
  const record = readRecord(dir);
  const generator = `mach-nix ${toolVersion()}`;

  const requirementsFile = join(dir, 'requirements.txt');
  const given = flags.requirement.length > 0 || strings.length > 0;
  if (!given && !existsSync(requirementsFile)) throw new UsageError(`${shown} has no requirements.txt yet: give -r FILE or requirement strings`);
  const spec = given
    ? { files: flags.requirement, requirements: strings, extras: flags.extra, groups: flags.group }
    : { files: [requirementsFile] };
  const { text, inputs } = requirementsText(spec, null);

  const flagged = settingsFromFlags(flags);
  const settings: EnvironmentSettings = {
    python: flags.python !== undefined ? flagged.python : (record?.settings.python ?? null),
    providers: flags.providers !== undefined ? flagged.providers : (record?.settings.providers ?? null),
    providerDefaults: flags.providerDefaults !== undefined ? flagged.providerDefaults : (record?.settings.providerDefaults ?? null),
  };
  const remembered = {
    machNix: flags.machNix ?? record?.given['mach-nix'] ?? undefined,
    nixpkgs: flags.nixpkgs ?? record?.given.nixpkgs ?? undefined,
    pypiDepsDb: flags.pypiDepsDb ?? record?.given['pypi-deps-db'] ?? undefined,
  };
  const { references, own } = referencesFromFlags(remembered);
  if (own?.note) warn(io, own.note);
  const system = record?.system ?? currentSystem();

  const wanted: { [file: string]: string } = {
    'requirements.txt': text,
    'env.nix': envNix(settings, generator),
    'inputs.nix': INPUTS_NIX,
    'shell.nix': shellNix(generator),
    'default.nix': defaultNix(generator),
    'flake.nix': flakeNix(inputsText(references), system, generator),
  };
  const { write, kept } = plan(dir, shown, wanted, record, given);

  mkdirSync(dir, { recursive: true });
  const touched = [...Object.keys(write), 'flake.lock', LOCK];
  const before = new Map(touched.map((file) => [file, readText(join(dir, file))]));
  let packages: number;
  let python: string;
  try {
    for (const [file, content] of Object.entries(write)) writeFileAtomic().sync(join(dir, file), content);
    const pins = pinnedInputs(lockFlake(dir, own, { interactive: io.tty === true }));
    if (own !== null) checkOwnPin(own, pins);
    const folder = nixString(dir);
    // the resolver in Nix cannot read a `name @ file:///…` file: its hash is recorded here
    const lock = pinLocalFiles(lockWithNix(`(import (${folder} + "/env.nix") { inherit (import (${folder} + "/inputs.nix")) mach-nix; lockFile = null; }).python.lock`, io), join(dir, LOCK));
    checkRequiresPython(inputs, lock.target.python);
    writeDocument(join(dir, LOCK), lock);
    packages = Object.keys(lock.packages).length;
    python = lock.target.python;
  } catch (error) {
    for (const [file, content] of before) {
      if (content === null) rmSync(join(dir, file), { force: true });
      else writeFileAtomic().sync(join(dir, file), content);
    }
    throw error;
  }

  const files = { ...record?.files };
  for (const [file, content] of Object.entries(write)) files[file] = hashOf(content);
  // requirements.txt edited in the folder and locked now is the folder's requirements from now on
  if (!given) files['requirements.txt'] = hashOf(text);
  const next: Record = { generator, system, settings, given: { 'mach-nix': remembered.machNix ?? null, nixpkgs: remembered.nixpkgs ?? null, 'pypi-deps-db': remembered.pypiDepsDb ?? null }, files };
  writeFileAtomic().sync(join(dir, RECORD), `${JSON.stringify(next, null, 2)}\n`);

  for (const file of kept) warn(io, `kept ${join(shown, file)}: it was changed since mach-nix env wrote it (delete it to have it written again)`);
  io.stdout(`wrote ${shown}: ${packages} packages for Python ${python} on ${system}, locked in ${join(shown, LOCK)}\n`);
  io.stdout(`requirements: ${join(shown, 'requirements.txt')}, mkPython's arguments: ${join(shown, 'env.nix')} (run mach-nix env ${shown} again after editing them)\n`);
  io.stdout(`enter it with: nix-shell ${shown}   or   nix develop ${shown}\n`);
  const repository = gitRepository(dir);
  if (repository !== null) {
    warn(io, `${shown} is inside the git repository ${repository}: nix develop sees only files git tracks — git add ${shown} first (or nix develop path:${dir})`);
  }
}

/**
 * Which files to write: the absent ones, those equal to what was last written (unchanged since),
 * and the requirements when they come from this run. A file changed since is kept — except that
 * requirements given now cannot replace a requirements.txt changed since, which is an error.
 */
function plan(dir: string, shown: string, wanted: { [file: string]: string }, record: Record | null, requirementsGiven: boolean) {
  const write: { [file: string]: string } = {};
  const kept: string[] = [];
  for (const [file, content] of Object.entries(wanted)) {
    const current = readText(join(dir, file));
    if (current === content) continue;
    const unchanged = current === null || record?.files[file] === hashOf(current);
    if (file === 'requirements.txt') {
      if (!requirementsGiven) continue;
      if (!unchanged) {
        throw new InputFileError({ file: join(shown, file) }, `was changed since mach-nix env wrote it, so the requirements given do not replace it: edit it there (and run mach-nix env ${shown}), or delete it`);
      }
    }
    if (unchanged) write[file] = content;
    else kept.push(file);
  }
  return { write, kept };
}
