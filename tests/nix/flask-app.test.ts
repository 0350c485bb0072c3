/**
 * examples/flask-app, under Nix 2.8 and Nix 2.26: its requirements locked by `mach-nix lock`
 * from the machine's PyPI mirror served by nginx on loopback (the lock pins each file by URL and
 * sha256), its environment built by Nix from real wheels (nixpkgs stand-in), served by the environment's
 * own `flask run` on a free loopback port against a fake weather API on 127.0.0.1, both routes
 * checked over HTTP; and its layered Docker image unpacked and its configured command run from
 * the image's root. Every process started here is stopped, also when a check fails.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, describe, before, test } from 'node:test';
import type { Resolution } from '../../src/generated/resolution.js';
import { type FakeWeather, Service, freePort, startFakeWeather, stopAllServices } from '../helpers/services.js';
import { Nginx } from '../index/servers/nginx.js';
import { type NixVariant, commandLine, hostPath, nixBuild, nixVersions, repoDir, run, scratchDir, seedStore, standInDir, standInTarget } from './harness.js';

const example = join(repoDir, 'examples/flask-app');
const workDir = mkdtempSync(join(scratchDir, 'mach-nix-flask-app-'));
const mirrors = ['/opt/pypi', '/opt/pypi-more'];
let weather: FakeWeather;
let index: Nginx;

before(async () => {
  weather = await startFakeWeather();
  index = await Nginx.start([{ prefix: '/pypi/', root: mirrors[0]! }, { prefix: '/pypi-more/', root: mirrors[1]! }]);
});
after(async () => {
  await stopAllServices();
  await weather.stop();
  await index.stop();
  rmSync(workDir, { recursive: true, force: true });
});

/**
 * `mach-nix lock` of the example's requirements.txt from the machine's PyPI mirror served by
 * nginx on loopback, as the quick start does (without this machine's pip configuration).
 */
function lockApp(variant: NixVariant, python: string, glibc: string): { file: string; resolution: Resolution } {
  const file = join(workDir, variant, 'mach-nix.lock.json');
  mkdirSync(join(workDir, variant), { recursive: true });
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(PIP|UV)_/.test(key)));
  const lock = spawnSync(join(repoDir, 'bin/mach-nix'), [
    'lock', '-r', join(example, 'requirements.txt'), '--python', python, '--platform', 'x86_64-linux', '--glibc', glibc,
    '--index-url', `${index.origin}/pypi/simple/`, '--extra-index-url', `${index.origin}/pypi-more/simple/`, '-o', file,
  ], { encoding: 'utf8', env: { ...env, PIP_CONFIG_FILE: '/dev/null', MACH_NIX_CACHE_DIR: join(workDir, 'cache') } });
  assert.equal(lock.status, 0, lock.stderr);
  return { file, resolution: JSON.parse(readFileSync(file, 'utf8')) as Resolution };
}

/**
 * The lock's files in the store under their URLs' names: fetchurl's output depends only on the
 * name and the hash, so this is the path a download of the lock's (loopback) URL would make.
 */
async function seedLockedFiles(variant: NixVariant, resolution: Resolution): Promise<void> {
  const paths = Object.values(resolution.packages).map((entry) => {
    const source = entry!.source as { url?: string | null };
    assert.ok(source.url?.startsWith(`${index.origin}/`), `${entry!.name} is locked with a URL of the loopback index`);
    const name = decodeURIComponent(new URL(source.url!).pathname.split('/').pop()!);
    const found = mirrors.map((dir) => join(dir, 'files', name)).find(existsSync);
    assert.ok(found, `${name} is in the mirror`);
    return found;
  });
  await run(variant, 'nix-store', ['--add-fixed', 'sha256', ...paths]);
}

/**
 * The host path of `path` as a process chrooted into `root` sees it: the image's links are
 * absolute (`/app` → `/nix/store/…`), and the chroot variant's store paths are not the host's.
 */
function inRoot(root: string, path: string): string {
  let resolved = '/';
  const parts = path.split('/').filter(Boolean);
  for (let hops = 0; parts.length > 0; ) {
    const next = join(resolved, parts.shift()!);
    const onHost = join(root, next);
    if (!lstatSync(onHost).isSymbolicLink()) {
      resolved = next;
      continue;
    }
    assert.ok(++hops < 40, `too many links resolving ${path} in ${root}`);
    const target = readlinkSync(onHost);
    parts.unshift(...target.split('/').filter(Boolean));
    if (target.startsWith('/')) resolved = '/';
    else resolved = dirname(next);
  }
  return join(root, resolved);
}

/** Both routes of the app at `base`, and what the fake weather API was asked. */
async function checkRoutes(base: string): Promise<void> {
  const hello = await fetch(`${base}/`);
  assert.equal(hello.status, 200);
  assert.equal(await hello.text(), 'Hello, world!');

  const before = weather.requests.length;
  const berlin = await fetch(`${base}/weather?city=Berlin`);
  assert.equal(berlin.status, 200);
  assert.match(berlin.headers.get('content-type') ?? '', /^application\/json/);
  assert.deepEqual(await berlin.json(), weather.answer('Berlin'));
  const asked = weather.requests.slice(before);
  assert.deepEqual(asked, [{ path: '/weather', query: { q: 'Berlin', appid: weather.key } }], 'the app sent the city and the key');

  const missing = await fetch(`${base}/weather`);
  assert.equal(missing.status, 400);
  assert.match(((await missing.json()) as { error: string }).error, /missing query parameter: city/);

  const failing = await fetch(`${base}/weather?city=Atlantis`);
  assert.equal(failing.status, 502);
  assert.deepEqual(await failing.json(), { error: 'the weather service answered 503', city: 'Atlantis' });
}

describe('examples/flask-app', { concurrency: true }, () => {
  for (const variant of nixVersions()) {
    describe(variant, { concurrency: 1 }, () => {
      let lock: { file: string; resolution: Resolution };
      // the mirror's binary wheels (MarkupSafe, charset-normalizer) are cp311: Python 3.11
      const standIn = `import ${standInDir} { pythonVersion = "3.11"; }`;
      // an index lock needs no pinned data: a pypiData that does not exist is never read
      const app = () => `let pkgs = ${standIn}; in import ${example} { inherit pkgs; m = import ${repoDir}/nix { inherit pkgs; pypiData = "/nonexistent/pypi-deps-db"; }; lockFile = ${lock.file}; }`;

      before(async () => {
        await seedStore(variant);
        const [python, glibc] = await standInTarget(variant);
        lock = lockApp(variant, python, glibc);
        await seedLockedFiles(variant, lock.resolution);
      });

      test("the environment's flask run serves / and /weather (fake weather API on 127.0.0.1)", async () => {
        const { out } = await nixBuild(variant, { expr: `(${app()}).env` }, { extraArgs: ['--option', 'allow-import-from-derivation', 'false'] });
        assert.deepEqual(Object.keys(lock.resolution.packages).sort(), ['blinker', 'certifi', 'charset-normalizer', 'click', 'flask', 'idna', 'itsdangerous', 'jinja2', 'markupsafe', 'requests', 'urllib3', 'werkzeug']);
        const port = await freePort();
        const { file, argv, cwd, env } = commandLine(variant, `${out}/bin/flask`, ['--app', join(example, 'app.py'), 'run', '--host', '127.0.0.1', '--port', String(port)], {
          env: { WEATHER_API_URL: weather.url, WEATHER_API_KEY: weather.key, PYTHONDONTWRITEBYTECODE: '1' },
        });
        const server = Service.start(`[${variant}] flask run`, file, argv, { cwd, env });
        try {
          await server.waitForHttp(`http://127.0.0.1:${port}/`);
          await checkRoutes(`http://127.0.0.1:${port}`);
          // the app runs on the environment's interpreter, not the host's
          assert.match(server.log, /Running on http:\/\/127\.0\.0\.1:\d+/);
        } finally {
          await server.stop();
        }
        assert.equal(server.running, false);
        const unconfigured = await run(variant, `${out}/bin/python`, ['-c', [
          'import sys; sys.path.insert(0, sys.argv[1]); import app',
          'r = app.app.test_client().get("/weather?city=Oslo"); print(r.status_code, r.get_json()["error"])',
        ].join('\n'), example], { env: { PYTHONDONTWRITEBYTECODE: '1' } });
        assert.equal(unconfigured.stdout.trim(), '500 the weather service is not configured: set WEATHER_API_URL and WEATHER_API_KEY');
      });

      test("the Docker image's command serves the app from the image's unpacked root", async () => {
        const { out } = await nixBuild(variant, { expr: `(${app()}).image` });
        const archive = hostPath(variant, out);
        assert.match(archive, /-flask-app\.tar\.gz$/);
        const plain = join(workDir, `image-${variant}.tar`);
        await run('host-2.8', 'sh', ['-c', `gzip -dc ${archive} > ${plain}`]);
        const inspect = await run('host-2.8', 'skopeo', ['inspect', '--config', `docker-archive:${plain}`]);
        const config = (JSON.parse(inspect.stdout) as { config: { Cmd: string[]; Env: string[]; ExposedPorts: Record<string, unknown> } }).config;
        assert.deepEqual(config.Cmd.slice(1), ['--app', '/app/app.py', 'run', '--host', '0.0.0.0']);
        assert.match(config.Cmd[0]!, /-env\/bin\/flask$/);
        assert.deepEqual(config.Env, ['FLASK_RUN_PORT=8000']);
        assert.deepEqual(Object.keys(config.ExposedPorts), ['8000/tcp']);
        const oci = join(workDir, `oci-${variant}`);
        const bundle = join(workDir, `bundle-${variant}`);
        await run('host-2.8', 'skopeo', ['copy', `docker-archive:${plain}`, `oci:${oci}:latest`]);
        await run('host-2.8', 'umoci', ['unpack', '--image', `${oci}:latest`, bundle]);
        const rootfs = join(bundle, 'rootfs');
        assert.equal(readFileSync(inRoot(rootfs, '/app/app.py'), 'utf8'), readFileSync(join(example, 'app.py'), 'utf8'));
        // What this cannot show, with no container runtime here: the image's own network
        // namespace and port mapping (the command runs in the host's, as `docker run
        // --network host` would, so the port is moved by the image's own FLASK_RUN_PORT), its
        // user and cgroups. The command, its arguments, its environment and every file it
        // loads come from the image's root: chroot into it, with only the image's Env.
        const port = await freePort();
        const env = [...config.Env.filter((e) => !e.startsWith('FLASK_RUN_PORT=')), `FLASK_RUN_PORT=${port}`, `WEATHER_API_URL=${weather.url}`, `WEATHER_API_KEY=${weather.key}`];
        const server = Service.start(`[${variant}] image command`, '/usr/sbin/chroot', [rootfs, ...config.Cmd], {
          env: Object.fromEntries(env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)])),
        });
        try {
          await server.waitForHttp(`http://127.0.0.1:${port}/`);
          const curl = await run('host-2.8', 'curl', ['-sS', '--fail', `http://127.0.0.1:${port}/`]);
          assert.equal(curl.stdout, 'Hello, world!');
          await checkRoutes(`http://127.0.0.1:${port}`);
        } finally {
          await server.stop();
          rmSync(bundle, { recursive: true, force: true });
        }
      });
    });
  }
});
