// A source file's identity for idempotent ingestion: the SHA-256 of its bytes and its size,
// so a renamed or copied file is still recognised and an edited one is not.

import crypto from 'node:crypto';
import fs from 'node:fs';

export interface SourceIdentity {
  sha256: string;
  size: number;
}

export async function hashFile(file: string): Promise<SourceIdentity> {
  const hash = crypto.createHash('sha256');
  let size = 0;
  for await (const chunk of fs.createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).byteLength;
  }
  return { sha256: hash.digest('hex'), size };
}

export function hashBytes(bytes: Uint8Array): SourceIdentity {
  return { sha256: crypto.createHash('sha256').update(bytes).digest('hex'), size: bytes.byteLength };
}
