/**
 * Writing a resolution document (a lock file, or the answer of the import-from-derivation): checked
 * against `schemas/resolution.schema.json` first, then written atomically — a reader never sees half
 * a document, and a failed write leaves an existing file as it was.
 */
import type { ResolutionDocument } from '../generated/resolution.js';
import { writeFileAtomic } from '../on-demand.js';
import { checkResolution } from '../schemas.js';

/** The document's text: the schema checked, two-space indented, one newline at the end. */
export function documentText(document: ResolutionDocument): string {
  checkResolution(document, { file: 'the resolution written' });
  return `${JSON.stringify(document, null, 2)}\n`;
}

export function writeDocument(path: string, document: ResolutionDocument): void {
  writeFileAtomic().sync(path, documentText(document));
}
