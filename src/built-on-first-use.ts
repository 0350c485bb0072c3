/**
 * A value built the first time it is needed instead of when its module is evaluated. Every start
 * of the CLI evaluates the modules of every command, so whatever they build at their top level was
 * start-up time of commands that never use it: valibot schemas (a few hundredths of a millisecond
 * each), and above all regular expressions with Unicode property classes (`\p{ID_Continue}` and the
 * like), which V8 builds from ICU's tables when the expression is created, 0.1–0.4 ms each.
 */
export function builtOnFirstUse<T>(build: () => T): () => T {
  let built: { readonly value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
