// @presigned-uploads/uppy: Uppy 6's AwsS3 plugin through the presigned-uploads API.
//
// Uppy 6 (@uppy/aws-s3 >= 6.1) asks `signRequest` for one S3 request at a time and sends it to
// S3 itself. This module maps each of those requests to the API's `POST /signed-requests`, which
// signs it under the API's rules: a server-made key under the caller's prefix (returned as `key`,
// which Uppy then uses and reports in `upload-success`), the type allowlist, the size limits, each
// part's exact length, the caller's own uploads only, no overwrite at completion.
//
// Uppy's signing request carries no size, and the create request no type: the API needs both.
// Uppy hands the file to `generateObjectKey`, so the key it proposes is a token that carries the
// file's size, type and name; the API never sees it (it answers with its own key). An ES module
// with no dependency and no build step.

const MiB = 1024 * 1024;
// S3's multipart limits, which the API's plan follows.
const MIN_PART_SIZE = 5 * MiB;
const MAX_PART_SIZE = 5 * 1024 * MiB;
const MAX_PARTS = 10_000;
// The API's longest filename (it only lends its extension to the key).
const MAX_FILENAME_LENGTH = 1024;
const TOKEN_PREFIX = "presigned-uploads:file:";
// Headers a browser sets itself and refuses to have set by script: the signature still binds them.
const BROWSER_MANAGED_HEADERS = new Set(["content-length", "host"]);
// API answers worth asking again: throttled, or the gateway or function briefly unavailable.
const RETRIED_STATUSES = new Set([429, 502, 503, 504]);
const LONGEST_RETRY_AFTER_MS = 30_000;

export const DEFAULT_MULTIPART_THRESHOLD = 64 * MiB;
export const DEFAULT_PART_SIZE = 8 * MiB;

/** A request the API refused, or could not be asked; `message` is for people, `code` is stable. */
export class PresignedUploadsError extends Error {
  constructor(message, { status = null, code = null } = {}) {
    super(message);
    this.name = "PresignedUploadsError";
    this.status = status;
    this.code = code;
  }
}

/**
 * The part size for a file of `size` bytes: `partSize`, or the smallest whole MiB above it that
 * keeps the upload within S3's 10 000 parts. Uppy cuts the file with it (getChunkSize) and the API
 * plans the upload with it (part_size), so both agree on every part's length.
 */
export function partSizeFor(size, partSize = DEFAULT_PART_SIZE) {
  const needed = Math.ceil(size / MAX_PARTS);
  const chosen = Math.max(partSize, Math.ceil(needed / MiB) * MiB);
  return Math.min(chosen, MAX_PART_SIZE);
}

/**
 * Options for Uppy 6's AwsS3 plugin: `uppy.use(AwsS3, presignedUploads({ apiUrl, getToken }))`.
 */
export function presignedUploads(options) {
  const {
    apiUrl,
    getToken = null,
    headers = {},
    multipartThreshold = DEFAULT_MULTIPART_THRESHOLD,
    partSize = DEFAULT_PART_SIZE,
    retries = 3,
    fetch: fetchFunction = globalThis.fetch,
  } = options ?? {};
  if (typeof apiUrl !== "string" || !/^https?:\/\//.test(apiUrl)) {
    throw new TypeError("apiUrl must be the API's http(s) base URL, with its stage");
  }
  if (getToken !== null && typeof getToken !== "function") {
    throw new TypeError("getToken must be a function that returns the sign-in token (or a promise of it)");
  }
  if (!Number.isInteger(partSize) || partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
    throw new TypeError(`partSize must be a whole number of bytes from ${MIN_PART_SIZE} (5 MiB) to ${MAX_PART_SIZE} (5 GiB)`);
  }
  if (typeof multipartThreshold !== "number" || !(multipartThreshold >= 0)) {
    throw new TypeError("multipartThreshold must be a number of bytes");
  }
  if (!Number.isInteger(retries) || retries < 0) {
    throw new TypeError("retries must be a whole number");
  }
  if (typeof fetchFunction !== "function") {
    throw new TypeError("fetch must be a function (no global fetch here)");
  }
  const api = new SigningApi({
    endpoint: `${apiUrl.replace(/\/+$/, "")}/signed-requests`,
    getToken,
    headers,
    retries,
    fetchFunction,
  });

  return {
    shouldUseMultipart: (file) => (file.size ?? 0) > multipartThreshold,
    getChunkSize: ({ size }) => partSizeFor(size, partSize),
    generateObjectKey: (file) => fileToken(file),
    signRequest: (request) => signRequest(api, request, partSize),
  };
}

/** Map one of Uppy's S3 requests to the API's operation, and the API's answer to Uppy's. */
async function signRequest(api, request, partSize) {
  const { method, key, uploadId } = request;
  if (uploadId === undefined) {
    if (method !== "PUT" && method !== "POST") {
      throw new PresignedUploadsError(`Uppy asked to sign ${method} of an object; this API signs uploads only.`);
    }
    const file = fileOfToken(key);
    const fields = { content_type: request.contentType || file.type || "application/octet-stream", size: file.size };
    const filename = shortFilename(file.name);
    if (filename) fields.filename = filename;
    if (method === "PUT") {
      return toUppy(await api.sign({ operation: "put_object", ...fields }), true);
    }
    // CreateMultipartUpload, for the plan Uppy cuts the file with (any other would make every
    // part's signed length refuse it).
    const planned = partSizeFor(file.size, partSize);
    const answer = await api.sign({ operation: "create_multipart_upload", ...fields, part_size: planned });
    if (answer.part_size !== planned) {
      throw new PresignedUploadsError(`The API planned parts of ${answer.part_size} bytes, not the ${planned} asked for.`);
    }
    return toUppy(answer, true);
  }
  const upload = { key, upload_id: uploadId };
  if (method === "PUT") {
    return toUppy(await api.sign({ operation: "upload_part", ...upload, part_number: request.partNumber }), false);
  }
  const operation = { GET: "list_parts", POST: "complete_multipart_upload", DELETE: "abort_multipart_upload" }[method];
  if (!operation) throw new PresignedUploadsError(`Uppy asked to sign ${method} of an upload; nothing maps to it.`);
  return toUppy(await api.sign({ operation, ...upload }), false);
}

/** Uppy's `{url, key?, headers}`: the API's key where it made one, without the headers a browser sets. */
function toUppy(answer, withKey) {
  if (!answer || typeof answer.url !== "string") {
    throw new PresignedUploadsError("The API's answer has no URL to send the request to.");
  }
  const sent = {};
  for (const [name, value] of Object.entries(answer.headers ?? {})) {
    if (!BROWSER_MANAGED_HEADERS.has(name.toLowerCase())) sent[name] = value;
  }
  const result = { url: answer.url, headers: sent };
  if (withKey) {
    if (typeof answer.key !== "string" || !answer.key) {
      throw new PresignedUploadsError("The API's answer has no key: the object's key is the server's to choose.");
    }
    result.key = answer.key;
  }
  return result;
}

// The key Uppy proposes: a token of the file's size, type and name (the API makes the real key).
function fileToken(file) {
  const size = file.size ?? file.data?.size;
  if (!Number.isInteger(size)) {
    throw new PresignedUploadsError(`The size of ${file.name ?? "this file"} is not known: only local files can be uploaded.`);
  }
  return TOKEN_PREFIX + encodeURIComponent(JSON.stringify({ size, type: file.type || "", name: file.name || "" }));
}

function fileOfToken(key) {
  if (typeof key === "string" && key.startsWith(TOKEN_PREFIX)) {
    try {
      const file = JSON.parse(decodeURIComponent(key.slice(TOKEN_PREFIX.length)));
      if (Number.isInteger(file.size)) return file;
    } catch {
      // not one of ours: refused below
    }
  }
  throw new PresignedUploadsError(
    "Uppy proposed a key this adapter did not make: keep the generateObjectKey of presignedUploads() (the API chooses keys).",
  );
}

// Only the extension is ever used: a name past the API's limit keeps its end.
function shortFilename(name) {
  if (!name) return null;
  return name.length <= MAX_FILENAME_LENGTH ? name : name.slice(-64);
}

/** `POST /signed-requests`, with the sign-in token, retries of what is worth retrying, and readable errors. */
class SigningApi {
  constructor({ endpoint, getToken, headers, retries, fetchFunction }) {
    this.endpoint = endpoint;
    this.getToken = getToken;
    this.headers = headers;
    this.retries = retries;
    // Called as a plain function: a browser's fetch refuses to run with another `this`.
    this.fetch = (url, init) => fetchFunction(url, init);
  }

  async sign(body) {
    let token = await this.token({ forceRefresh: false });
    let refreshed = false;
    for (let attempt = 0; ; attempt += 1) {
      let response;
      try {
        response = await this.fetch(this.endpoint, {
          method: "POST",
          headers: this.requestHeaders(token),
          body: JSON.stringify(body),
        });
      } catch {
        // fetch says nothing useful (and never the URL here): no answer, or blocked by CORS.
        if (attempt < this.retries) {
          await sleep(backoff(attempt));
          continue;
        }
        throw new PresignedUploadsError(
          "Could not reach the upload API (network failure, or this page's origin is not allowed by CORS).",
        );
      }
      if (response.status === 401 && this.getToken && !refreshed) {
        // The token expired or was refused: ask the callback for a fresh one, once.
        refreshed = true;
        token = await this.token({ forceRefresh: true });
        continue;
      }
      if (RETRIED_STATUSES.has(response.status) && attempt < this.retries) {
        await sleep(retryAfter(response) ?? backoff(attempt));
        continue;
      }
      const answer = await response.json().catch(() => null);
      if (!response.ok) throw refusal(response.status, answer);
      return answer;
    }
  }

  async token(context) {
    if (!this.getToken) return null;
    return (await this.getToken(context)) || null;
  }

  requestHeaders(token) {
    const headers = { ...this.headers, "Content-Type": "application/json" };
    if (token) headers.Authorization = token;
    return headers;
  }
}

function refusal(status, answer) {
  const error = answer && typeof answer === "object" ? answer.error : null;
  const code = error && typeof error.code === "string" ? error.code : null;
  const said = error && typeof error.message === "string" ? error.message : null;
  const message = {
    401: "Your sign-in has ended or was refused: sign in again.",
    413: `This file is too large${said ? `: ${said}` : "."}`,
    415: `This type of file is not accepted${said ? `: ${said}` : "."}`,
  }[status] ?? `The upload API refused the request (HTTP ${status}${code ? `, ${code}` : ""})${said ? `: ${said}` : "."}`;
  return new PresignedUploadsError(message, { status, code });
}

function retryAfter(response) {
  const value = response.headers?.get?.("Retry-After");
  if (!value) return null;
  const seconds = Number(value);
  const wait = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  return Number.isFinite(wait) ? Math.min(Math.max(wait, 0), LONGEST_RETRY_AFTER_MS) : null;
}

// Exponential backoff with full jitter: 0-250 ms, 0-500 ms, 0-1 s, ...
function backoff(attempt) {
  return Math.random() * 250 * 2 ** attempt;
}

function sleep(milliseconds) {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
