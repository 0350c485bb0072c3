/**
 * The fuzzing harness: generated and mutated inputs fed to mach-nix's parsers and commands
 * in-process (and a sample to the real CLI as a process). Only the project's typed errors
 * (`MachNixError`) may come out; an untyped exception, a stack overflow, an `internal error`
 * (exit 70), a file damaged at the byte level whose refusal is not the one of bytes that are not
 * UTF-8 (exit 1 naming the file, line and byte, exactly when a strict decoder refuses them), or a case
 * taking more than `SLOW_MS` is a finding, recorded with the seed that
 * replays it and an input shrunk as far as it still fails the same way. Deterministic by seed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { run as runCli } from '../../src/cli/program.js';
import { condaRequirements, parseEnvironmentYml } from '../../src/conda-env.js';
import { parseMatchSpec } from '../../src/conda-spec.js';
import { bucketOf } from '../../src/db/buckets.js';
import { readSdistBucket, readWheelBucket } from '../../src/db/pypi-deps-db.js';
import { readFetcherBucket } from '../../src/db/pypi-fetcher.js';
import { MachNixError } from '../../src/errors.js';
import { SpecifierSet, Version } from '../../src/pep440.js';
import { parseMarker, parseRequirement } from '../../src/pep508.js';
import { parsePyproject } from '../../src/pyproject.js';
import { parseRequirementsText } from '../../src/requirements-txt.js';
import { parseTarget } from '../../src/target.js';
import { projectTree } from '../../tests/helpers/data-tree.js';
import * as inputs from './inputs.js';
import { Random, caseSeed } from './random.js';

/** A single case taking longer than this is a finding (a linear parser takes milliseconds). */
export const SLOW_MS = 1000;
/** The real CLI as a process may take longer: Node's start-up is in it. */
const SPAWNED_SLOW_MS = 10_000;

type Input = string | string[];
type Outcome = string | { wrong: string } | void;

interface Target {
  readonly name: string;
  /** How often it is picked, relative to the others. */
  readonly weight: number;
  generate(random: Random): Input;
  /**
   * Runs the input; a returned string is a finding that did not throw (an exit code 70), a
   * returned `{ wrong }` an outcome other than the right one.
   */
  run(input: Input): Promise<Outcome> | Outcome;
}

export interface Finding {
  readonly target: string;
  /** The seed of the case: `--replay <target>:<seed>` runs it again. */
  readonly seed: number;
  readonly kind: 'untyped error' | 'stack overflow' | 'internal error' | 'wrong outcome' | 'slow';
  readonly message: string;
  /** The input, shrunk while it fails the same way, as JSON (cut at 400 characters). */
  readonly input: string;
  readonly ms: number;
}

export interface FuzzReport {
  readonly cases: number;
  readonly spawned: number;
  readonly findings: Finding[];
  readonly byTarget: Record<string, number>;
  readonly slowestMs: number;
  readonly ms: number;
}

/** The oracle of the damaged files: WHATWG's decoder, refusing what is not UTF-8. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

const environment = parseTarget({ python: '3.11.9', platform: 'x86_64-linux', glibc: '2.40' }).markers;

/** The data and files the command-line cases use, made once per run. */
function commandFiles() {
  const dir = mkdtempSync(join(tmpdir(), 'mach-nix-fuzz-'));
  const tree = projectTree({
    flask: { wheels: { '3.0': { requires: ['werkzeug>=3', 'click; python_version >= "3.8"'] } } },
    werkzeug: { wheels: { '3.0': {} } },
    click: { wheels: { '8.0': {} } },
    constructor: { wheels: { '1.0': {} } },
  });
  const requirements = join(dir, 'requirements.txt');
  writeFileSync(requirements, 'flask\n');
  const lock = join(dir, 'base.lock.json');
  return { dir, tree, requirements, lock, output: join(dir, 'out.lock.json') };
}

async function silentCli(argv: readonly string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await runCli(argv, { stdout: () => undefined, stderr: (text) => void (stderr += text), colour: false, tty: false });
  return { code, stderr };
}

function targets(files: ReturnType<typeof commandFiles>, baseLock: string): Target[] {
  const text = (input: Input) => input as string;
  const internal = (outcome: { code: number; stderr: string }) => (outcome.code === 70 || /\n\s+at /.test(outcome.stderr) ? outcome.stderr.split('\n')[0] : undefined);
  return [
    { name: 'pep440-version', weight: 10, generate: inputs.version, run: (v) => void Version.parse(text(v)).toString() },
    {
      name: 'pep440-specifier', weight: 10, generate: inputs.specifier,
      run: (s) => {
        const set = SpecifierSet.parse(text(s));
        set.toString();
        for (const v of ['1.0', '2.0.1', '1.0a1', '1!2.0']) set.contains(v);
      },
    },
    {
      name: 'pep508-requirement', weight: 15, generate: inputs.requirement,
      run: (r) => {
        const requirement = parseRequirement(text(r));
        parseRequirement(requirement.toString());
        requirement.marker?.evaluate({ ...environment, extra: 'security' });
      },
    },
    { name: 'pep508-marker', weight: 10, generate: inputs.marker, run: (m) => void parseMarker(text(m)).evaluate(environment) },
    { name: 'conda-spec', weight: 5, generate: (random) => inputs.requirement(random).replace(/[;@].*/, ''), run: (s) => void parseMatchSpec(text(s), 'environment') },
    { name: 'requirements-txt', weight: 15, generate: inputs.requirementsTxt, run: (t) => void parseRequirementsText(text(t), { name: 'requirements.txt', baseDir: files.dir }) },
    { name: 'pyproject-toml', weight: 10, generate: inputs.pyprojectToml, run: (t) => void parsePyproject(text(t), 'pyproject.toml') },
    { name: 'environment-yml', weight: 10, generate: inputs.environmentYml, run: (t) => void condaRequirements(parseEnvironmentYml(text(t), 'environment.yml')) },
    {
      name: 'bucket-json', weight: 8, generate: (random) => { const { kind, text: json } = inputs.bucketJson(random); return [kind, json]; },
      run: (input) => {
        const [kind, json] = input as string[];
        let parsed: unknown;
        try {
          parsed = JSON.parse(json!);
        } catch {
          return; // readJsonFile turns this into a DataError naming the file
        }
        const first = parsed !== null && typeof parsed === 'object' ? Object.keys(parsed)[0] ?? 'x' : 'x';
        const file = `${bucketOf(first)}.json`;
        const read = kind === 'wheel' ? readWheelBucket : kind === 'sdist' ? readSdistBucket : readFetcherBucket;
        read(file, parsed);
      },
    },
    {
      name: 'lock-file', weight: 4, generate: (random) => inputs.lockJson(random, baseLock),
      run: async (lock) => {
        const file = join(files.dir, 'fuzzed.lock.json');
        writeFileSync(file, text(lock));
        for (const argv of [['graph', '--lock', file], ['why', 'flask', '--lock', file], ['why', 'constructor', '--lock', file, '--json']]) {
          const found = internal(await silentCli(argv));
          if (found) return found;
        }
      },
    },
    {
      // the bytes as Latin-1 characters, one per byte, so that the input shrinks like a string
      name: 'damaged-file', weight: 4, generate: (random) => { const { name, bytes } = inputs.damagedFile(random, baseLock); return [name, Buffer.from(bytes).toString('latin1')]; },
      run: async (input) => {
        const [name, latin1] = input as [string, string];
        const bytes = Buffer.from(latin1, 'latin1');
        const file = join(files.dir, name);
        writeFileSync(file, bytes);
        const outcome = await silentCli(name.endsWith('.lock.json') ? ['graph', '--lock', file] : ['requirements', '-r', file]);
        const found = internal(outcome);
        if (found) return found;
        const refused = /^error: (.*):(\d+): not UTF-8 text: byte (\d+) of the line \(0x[89a-f][0-9a-f]\) starts no UTF-8 character; save it as UTF-8\n$/.exec(outcome.stderr);
        let decodes = true;
        try {
          strictUtf8.decode(bytes);
        } catch {
          decodes = false;
        }
        if (decodes === (refused !== null)) return { wrong: `exit ${outcome.code} for bytes a strict UTF-8 decoder ${decodes ? 'takes' : 'refuses'}: ${outcome.stderr.split('\n')[0]}` };
        if (!decodes && (outcome.code !== 1 || refused![1] !== file || Number(refused![2]) > latin1.split('\n').length)) return { wrong: `not the refusal of bytes that are not UTF-8: ${outcome.stderr.split('\n')[0]}` };
      },
    },
    { name: 'cli', weight: 3, generate: (random) => inputs.commandLine(random, files), run: async (argv) => internal(await silentCli(argv as string[])) },
  ];
}

function classify(error: unknown): Finding['kind'] | null {
  if (error instanceof MachNixError && !error.message.includes('Maximum call stack')) return null;
  if (error instanceof RangeError && /call stack/.test(error.message)) return 'stack overflow';
  if (error instanceof MachNixError) return 'stack overflow';
  return 'untyped error';
}

/** One case: the kind of finding (null when fine), its message and time. */
async function runCase(target: Target, input: Input): Promise<{ kind: Finding['kind'] | null; message: string; ms: number }> {
  const start = performance.now();
  let kind: Finding['kind'] | null = null;
  let message = '';
  try {
    const found = await target.run(input);
    if (typeof found === 'string') {
      kind = /Maximum call stack/.test(found) ? 'stack overflow' : 'internal error';
      message = found;
    } else if (found !== undefined) {
      kind = 'wrong outcome';
      message = found.wrong;
    }
  } catch (error) {
    kind = classify(error);
    message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  const ms = performance.now() - start;
  if (kind === null && ms > SLOW_MS) kind = 'slow';
  return { kind, message: message.slice(0, 300), ms };
}

/** Deletes pieces of a failing string input while it still fails the same way (at most `budget` tries). */
async function shrink(target: Target, input: Input, kind: Finding['kind'], budget = 60): Promise<Input> {
  if (typeof input !== 'string' || kind === 'slow') return input;
  let best = input;
  for (let size = Math.floor(best.length / 2); size >= 1 && budget > 0; size = Math.floor(size / 2)) {
    for (let at = 0; at + size <= best.length && budget > 0; at += size) {
      const candidate = best.slice(0, at) + best.slice(at + size);
      budget--;
      if ((await runCase(target, candidate)).kind === kind) {
        best = candidate;
        at -= size;
      }
    }
  }
  return best;
}

function pickTarget(all: readonly Target[], random: Random): Target {
  let roll = random.next() * all.reduce((sum, t) => sum + t.weight, 0);
  for (const target of all) {
    roll -= target.weight;
    if (roll < 0) return target;
  }
  return all.at(-1)!;
}

/** The real CLI, spawned: the same command-line cases, checked for exit 70 and stack traces. */
function spawnCase(cliFile: string, argv: readonly string[]): { kind: Finding['kind'] | null; message: string; ms: number } {
  const start = performance.now();
  const result = spawnSync(process.execPath, [cliFile, ...argv], { encoding: 'utf8', timeout: SPAWNED_SLOW_MS * 3 });
  const ms = performance.now() - start;
  const stderr = result.stderr ?? '';
  if (result.status === 70 || /\n\s+at /.test(stderr)) return { kind: /call stack/.test(stderr) ? 'stack overflow' : 'internal error', message: stderr.split('\n')[0] ?? '', ms };
  if (result.status === null || ms > SPAWNED_SLOW_MS) return { kind: 'slow', message: `exit ${result.status ?? result.signal}`, ms };
  return { kind: null, message: '', ms };
}

export interface FuzzOptions {
  readonly cases: number;
  readonly seed: number;
  /** How many command-line cases also run as the real CLI (`dist/mach-nix.cjs`, built by npm run build). */
  readonly spawn?: number;
  readonly cliFile?: string;
  /** Called now and then with the number of cases done. */
  readonly progress?: (done: number) => void;
}

/** The targets with their files: the data tree and a real lock made from it (the lock cases mutate it). */
async function prepare(): Promise<{ files: ReturnType<typeof commandFiles>; all: Target[] }> {
  const files = commandFiles();
  const made = await silentCli(['lock', '-r', files.requirements, '--python', '3.11', '--platform', 'x86_64-linux', '--deps-db', files.tree, '--providers', '{"_default": "wheel"}', '--provider-defaults', '{}', '-o', files.lock]);
  if (made.code !== 0) throw new Error(`the base lock could not be made: ${made.stderr}`);
  return { files, all: targets(files, readFileSync(files.lock, 'utf8')) };
}

export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const start = performance.now();
  const { all } = await prepare();
  const findings: Finding[] = [];
  const byTarget: Record<string, number> = Object.fromEntries(all.map((t) => [t.name, 0]));
  let slowestMs = 0;
  const record = async (target: Target, seed: number, input: Input, outcome: { kind: Finding['kind'] | null; message: string; ms: number }) => {
    if (outcome.kind === null) return;
    const small = await shrink(target, input, outcome.kind);
    const json = JSON.stringify(small);
    findings.push({ target: target.name, seed, kind: outcome.kind, message: outcome.message, input: json.length > 400 ? `${json.slice(0, 400)}… (${json.length} characters)` : json, ms: Math.round(outcome.ms) });
  };
  for (let i = 0; i < options.cases; i++) {
    const seed = caseSeed(options.seed, i);
    const random = new Random(seed);
    const target = pickTarget(all, random);
    const input = target.generate(random);
    byTarget[target.name]!++;
    const outcome = await runCase(target, input);
    slowestMs = Math.max(slowestMs, outcome.ms);
    await record(target, seed, input, outcome);
    if (options.progress && (i + 1) % 5000 === 0) options.progress(i + 1);
  }
  let spawned = 0;
  if (options.spawn && options.cliFile) {
    const cli = all.find((t) => t.name === 'cli')!;
    for (let i = 0; i < options.spawn; i++) {
      const seed = caseSeed(options.seed ^ 0x5eed, i);
      // a process's arguments cannot hold NUL (in-process cases have it)
      const argv = (cli.generate(new Random(seed)) as string[]).map((word) => word.replace(/\0/g, ''));
      const outcome = spawnCase(options.cliFile, argv);
      spawned++;
      if (outcome.kind !== null) findings.push({ target: 'cli (spawned)', seed, kind: outcome.kind, message: outcome.message, input: JSON.stringify(argv).slice(0, 400), ms: Math.round(outcome.ms) });
    }
  }
  return { cases: options.cases, spawned, findings, byTarget, slowestMs: Math.round(slowestMs), ms: Math.round(performance.now() - start) };
}

/** Runs one case again from its target name and seed (what a finding records). */
export async function replay(targetName: string, seed: number): Promise<{ input: Input; kind: Finding['kind'] | null; message: string; ms: number }> {
  const { all } = await prepare();
  const target = all.find((t) => t.name === targetName);
  if (!target) throw new Error(`no target ${targetName}: one of ${all.map((t) => t.name).join(', ')}`);
  const random = new Random(seed);
  pickTarget(all, random); // the same draws as in the run
  const input = target.generate(random);
  return { input, ...(await runCase(target, input)) };
}
