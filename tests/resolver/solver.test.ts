import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CandidateSet } from '../../src/resolver/candidate-set.js';
import { explainFailure } from '../../src/resolver/report.js';
import { SolveFailure, Solver } from '../../src/resolver/solver.js';
import { SpecifierSet } from '../../src/pep440.js';
import { parseRequirement } from '../../src/pep508.js';
import { assertGolden } from '../helpers/golden.js';
import { type Registry, ToyProvider } from '../helpers/toy-registry.js';

function failure(provider: ToyProvider, requirements: string[]): string {
  try {
    provider.solve(requirements);
  } catch (error) {
    if (error instanceof SolveFailure) return explainFailure(error.incompatibility, provider);
    throw error;
  }
  assert.fail('expected the resolution to fail');
}

describe('CandidateSet', () => {
  it('does exact set algebra across word boundaries', () => {
    const a = CandidateSet.of(70, [0, 31, 32, 69]);
    const b = CandidateSet.of(70, [31, 40]);
    assert.deepEqual([...a.and(b)], [31]);
    assert.deepEqual([...a.or(b)], [0, 31, 32, 40, 69]);
    assert.deepEqual([...a.minus(b)], [0, 32, 69]);
    assert.equal(a.complement().count, 66);
    assert.ok(a.complement().complement().equals(a));
    assert.ok(CandidateSet.full(70).isFull && CandidateSet.full(70).count === 70);
    assert.ok(CandidateSet.of(70, [31]).isSubsetOf(a) && !b.isSubsetOf(a));
    assert.equal(CandidateSet.empty(0).first(), -1);
    assert.equal(a.first(), 0);
    assert.throws(() => a.and(CandidateSet.full(3)), RangeError);
  });
});

describe('Solver', () => {
  it('picks the most preferred candidates when nothing conflicts', () => {
    const provider = new ToyProvider({ a: { '1.0': ['b>=1'], '2.0': ['b>=1'] }, b: { '1.0': [], '2.0': [] } });
    assert.deepEqual(provider.solve(['a']), { a: '2.0', b: '2.0' });
  });

  it('avoids a conflict during decision making (pubgrub example 2)', () => {
    const provider = new ToyProvider({
      foo: { '1.0.0': ['bar>=1.0.0,<2'], '1.1.0': ['bar>=2.0.0,<3'] },
      bar: { '1.0.0': [], '1.1.0': [], '2.0.0': [] },
      baz: { '1.0.0': ['foo>=1.0.0,<2'] },
    });
    assert.deepEqual(provider.solve(['baz', 'bar>=1,<2']), { bar: '1.1.0', baz: '1.0.0', foo: '1.0.0' });
  });

  it('backjumps after conflict resolution (pubgrub example 3)', () => {
    const provider = new ToyProvider({
      foo: { '1.0.0': [], '2.0.0': ['bar>=1.0.0,<2'] },
      bar: { '1.0.0': ['foo>=1.0.0,<2'] },
    });
    assert.deepEqual(provider.solve(['foo>=1.0.0']), { foo: '1.0.0' });
  });

  it('resolves with a partial satisfier (pubgrub example 4)', () => {
    const provider = new ToyProvider({
      foo: { '1.0.0': [], '1.1.0': ['left>=1.0.0,<2', 'right>=1.0.0,<2'] },
      left: { '1.0.0': ['shared>=1.0.0'] },
      right: { '1.0.0': ['shared<2.0.0'] },
      shared: { '1.0.0': ['target>=1.0.0,<2'], '2.0.0': [] },
      target: { '1.0.0': [], '2.0.0': [] },
    });
    assert.deepEqual(provider.solve(['foo>=1.0.0,<2', 'target>=2.0.0,<3']), { foo: '1.0.0', target: '2.0.0' });
  });

  it('explains a linear conflict naming every package in it (pubgrub example 5)', () => {
    const provider = new ToyProvider({
      foo: { '1.0.0': ['bar>=2.0.0,<3'] },
      bar: { '2.0.0': ['baz>=3.0.0,<4'] },
      baz: { '1.0.0': [], '3.0.0': [] },
    });
    assertGolden('resolver/linear-conflict', failure(provider, ['foo>=1.0.0,<2', 'baz>=1.0.0,<2']));
  });

  it('explains a branching conflict with numbered lines (pubgrub example 6)', () => {
    const provider = new ToyProvider({
      foo: { '1.0.0': ['a>=1.0.0,<2', 'b>=1.0.0,<2'], '1.1.0': ['x>=1.0.0,<2', 'y>=1.0.0,<2'] },
      a: { '1.0.0': ['b>=2.0.0,<3'] },
      b: { '1.0.0': [], '2.0.0': [] },
      x: { '1.0.0': ['y>=2.0.0,<3'] },
      y: { '1.0.0': [], '2.0.0': [] },
    });
    assertGolden('resolver/branching-conflict', failure(provider, ['foo>=1.0.0,<2']));
  });

  it('reports a dependency nothing satisfies with the provider\'s reason', () => {
    const provider = new ToyProvider({ a: { '1.0': ['missing>=1'] } });
    assertGolden('resolver/missing-dependency', failure(provider, ['a']));
    assertGolden('resolver/missing-requirement', failure(new ToyProvider({}), ['nothing']));
  });

  it('merges a dependency shared by many versions into one statement', () => {
    const versions = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`1.${i}`, ['b>=5']]));
    const provider = new ToyProvider({ a: versions, b: { '1.0': [] } });
    const text = failure(provider, ['a']);
    assert.ok(text.split('\n').length <= 3, text);
    assertGolden('resolver/merged-versions', text);
  });

  it('applies constraints only to packages that are selected anyway', () => {
    const provider = new ToyProvider({ a: { '1.0': ['b'], '2.0': ['b'] }, b: { '1.0': [], '2.0': [] }, c: { '1.0': [] } });
    assert.deepEqual(provider.solve(['a'], ['b<2', 'c>5']), { a: '2.0', b: '1.0' });
    const failing = new ToyProvider({ a: { '1.0': ['b>=2'] }, b: { '1.0': [], '2.0': [] } });
    assert.throws(() => failing.solve(['a'], ['b<2']), SolveFailure);
    try {
      failing.solve(['a'], ['b<2']);
    } catch (error) {
      assertGolden('resolver/constraint-conflict', explainFailure((error as SolveFailure).incompatibility, failing));
    }
  });

  it('handles dependency cycles without looping', () => {
    const provider = new ToyProvider({ a: { '1.0': ['b'] }, b: { '1.0': ['a'] } });
    assert.deepEqual(provider.solve(['a']), { a: '1.0', b: '1.0' });
  });

  it('agrees with a brute-force search on random small registries', () => {
    const names = ['a', 'b', 'c', 'd'];
    const versions = ['1.0', '2.0', '3.0'];
    const specifier = fc.oneof(
      fc.constant(''),
      fc.constantFrom(...versions).chain((v) => fc.constantFrom(`==${v}`, `>=${v}`, `<${v}`, `!=${v}`)),
    );
    const dependency = fc.tuple(fc.constantFrom(...names), specifier).map(([n, s]) => n + s);
    const registry = fc
      .dictionary(fc.constantFrom(...names), fc.dictionary(fc.constantFrom(...versions), fc.array(dependency, { maxLength: 2 }), { minKeys: 1 }))
      .map((r) => r as Registry);
    fc.assert(
      fc.property(registry, fc.array(dependency, { minLength: 1, maxLength: 3 }), (reg, roots) => {
        const provider = new ToyProvider(reg);
        const expected = bruteForce(reg, roots);
        let solution: Record<string, string> | null = null;
        try {
          solution = provider.solve(roots);
        } catch (error) {
          if (!(error instanceof SolveFailure)) throw error;
          explainFailure(error.incompatibility, provider); // must not throw
        }
        assert.equal(solution !== null, expected, `verdict for roots ${JSON.stringify(roots)} in ${JSON.stringify(reg)}`);
        if (solution) assert.ok(isValid(reg, roots, solution), `invalid solution ${JSON.stringify(solution)}`);
      }),
      { numRuns: 400, seed: 20261122 },
    );
  });
});

describe('Solver with conflict-driven decision order', () => {
  it('agrees with a brute-force search where conflicts reorder and undo decisions', () => {
    // The shape that reorders: `a` has many versions whose newer ones bound `b` (which has fewer
    // versions and is decided first) from above, so many candidates of `a` are rejected because
    // of `b`; random further dependencies on `b` and `c` make some registries unsatisfiable.
    const version = (i: number) => `${i + 1}.0`;
    const registry = fc
      .record({
        aCount: fc.integer({ min: 7, max: 14 }),
        bCount: fc.integer({ min: 2, max: 6 }),
        boundFrom: fc.integer({ min: 0, max: 6 }),
        bound: fc.integer({ min: 1, max: 5 }),
        noise: fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.nat(13), fc.constantFrom('b', 'c'), fc.constantFrom('<', '>=', '!='), fc.nat(5)), { maxLength: 4 }),
      })
      .map(({ aCount, bCount, boundFrom, bound, noise }) => {
        const reg: Registry = {
          a: Object.fromEntries(Array.from({ length: aCount }, (_, i) => [version(i), i >= boundFrom ? [`b<${version(bound)}`] : []])),
          b: Object.fromEntries(Array.from({ length: bCount }, (_, i) => [version(i), []])),
          c: { '1.0': [], '2.0': [] },
        };
        for (const [pkg, at, dependency, operator, target] of noise) {
          const versions = Object.keys(reg[pkg]!);
          if (dependency !== pkg) reg[pkg]![versions[at % versions.length]!]!.push(`${dependency}${operator}${version(target)}`);
        }
        return reg;
      });
    let reordered = 0;
    fc.assert(
      fc.property(registry, fc.subarray(['a', 'b', 'c'], { minLength: 2 }), (reg, roots) => {
        const provider = new ToyProvider(reg);
        const expected = bruteForce(reg, roots);
        let solution: Record<string, string> | null = null;
        try {
          solution = provider.solve(roots);
        } catch (error) {
          if (!(error instanceof SolveFailure)) throw error;
          explainFailure(error.incompatibility, provider);
        }
        assert.equal(solution !== null, expected, `verdict for roots ${JSON.stringify(roots)} in ${JSON.stringify(reg)}`);
        if (solution) assert.ok(isValid(reg, roots, solution), `invalid solution ${JSON.stringify(solution)}`);
        // More than five rejected candidates: enough conflicts for the order to have changed.
        if (provider.lastStatistics!.decisions - Object.keys(solution ?? {}).length > 5) reordered++;
      }),
      { numRuns: 300, seed: 20261201 },
    );
    assert.ok(reordered >= 30, `only ${reordered} of 300 registries had many rejections`);
  });
});

function satisfies(solution: Record<string, string>, text: string): boolean {
  const requirement = parseRequirement(text);
  const version = solution[requirement.name];
  return version !== undefined && SpecifierSet.parse(requirement.specifier.toString()).contains(version);
}

function isValid(registry: Registry, roots: string[], solution: Record<string, string>): boolean {
  return (
    roots.every((r) => satisfies(solution, r)) &&
    Object.entries(solution).every(([pkg, version]) => (registry[pkg]?.[version] ?? [null]).every((d) => d !== null && satisfies(solution, d)))
  );
}

/** Tries every combination of "absent or one version" per package. */
function bruteForce(registry: Registry, roots: string[]): boolean {
  const packages = Object.keys(registry);
  const choose = (i: number, solution: Record<string, string>): boolean => {
    if (i === packages.length) return isValid(registry, roots, solution);
    const pkg = packages[i]!;
    if (choose(i + 1, solution)) return true;
    for (const version of Object.keys(registry[pkg]!)) {
      if (choose(i + 1, { ...solution, [pkg]: version })) return true;
    }
    return false;
  };
  return choose(0, {});
}
