import crypto from 'node:crypto';

/** A multipart/form-data body for 9101 in regions that upload the file as a part (NHSA demo). */
export function buildMultipart(
  fields: { name: string; value: string }[],
  files: { name: string; filename: string; bytes: Uint8Array }[],
): { body: Buffer; contentType: string } {
  const boundary = `----pos${crypto.randomBytes(12).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const f of fields) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n`,
      ),
      Buffer.from(f.value, 'utf8'),
      Buffer.from('\r\n'),
    );
  }
  for (const f of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"; filename="${encodeURIComponent(f.filename)}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      Buffer.from(f.bytes),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
