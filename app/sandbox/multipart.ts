/**
 * A small multipart/form-data reader for 9101 uploads (transport.md §5, variant 2: a text part
 * `jsonStr` with the envelope and a binary part `file` or `in`). Only what those uploads need:
 * named parts, optional filename, raw bytes.
 */

export interface Part {
  name: string;
  filename: string | null;
  contentType: string | null;
  data: Buffer;
}

export function boundaryOf(contentType: string): string | null {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2] ?? '').trim() || null : null;
}

/** Parses a whole multipart body; throws on a malformed one. */
export function parseMultipart(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new Error('multipart boundary not found');
  for (;;) {
    pos += delimiter.length;
    // "--" right after a delimiter closes the body
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break;
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) throw new Error('multipart part without header end');
    const headers = body.subarray(pos, headerEnd).toString('utf8');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) throw new Error('multipart part without closing boundary');
    const data = body.subarray(headerEnd + 4, next);
    let name = '';
    let filename: string | null = null;
    let contentType: string | null = null;
    for (const line of headers.split('\r\n')) {
      const [key = '', ...rest] = line.split(':');
      const value = rest.join(':').trim();
      if (key.trim().toLowerCase() === 'content-disposition') {
        name = /\bname="([^"]*)"/i.exec(value)?.[1] ?? '';
        filename = /\bfilename="([^"]*)"/i.exec(value)?.[1] ?? null;
      } else if (key.trim().toLowerCase() === 'content-type') {
        contentType = value;
      }
    }
    parts.push({ name, filename, contentType, data: Buffer.from(data) });
    pos = next + 2;
  }
  return parts;
}
