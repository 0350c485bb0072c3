/**
 * Resolver scenarios about solution quality, in packse's style: each `scenarios/*.toml` states
 * the packages (`[packages.<name>.versions."<version>"] requires = [...]`, each version one pure
 * wheel), what the user requires (`[root] requires`), the answer a user would want
 * (`[expected] satisfiable`, `packages`; or `explanation`, strings the conflict explanation must
 * contain) and, in `why`, why that is the answer. They run through `resolve()` like a real
 * resolution: wheels only, CPython 3.11 on x86_64-linux.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'smol-toml';
import * as v from 'valibot';
import { openDependencySource } from '../../src/db/open.js';
import { readRequirementsText } from '../../src/inputs.js';
import { ResolutionImpossible, resolve } from '../../src/resolve.js';
import { parseTarget } from '../../src/target.js';
import { type ProjectSpec, projectTree } from '../helpers/data-tree.js';

const Scenario = v.strictObject({
  name: v.string(),
  description: v.string(),
  why: v.string(),
  root: v.strictObject({ requires: v.array(v.string()) }),
  expected: v.union([
    v.strictObject({ satisfiable: v.literal(true), packages: v.record(v.string(), v.string()) }),
    v.strictObject({ satisfiable: v.literal(false), explanation: v.array(v.string()) }),
  ]),
  packages: v.record(v.string(), v.strictObject({ versions: v.record(v.string(), v.strictObject({ requires: v.optional(v.array(v.string()), []) })) })),
});

const dir = join(import.meta.dirname, 'scenarios');
const roots: string[] = [];
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

describe('resolver scenarios (solution quality)', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.toml')).sort()) {
    const scenario = v.parse(Scenario, parse(readFileSync(join(dir, file), 'utf8')));
    it(`${scenario.name}: ${scenario.why.trim().split('\n')[0]}`, () => {
      assert.equal(`${scenario.name}.toml`, file);
      const projects: Record<string, ProjectSpec> = Object.fromEntries(
        Object.entries(scenario.packages).map(([name, { versions }]) => [
          name,
          { wheels: Object.fromEntries(Object.entries(versions).map(([version, { requires }]) => [version, { requires }])) },
        ]),
      );
      const root = projectTree(projects);
      roots.push(root);
      const source = openDependencySource(root);
      const run = () =>
        resolve({
          source,
          inputs: readRequirementsText(scenario.root.requires.join('\n'), { name: file }),
          target: parseTarget({ python: '3.11', platform: 'x86_64-linux', glibc: '2.40' }),
          providers: { _default: 'wheel' },
          providerDefaults: {},
        }).resolution;
      try {
        if (scenario.expected.satisfiable) {
          const resolution = run();
          const got = Object.fromEntries(Object.values(resolution.packages).map((p) => [p!.name, p!.version]));
          assert.deepEqual(got, scenario.expected.packages);
        } else {
          const { explanation } = scenario.expected;
          assert.throws(run, (error) => {
            assert.ok(error instanceof ResolutionImpossible, String(error));
            for (const part of explanation) assert.ok(error.explanation.includes(part), `${part} not in:\n${error.explanation}`);
            // One statement about all releases, not one per release.
            assert.ok(error.explanation.split('\n').length <= 4, error.explanation);
            return true;
          });
        }
      } finally {
        source.close();
      }
    });
  }
});
