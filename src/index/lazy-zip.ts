/**
 * Reading one member of a remote zip (a wheel's `*.dist-info/METADATA`) without downloading the
 * archive, as pip's and uv's lazy wheels do: one suffix range request for the archive's tail (the
 * end of central directory record, zip64 locator and, for most wheels, the central directory and
 * the dist-info files, which wheel builders write last), a second only when the central directory
 * starts before that tail, and one for the member's local header and data when they are not in
 * bytes already fetched. yauzl (a RandomAccessReader over those cached ranges) parses the
 * archive, zip64 included, and inflates the member.
 *
 * A server that ignores Range answers 200 with the whole file; that is used as it is, after its
 * sha256 is checked against the index's, so the fallback costs one request and never trusts
 * unverified bytes more than the range path does.
 */
import { PassThrough, type Readable } from 'node:stream';
import type * as Yauzl from 'yauzl';
import { yauzl } from '../on-demand.js';
import { HashMismatch, IndexRequestError, UnsupportedIndexResponse } from './errors.js';
import type { HttpTransport } from './http.js';
import { sha256Hex } from './cache.js';

/**
 * yauzl's first read: the largest possible end of central directory record (22 bytes and a
 * 65,535-byte comment) and the zip64 locator before it. Asking for exactly this much first means
 * that read, and usually every other, is served from one response.
 */
const TAIL_BYTES = 22 + 0xffff + 20;
/** Extra bytes fetched after a member's local header, whose extra field may differ from the central one. */
const LOCAL_HEADER_SLACK = 1024;
/**
 * yauzl reads the central directory record by record; a read before the cached tail fetches the
 * whole gap up to it at once (up to this much), so a central directory costs one request.
 */
const MAX_GAP_FILL = 8 << 20;
/** The least a read of uncached bytes fetches when it cannot fill a gap. */
const MIN_FETCH = 64 << 10;

interface Segment {
  start: number;
  data: Buffer;
}

/** Picks the member to read among the archive's file names, or null for none. */
export type MemberPicker = (names: readonly string[]) => string | null;

export interface ZipMember {
  readonly name: string;
  readonly data: Buffer;
}

/**
 * The class of `RangeReader`s, defined when first needed: its base class is yauzl's, which is
 * loaded on first use (`on-demand.ts`).
 */
function defineRangeReader(base: typeof Yauzl.RandomAccessReader) {
  /** The cached byte ranges of one remote file, fetched with Range requests on demand. */
  return class RangeReader extends base {
    private segments: Segment[] = [];

    constructor(
      private readonly fetchRange: (start: number, end: number) => Promise<Segment>,
      private readonly size: number,
    ) {
      super();
    }

    add(segment: Segment): void {
      this.segments.push(segment);
      this.segments.sort((a, b) => a.start - b.start);
      const merged: Segment[] = [];
      for (const next of this.segments) {
        const last = merged[merged.length - 1];
        if (last && next.start <= last.start + last.data.length) {
          const end = Math.max(last.start + last.data.length, next.start + next.data.length);
          const data = Buffer.alloc(end - last.start);
          last.data.copy(data, 0);
          next.data.copy(data, next.start - last.start);
          last.data = data;
        } else {
          merged.push({ start: next.start, data: next.data });
        }
      }
      this.segments = merged;
    }

    private covering(position: number): Segment | undefined {
      return this.segments.find((segment) => segment.start <= position && position < segment.start + segment.data.length);
    }

    /** Makes sure bytes [start, end) are cached, fetching only the part not yet at either edge. */
    async ensure(start: number, end: number): Promise<void> {
      if (end <= start) return;
      const head = this.covering(start);
      if (head && head.start + head.data.length >= end) return;
      let from = head ? head.start + head.data.length : start;
      const tail = this.covering(end - 1);
      const to = tail ? tail.start : end;
      if (to <= from) from = start;
      this.add(await this.fetchRange(from, to));
    }

    slice(start: number, end: number): Buffer {
      const segment = this.covering(start)!;
      return segment.data.subarray(start - segment.start, end - segment.start);
    }

    /** How far a read from `start` should fetch: to the next cached segment when near, else a block. */
    private readAhead(start: number, end: number): number {
      const next = this.segments.find((segment) => segment.start > start);
      if (next && next.start - start <= MAX_GAP_FILL) return Math.max(end, next.start);
      return Math.min(this.size, Math.max(end, start + MIN_FETCH));
    }

    override _readStreamForRange(start: number, end: number): Readable {
      const stream = new PassThrough();
      const cached = this.covering(start);
      const ready = cached && cached.start + cached.data.length >= end ? Promise.resolve() : this.ensure(start, this.readAhead(start, end));
      ready.then(
        () => stream.end(this.slice(start, end)),
        (error: unknown) => stream.destroy(error as Error),
      );
      return stream;
    }
  };
}

let RangeReader: ReturnType<typeof defineRangeReader> | null = null;

async function readStream(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Reads the picked member of an open archive; null when the picker chooses none. */
async function readMember(zip: Yauzl.ZipFile, pick: MemberPicker, beforeRead?: (entry: Yauzl.Entry) => Promise<void>): Promise<ZipMember | null> {
  const entries = new Map<string, Yauzl.Entry>();
  for await (const entry of zip.eachEntry()) entries.set(entry.fileName, entry);
  const name = pick([...entries.keys()]);
  if (name === null) return null;
  const entry = entries.get(name)!;
  await beforeRead?.(entry);
  return { name, data: await readStream(await zip.openReadStreamPromise(entry)) };
}

/** A member of an archive held in memory (a downloaded sdist or wheel). */
export async function readZipMemberFromBuffer(buffer: Buffer, pick: MemberPicker): Promise<ZipMember | null> {
  const zip = await yauzl().fromBufferPromise(buffer, { lazyEntries: true });
  try {
    return await readMember(zip, pick);
  } finally {
    zip.close();
  }
}

/** A member of a local archive, reading only the parts it needs. */
export async function readZipMemberFromPath(path: string, pick: MemberPicker): Promise<ZipMember | null> {
  const zip = await yauzl().openPromise(path, { lazyEntries: true, autoClose: false });
  try {
    return await readMember(zip, pick);
  } finally {
    zip.close();
  }
}

/** `bytes 100-199/5000` → `{start: 100, total: 5000}`. */
function parseContentRange(value: string | null): { start: number; total: number } | null {
  const match = value ? /^bytes\s+(\d+)-(\d+)\/(\d+)$/i.exec(value.trim()) : null;
  return match ? { start: Number(match[1]), total: Number(match[3]) } : null;
}

/**
 * A member of a remote archive, by range requests; `sha256` (the index's hash of the whole file,
 * or null) verifies the body of a server that ignores Range.
 */
export async function readZipMemberFromUrl(transport: HttpTransport, url: string, sha256: string | null, pick: MemberPicker): Promise<ZipMember | null> {
  let whole: Buffer | null = null;
  const accept = (body: Buffer): Buffer => {
    if (sha256 !== null) {
      const actual = sha256Hex(body);
      if (actual !== sha256) throw new HashMismatch(url, 'sha256', sha256, actual);
    }
    return body;
  };
  const request = async (range: string): Promise<{ segment: Segment; total: number }> => {
    const response = await transport.get(url, { Range: range, 'Accept-Encoding': 'identity' });
    if (response.status === 200) {
      whole = accept(response.body);
      return { segment: { start: 0, data: whole }, total: whole.length };
    }
    if (response.status !== 206) throw new IndexRequestError(url, `HTTP ${response.status} for a range request`, response.status);
    const contentRange = parseContentRange(response.headers.get('content-range'));
    if (!contentRange) throw new UnsupportedIndexResponse(url, 'a 206 answer without a usable Content-Range');
    return { segment: { start: contentRange.start, data: response.body }, total: contentRange.total };
  };

  const first = await request(`bytes=-${TAIL_BYTES}`);
  if (whole !== null) return readZipMemberFromBuffer(whole, pick);
  RangeReader ??= defineRangeReader(yauzl().RandomAccessReader);
  const reader = new RangeReader(async (start, end) => (await request(`bytes=${start}-${end - 1}`)).segment, first.total);
  reader.add(first.segment);
  const zip = await yauzl().fromRandomAccessReaderPromise(reader, first.total, { lazyEntries: true, autoClose: false });
  try {
    return await readMember(zip, pick, (entry) => {
      // One request for the local header and the data together, instead of yauzl's two reads.
      const start = entry.relativeOffsetOfLocalHeader;
      const end = Math.min(first.total, start + 30 + entry.fileNameLength + entry.extraFieldLength + LOCAL_HEADER_SLACK + entry.compressedSize);
      return reader.ensure(start, end);
    });
  } finally {
    zip.close();
  }
}
