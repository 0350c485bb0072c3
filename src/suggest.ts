/**
 * "Did you mean …?": the words of a known set nearest to a misspelled one, by the optimal string
 * alignment distance (insertions, deletions, substitutions and swaps of neighbours — the common
 * typos), bounded so that a suggestion is a near miss and not any short word.
 */

/** The largest distance a typo of `word` plausibly has: 1 up to 4 characters, 2 beyond. */
export function typoBound(word: string): number {
  return word.length <= 4 ? 1 : 2;
}

/** The optimal string alignment distance of `a` and `b`, or `bound + 1` once it exceeds `bound`. */
export function boundedDistance(a: string, b: string, bound: number): number {
  if (Math.abs(a.length - b.length) > bound) return bound + 1;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let smallest = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, before[j - 2]! + 1);
      current.push(value);
      smallest = Math.min(smallest, value);
    }
    if (smallest > bound) return bound + 1;
    before = previous;
    previous = current;
  }
  return Math.min(previous[b.length]!, bound + 1);
}

/** Character counts (code units, folded into 64 buckets): the cheap filter before the distance. */
function histogram(text: string): Int16Array {
  const counts = new Int16Array(64);
  for (let i = 0; i < text.length; i++) counts[text.charCodeAt(i) & 63]!++;
  return counts;
}

const scratch = new Int16Array(64);

/**
 * Whether a candidate's character counts differ from the word's by more than `bound` edits can
 * make: an insertion or deletion changes them by 1, a substitution by 2, a swap by 0.
 */
function countsTooFar(counts: Int16Array, candidate: string, bound: number): boolean {
  scratch.set(counts);
  for (let i = 0; i < candidate.length; i++) scratch[candidate.charCodeAt(i) & 63]!--;
  let difference = 0;
  for (let i = 0; i < 64; i++) {
    difference += Math.abs(scratch[i]!);
    if (difference > 2 * bound) return true;
  }
  return false;
}

/** The nearest candidates within the typo bound of `word` (never `word` itself), at most `limit`, sorted. */
export function suggestions(word: string, candidates: Iterable<string>, limit = 3): string[] {
  const bound = typoBound(word);
  const counts = histogram(word);
  const found: { candidate: string; distance: number }[] = [];
  for (const candidate of new Set(candidates)) {
    if (candidate === word || countsTooFar(counts, candidate, bound)) continue;
    const distance = boundedDistance(word, candidate, bound);
    if (distance <= bound) found.push({ candidate, distance });
  }
  found.sort((x, y) => x.distance - y.distance || (x.candidate < y.candidate ? -1 : x.candidate > y.candidate ? 1 : 0));
  // Only the nearest: with a one-letter slip at hand, two-letter ones are noise.
  return found.filter((entry) => entry.distance === found[0]!.distance).slice(0, limit).map((entry) => entry.candidate);
}

/** ` did you mean x, y or z?` for a sentence's end; empty without suggestions. */
export function didYouMean(found: readonly string[]): string {
  if (found.length === 0) return '';
  const listed = found.length === 1 ? found[0]! : `${found.slice(0, -1).join(', ')} or ${found.at(-1)!}`;
  return `did you mean ${listed}?`;
}
