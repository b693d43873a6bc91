// CRC64NVME of byte ranges of a file, off the page's main thread (a module worker).
// The CRC itself is the AWS SDK for JavaScript's own, vendored unchanged (vendor/README.md).
// The file is read a chunk at a time (File.slice), so a worker holds one chunk, whatever the size.
//
// Message in:  {ranges: [[start, end], ...], chunkSize?}, with `file` a File or Blob.
// Messages out: {progress: bytesHashedSoFar} now and then, then {crcs: [base64, ...]} (one per
// range, in order) or {error: "..."}.
import { Crc64NvmeJs } from "./vendor/aws-sdk-checksums/Crc64NvmeJs.js";

const DEFAULT_CHUNK = 2 * 1024 * 1024;
const PROGRESS_EVERY_MS = 100;

function base64(bytes) {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

async function crcOfRanges(file, ranges, chunkSize, onProgress) {
  const crcs = [];
  let hashed = 0;
  let reported = 0;
  for (const [start, end] of ranges) {
    const crc = new Crc64NvmeJs();
    for (let position = start; position < end; position += chunkSize) {
      const chunk = new Uint8Array(await file.slice(position, Math.min(end, position + chunkSize)).arrayBuffer());
      crc.update(chunk);
      hashed += chunk.length;
      if (performance.now() - reported >= PROGRESS_EVERY_MS) {
        reported = performance.now();
        onProgress(hashed);
      }
    }
    crcs.push(base64(await crc.digest()));
  }
  onProgress(hashed);
  return crcs;
}

self.addEventListener("message", async ({ data }) => {
  try {
    const crcs = await crcOfRanges(data.file, data.ranges, data.chunkSize || DEFAULT_CHUNK, (progress) =>
      self.postMessage({ progress }),
    );
    self.postMessage({ crcs });
  } catch (error) {
    self.postMessage({ error: `${error.name || "Error"}: ${error.message || error}` });
  }
});
