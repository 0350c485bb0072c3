/**
 * Calling a function of the Nix library on many inputs at once, for the tests of the standards
 * files (nix/pep503.nix, …): one `nix eval` per call and variant however many inputs (a process
 * costs ~20 ms, a call inside it almost nothing), each input's answer or, where the function
 * throws, `{ thrown: true }` (builtins.tryEval gives no message; `thrownMessage` gets one).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { MachNixError } from '../../../src/errors.js';
import { type NixVariant, nix, nixEval, repoDir, scratchDir, standInDir } from '../harness.js';

export type NixAnswer<T> = { value: T } | { thrown: true };

const inputsDir = mkdtempSync(join(scratchDir, 'mach-nix-standards-'));
after(() => rmSync(inputsDir, { recursive: true, force: true }));
let files = 0;

/** `let m = <the library>; in …`: the library as users import it, on the nixpkgs stand-in. */
const library = `let m = import ${repoDir}/nix { pkgs = import ${standInDir} { }; pypiData = null; }; in`;

/**
 * `fn` (a Nix expression of `m`, e.g. `m.pep503.normalizeName`) applied to each input, the answer
 * evaluated deeply. The inputs travel as a JSON file: a command line could not hold thousands.
 */
export async function evaluateEach<T>(variant: NixVariant, fn: string, inputs: readonly unknown[]): Promise<NixAnswer<T>[]> {
  const answers = await nixEval<NixAnswer<T>[]>(variant, `${library} let f = ${fn}; in map (input:
    let result = builtins.tryEval (let answer = f input; in builtins.deepSeq answer answer);
    in if result.success then { value = result.value; } else { thrown = true; })
    ${jsonFile(inputs)}`);
  assert.equal(answers.length, inputs.length);
  return answers;
}

/** The error `fn input` fails with (it must fail). */
export async function thrownMessage(variant: NixVariant, fn: string, input: unknown): Promise<string> {
  const expr = `${library} let answer = (${fn}) ${jsonFile(input)}; in builtins.deepSeq answer answer`;
  const result = await nix(variant, ['eval', '--impure', '--json', '--expr', expr], { allowFailure: true });
  assert.notEqual(result.status, 0, `${fn} ${JSON.stringify(input)} did not fail`);
  return result.stderr;
}

/** A Nix expression reading `value` from a JSON file (Nix string literals have no `\u` escapes). */
function jsonFile(value: unknown): string {
  const file = join(inputsDir, `inputs-${process.pid}-${files++}.json`);
  writeFileSync(file, JSON.stringify(value));
  return `(builtins.fromJSON (builtins.readFile ${file}))`;
}

/**
 * The answer the TypeScript side gives, in the same shape: where `fn` throws one of the project's
 * errors (InvalidVersion, …) it is `{ thrown: true }`; any other error is a failure of the test.
 */
export function answerOf<T>(fn: () => T): NixAnswer<T> {
  try {
    return { value: fn() };
  } catch (error) {
    if (error instanceof MachNixError) return { thrown: true };
    throw error;
  }
}

/** The inputs whose answers differ, for a readable assertion message (empty when all agree). */
export function disagreements<T>(inputs: readonly unknown[], nixAnswers: readonly NixAnswer<T>[], expected: readonly NixAnswer<T>[]): string[] {
  return inputs.flatMap((input, i) =>
    isDeepStrictEqual(nixAnswers[i], expected[i])
      ? []
      : [`${JSON.stringify(input)}: Nix ${JSON.stringify(nixAnswers[i])}, expected ${JSON.stringify(expected[i])}`],
  );
}
