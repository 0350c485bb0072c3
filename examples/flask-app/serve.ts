/**
 * The quick start's main job, on a machine with no nixpkgs and no PyPI (like the ones mach-nix
 * is tested on): serve the machine's local PyPI mirror (the `file://` indexes `pip config list`
 * names) with nginx on loopback, lock examples/flask-app with `mach-nix lock --index-url …`,
 * build the app's environment with Nix and the bundled nixpkgs stand-in (tests/nix/nixpkgs),
 * and serve the app with the environment's `flask run` until Ctrl-C — or, with
 * MACH_NIX_QUICKSTART_ONCE=1, answer `/` once and stop. Run by ./quickstart, which installs what
 * this needs first. With real nixpkgs and PyPI, none of this is needed: use the flake (README).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Resolution } from '../../src/generated/resolution.js';
import { Service, freePort, stopAllServices } from '../../tests/helpers/services.js';
import { Nginx } from '../../tests/index/servers/nginx.js';
import { commandLine, nixBuild, nixEval, repoDir, run, seedStore, standInDir } from '../../tests/nix/harness.js';

const example = join(repoDir, 'examples/flask-app');
const workDir = join(repoDir, '.scratch/quickstart');
const say = (line: string) => process.stdout.write(`${line}\n`);

/** The local folders of the `file://…/simple` indexes pip is configured with, e.g. /opt/pypi. */
function pipMirrors(): string[] {
  const listed = spawnSync('pip', ['config', 'list'], { encoding: 'utf8' });
  if (listed.error || listed.status !== 0) throw new Error('`pip config list` failed: this needs a machine whose pip is configured with a local mirror (file:// index URLs)');
  const urls = [...listed.stdout.matchAll(/^global\.(?:extra-)?index-url='([^']*)'$/gm)].flatMap((m) => m[1]!.split(/\s+/));
  const roots = urls.flatMap((url) => (url.startsWith('file://') && url.endsWith('/simple') ? [url.slice('file://'.length, -'/simple'.length)] : []));
  const found = roots.filter((root) => existsSync(join(root, 'simple')));
  if (found.length === 0) throw new Error(`pip names no local mirror (file://…/simple) in \`pip config list\`:\n${listed.stdout}`);
  return [...new Set(found)];
}

/** `mach-nix …` from this checkout, without the machine's pip configuration (the index is given). */
function machNix(args: string[]): string {
  say(`$ mach-nix ${args.join(' ')}`);
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(PIP|UV)_/.test(key)));
  const result = spawnSync(join(repoDir, 'bin/mach-nix'), args, { encoding: 'utf8', env: { ...env, PIP_CONFIG_FILE: '/dev/null', MACH_NIX_CACHE_DIR: join(workDir, 'cache') } });
  if (result.status !== 0) throw new Error(`mach-nix ${args[0]} failed:\n${result.stderr}`);
  process.stdout.write(result.stdout);
  return result.stdout;
}

async function main(): Promise<void> {
  const once = process.env.MACH_NIX_QUICKSTART_ONCE === '1';
  mkdirSync(workDir, { recursive: true });
  say('mach-nix quick start: the Flask app of examples/flask-app, locked, built with Nix and served.');
  say('NOTE: this machine has no nixpkgs and no PyPI, so this uses the nixpkgs stand-in bundled for');
  say('      the tests (tests/nix/nixpkgs: the host\'s Python and tools in nixpkgs\' shape) and the');
  say('      machine\'s local PyPI mirror, served on 127.0.0.1. With real nixpkgs and PyPI, use the');
  say('      flake instead: `nix flake init -t <mach-nix>` and `nix build` (see README.md).');

  const mirrors = pipMirrors();
  const nginx = await Nginx.start(mirrors.map((root, i) => ({ prefix: `/index-${i}/`, root })));
  try {
    const urls = mirrors.map((_, i) => `${nginx.origin}/index-${i}/simple/`);
    say(`serving the local mirror ${mirrors.join(', ')} at ${urls.join(', ')}`);

    const standIn = `import ${standInDir} { pythonVersion = "3.11"; }`;
    say('seeding the Nix store with the stand-in\'s build tools (wheels of the local mirror)…');
    await seedStore('host-2.8');
    const [python, glibc] = await nixEval<[string, string]>('host-2.8', `let p = ${standIn}; in [ p.python3.version p.glibc.version ]`);

    const lockFile = join(workDir, 'mach-nix.lock.json');
    machNix(['lock', '-r', join(example, 'requirements.txt'), '--python', python, '--platform', 'x86_64-linux', '--glibc', glibc,
      '--index-url', urls[0]!, ...urls.slice(1).flatMap((url) => ['--extra-index-url', url]), '-o', lockFile]);
    const lock = JSON.parse(readFileSync(lockFile, 'utf8')) as Resolution;

    // Nix fetches each file by the lock's URL and sha256; offline, the store is given the
    // mirror's copy under the file's name, which is the same store path a download would make.
    const files = Object.values(lock.packages).map((entry) => {
      const source = entry!.source as { url?: string | null };
      const name = decodeURIComponent(new URL(source.url!).pathname.split('/').pop()!);
      const found = mirrors.map((root) => join(root, 'files', name)).find(existsSync);
      if (!found) throw new Error(`${name} (of the lock) is not in the local mirror`);
      return found;
    });
    await run('host-2.8', 'nix-store', ['--add-fixed', 'sha256', ...files]);

    say('building the environment with Nix (import-from-derivation off: the lock says everything)…');
    const expr = `let pkgs = ${standIn}; in (import ${example} { inherit pkgs; m = import ${repoDir}/nix { inherit pkgs; pypiData = "/nonexistent"; }; lockFile = ${lockFile}; }).env`;
    const { out } = await nixBuild('host-2.8', { expr }, { extraArgs: ['--option', 'allow-import-from-derivation', 'false'] });
    say(`built ${out}`);

    const port = await freePort();
    const { file, argv, cwd, env } = commandLine('host-2.8', `${out}/bin/flask`, ['--app', join(example, 'app.py'), 'run', '--host', '127.0.0.1', '--port', String(port)], {
      env: { PYTHONDONTWRITEBYTECODE: '1' },
    });
    const server = Service.start('flask run', file, argv, { cwd, env });
    const url = `http://127.0.0.1:${port}/`;
    const answer = await server.waitForHttp(url);
    say(`the app is served at ${url}; GET / answers:`);
    say(answer);
    if (once) {
      say('MACH_NIX_QUICKSTART_ONCE=1: stopping.');
      return;
    }
    say('(its /weather needs WEATHER_API_URL and WEATHER_API_KEY in the environment); Ctrl-C stops it');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    say('stopping.');
  } finally {
    await stopAllServices();
    await nginx.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`quickstart: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
