// The adapter against a stand-in for the API (node --test; npm run test:uppy). The browser tests
// (tests/browser/test_uppy.py) run it with the real Uppy against the local stack.

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { PresignedUploadsError, partSizeFor, presignedUploads } from "../index.js";

const MiB = 1024 * 1024;
const API = "https://api.example/v1";
const SERVER_KEY = "uploads/user/0b6f3e8e-0a52-4b7c-9f53-8c1f7cbb1a52.png";

/** A fetch that records each call and answers from `answer(body, call)`. */
function fakeApi(answer) {
  const calls = [];
  const fetch = async (url, init) => {
    const call = { url, headers: init.headers, body: JSON.parse(init.body) };
    calls.push(call);
    const result = answer(call.body, calls.length);
    if (result instanceof Error) throw result;
    const { status = 201, body = {}, headers = {} } = result;
    return {
      status,
      ok: status >= 200 && status < 300,
      headers: new Headers(headers),
      json: async () => body,
    };
  };
  return { fetch, calls };
}

const signed = (extra = {}) => ({
  status: 201,
  body: { method: "PUT", url: "https://bucket.s3/k?X-Amz-Signature=s", headers: {}, expires_at: "2026-12-04T18:00:00Z", ...extra },
});

function file(size, type = "image/png", name = "cat.png") {
  return { id: "uppy-cat.png-image/png-1-2", name, type, size, data: { size } };
}

describe("presignedUploads", () => {
  it("signs a single PUT with the file's size, type and name, and returns the server's key", async () => {
    const api = fakeApi(() =>
      signed({ key: SERVER_KEY, headers: { "Content-Type": "image/png", "Content-Length": "5", "If-None-Match": "*" } }),
    );
    const options = presignedUploads({ apiUrl: `${API}/`, getToken: () => "id-token", fetch: api.fetch });
    const key = options.generateObjectKey(file(5));
    const answer = await options.signRequest({ method: "PUT", key, contentType: "image/png" });

    assert.deepEqual(api.calls[0].body, { operation: "put_object", content_type: "image/png", size: 5, filename: "cat.png" });
    assert.equal(api.calls[0].url, `${API}/signed-requests`);
    assert.equal(api.calls[0].headers.Authorization, "id-token");
    assert.equal(answer.key, SERVER_KEY);
    // The browser sets Content-Length itself (the signature still binds it).
    assert.deepEqual(answer.headers, { "Content-Type": "image/png", "If-None-Match": "*" });
  });

  it("creates a multipart upload with the part size Uppy cuts the file with", async () => {
    const size = 30 * MiB + 7;
    const api = fakeApi(() => signed({ method: "POST", key: `${SERVER_KEY}-x`, part_size: 5 * MiB, part_count: 7 }));
    const options = presignedUploads({ apiUrl: API, partSize: 5 * MiB, multipartThreshold: 8 * MiB, fetch: api.fetch });
    const big = file(size, "video/mp4", "clip.mp4");

    assert.equal(options.shouldUseMultipart(big), true);
    assert.equal(options.shouldUseMultipart(file(8 * MiB)), false);
    assert.equal(options.getChunkSize({ size }), 5 * MiB);
    const answer = await options.signRequest({ method: "POST", key: options.generateObjectKey(big) });

    assert.deepEqual(api.calls[0].body, {
      operation: "create_multipart_upload",
      content_type: "video/mp4",
      size,
      filename: "clip.mp4",
      part_size: 5 * MiB,
    });
    assert.equal(answer.key, `${SERVER_KEY}-x`);
    // No token callback, no Authorization header (authorization = "none").
    assert.equal(api.calls[0].headers.Authorization, undefined);
  });

  it("refuses a plan other than the one asked for", async () => {
    const api = fakeApi(() => signed({ method: "POST", key: SERVER_KEY, part_size: 8 * MiB, part_count: 2 }));
    const options = presignedUploads({ apiUrl: API, partSize: 5 * MiB, fetch: api.fetch });
    await assert.rejects(
      options.signRequest({ method: "POST", key: options.generateObjectKey(file(10 * MiB)) }),
      /planned parts of 8388608 bytes, not the 5242880/,
    );
  });

  it("maps each request of an upload to its operation, with the key and upload id Uppy gives", async () => {
    const api = fakeApi(() => signed());
    const options = presignedUploads({ apiUrl: API, fetch: api.fetch });
    const upload = { key: SERVER_KEY, uploadId: "upload-1" };
    const part = await options.signRequest({ method: "PUT", ...upload, partNumber: 3 });
    await options.signRequest({ method: "GET", ...upload });
    await options.signRequest({ method: "POST", ...upload });
    await options.signRequest({ method: "DELETE", ...upload });

    const ids = { key: SERVER_KEY, upload_id: "upload-1" };
    assert.deepEqual(
      api.calls.map((call) => call.body),
      [
        { operation: "upload_part", ...ids, part_number: 3 },
        { operation: "list_parts", ...ids },
        { operation: "complete_multipart_upload", ...ids },
        { operation: "abort_multipart_upload", ...ids },
      ],
    );
    // Requests with an upload id are signed for the key they carry: no key to override.
    assert.equal(part.key, undefined);
  });

  it("turns the API's refusals into readable errors with the contract's code", async () => {
    const refusals = {
      415: { code: "unsupported_content_type", message: "content_type 'application/x-msdownload' is not allowed; allowed: image/*" },
      413: { code: "too_large", message: "size 2 is over the maximum of 1 bytes" },
      400: { code: "bad_request", message: "size must be at least 1 byte" },
    };
    for (const [status, error] of Object.entries(refusals)) {
      const api = fakeApi(() => ({ status: Number(status), body: { error } }));
      const options = presignedUploads({ apiUrl: API, fetch: api.fetch });
      const key = options.generateObjectKey(file(1, "application/x-msdownload", "tool.exe"));
      await assert.rejects(options.signRequest({ method: "PUT", key }), (thrown) => {
        assert.ok(thrown instanceof PresignedUploadsError);
        assert.equal(thrown.status, Number(status));
        assert.equal(thrown.code, error.code);
        assert.ok(thrown.message.endsWith(error.message), thrown.message);
        return true;
      });
    }
  });

  it("asks for a fresh token once after a 401, then repeats the call", async () => {
    const tokens = [];
    const api = fakeApi((body, count) => (count === 1 ? { status: 401, body: { message: "Unauthorized" } } : signed({ key: SERVER_KEY })));
    const options = presignedUploads({
      apiUrl: API,
      getToken: ({ forceRefresh }) => {
        tokens.push(forceRefresh);
        return forceRefresh ? "fresh" : "stale";
      },
      fetch: api.fetch,
    });
    await options.signRequest({ method: "PUT", key: options.generateObjectKey(file(5)) });
    assert.deepEqual(tokens, [false, true]);
    assert.deepEqual(
      api.calls.map((call) => call.headers.Authorization),
      ["stale", "fresh"],
    );
  });

  it("says to sign in again when the fresh token is refused too", async () => {
    const api = fakeApi(() => ({ status: 401, body: { message: "Unauthorized" } }));
    const options = presignedUploads({ apiUrl: API, getToken: () => "expired-token", fetch: api.fetch });
    await assert.rejects(options.signRequest({ method: "PUT", key: options.generateObjectKey(file(5)) }), (thrown) => {
      assert.match(thrown.message, /sign in again/);
      assert.doesNotMatch(thrown.message, /expired-token/);
      return true;
    });
    assert.equal(api.calls.length, 2);
  });

  it("retries no answer and 503, honouring Retry-After, then gives a readable error", async () => {
    let count = 0;
    const api = fakeApi(() => {
      count += 1;
      return count === 1 ? new TypeError("Failed to fetch") : { status: 503, headers: { "Retry-After": "0" }, body: {} };
    });
    const options = presignedUploads({ apiUrl: API, retries: 2, fetch: api.fetch });
    await assert.rejects(
      options.signRequest({ method: "PUT", key: options.generateObjectKey(file(5)) }),
      /refused the request \(HTTP 503\)/,
    );
    assert.equal(api.calls.length, 3);

    const unreachable = fakeApi(() => new TypeError("Failed to fetch"));
    const offline = presignedUploads({ apiUrl: API, retries: 0, fetch: unreachable.fetch });
    await assert.rejects(
      offline.signRequest({ method: "PUT", key: offline.generateObjectKey(file(5)) }),
      /Could not reach the upload API/,
    );
  });

  it("refuses a key it did not propose, and an answer without a key", async () => {
    const api = fakeApi(() => signed());
    const options = presignedUploads({ apiUrl: API, fetch: api.fetch });
    await assert.rejects(options.signRequest({ method: "PUT", key: "photos/cat.png" }), /did not make/);
    await assert.rejects(options.signRequest({ method: "PUT", key: options.generateObjectKey(file(5)) }), /has no key/);
    await assert.rejects(options.signRequest({ method: "DELETE", key: SERVER_KEY }), /signs uploads only/);
  });

  it("sends the end of a name longer than the API takes, and none for a nameless file", async () => {
    const api = fakeApi(() => signed({ key: SERVER_KEY }));
    const options = presignedUploads({ apiUrl: API, fetch: api.fetch });
    const long = `${"n".repeat(2000)}.tar.gz`;
    await options.signRequest({ method: "PUT", key: options.generateObjectKey(file(5, "", long)) });
    await options.signRequest({ method: "PUT", key: options.generateObjectKey(file(5, "", "")) });
    assert.equal(api.calls[0].body.filename, long.slice(-64));
    assert.equal(api.calls[0].body.content_type, "application/octet-stream");
    assert.equal("filename" in api.calls[1].body, false);
  });

  it("checks its options", () => {
    assert.throws(() => presignedUploads({}), /apiUrl/);
    assert.throws(() => presignedUploads({ apiUrl: API, partSize: MiB }), /partSize/);
    assert.throws(() => presignedUploads({ apiUrl: API, getToken: "token" }), /getToken/);
  });
});

describe("partSizeFor", () => {
  it("keeps the part size while 10 000 parts hold the file, else the smallest whole MiB that fits", () => {
    assert.equal(partSizeFor(1), 8 * MiB);
    assert.equal(partSizeFor(10_000 * 8 * MiB), 8 * MiB);
    assert.equal(partSizeFor(10_000 * 8 * MiB + 1), 9 * MiB);
    assert.equal(partSizeFor(1024 * 1024 * MiB, 5 * MiB), 105 * MiB);
  });
});
