// The browser uploader. Small files: SHA-256 in the browser, POST /uploads, one PUT straight to
// S3, which refuses other bytes; the page then compares the SHA-256 S3 answers with its own.
// Large files: the whole file's CRC64NVME and each part's, computed in Web Workers
// (crc64nvme-worker.js, the AWS SDK's own CRC, vendored), then POST /uploads/multipart with the
// whole file's value, parts PUT in parallel with retries (each URL binds its part's CRC64NVME),
// then complete (repeated on a timeout or 5xx), where S3 checks the assembled object against the
// whole file's value; the page compares the CRC64NVME S3 stored with its own. The upload id is
// kept in localStorage so choosing the same file again resumes it (the CRCs computed again from
// the file; a held part whose CRC differs is sent again), and never sends stored bytes again
// without asking.
// The plain HTML form (#post-form) is the other way: POST /uploads/form answers a presigned POST
// policy, script fills the form's hidden fields, and the browser's own form submission sends the
// bytes to S3, which redirects back here with the key.
// An ES module of plain JavaScript, no build step. config.json next to this page names the API.

import { signIn } from "./cognito-sign-in.js";

const elements = {
  signInForm: document.getElementById("sign-in-form"),
  email: document.getElementById("email"),
  password: document.getElementById("password"),
  signInStatus: document.getElementById("sign-in-status"),
  form: document.getElementById("upload-form"),
  input: document.getElementById("file-input"),
  dropZone: document.getElementById("drop-zone"),
  button: document.getElementById("upload-button"),
  cancel: document.getElementById("cancel-button"),
  progress: document.getElementById("progress"),
  progressText: document.getElementById("progress-text"),
  status: document.getElementById("status"),
  error: document.getElementById("error"),
  result: document.getElementById("result"),
  resultKey: document.getElementById("result-key"),
  resultChecksumLine: document.getElementById("result-checksum-line"),
  resultAlgorithm: document.getElementById("result-algorithm"),
  resultChecksum: document.getElementById("result-checksum"),
  postForm: document.getElementById("post-form"),
  postFormFields: document.getElementById("post-form-fields"),
  postFormFile: document.getElementById("post-form-file"),
  postFormSubmit: document.getElementById("post-form-submit"),
  formStatus: document.getElementById("form-status"),
  formResult: document.getElementById("form-result"),
  formResultKey: document.getElementById("form-result-key"),
};
// The mark S3's redirect brings back (S3 appends bucket, key and etag to it).
const FORM_DONE_PARAM = "uploaded";

const DEFAULTS = {
  multipart_threshold: 8 * 1024 * 1024, // from this size on, parts
  part_size: 5 * 1024 * 1024,
  concurrency: 3, // parts in flight at once
  retries: 3, // per part, with exponential backoff
  backoff_ms: 250,
};
// Part URLs are signed a few at a time, just before use: a whole page signed up front would
// expire (300 s by default) before its last parts are sent on a slow link.
const SIGN_BATCH_PER_WORKER = 2;
const STATE_PREFIX = "presigned-uploads:multipart:";
// The CRC64NVME worker, a module beside this page (no build step).
const CRC_WORKER_URL = "crc64nvme-worker.js";
// Headers the browser sets itself and refuses to have set by script.
const BROWSER_MANAGED_HEADERS = new Set(["content-length", "host"]);

let chosenFile = null;
let currentRun = null;
// The signed-in user's Cognito ID token, kept in memory only: a reload signs in again.
let idToken = null;

// One press of Upload: its in-flight requests, and whether it was cancelled or has failed, so a
// failure or a cancel stops every part of this run and nothing of an earlier run leaks into it.
class UploadRun {
  constructor(file) {
    this.file = file;
    this.stopped = false;
    this.cancelled = false;
    this.upload = null; // {key, upload_id, part_size, crc64nvme} once the multipart upload exists
    this.requests = new Set();
    this.workers = new Map(); // CRC64NVME workers still hashing, and how to end each one's wait
  }

  stop() {
    this.stopped = true;
    for (const request of this.requests) request.abort();
    for (const [worker, cancel] of this.workers) { worker.terminate(); cancel(); }
    this.workers.clear();
  }
}

class UploadError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}
class Cancelled extends Error {}
// S3 holds the object, but its checksum is not this file's.
class ChecksumMismatch extends UploadError {
  constructor(key, algorithm, stored, own) {
    super(`S3 stored the upload as ${key}, but the ${algorithm} S3 holds for it (${stored}) is not this file's `
      + `(${own}): the stored object is not this file. Upload the file again.`);
    this.key = key;
  }
}

async function loadConfig() {
  const response = await fetch("config.json", { cache: "no-store" });
  if (!response.ok) throw new UploadError("This page has no config.json naming the API URL.");
  return { ...DEFAULTS, ...(await response.json()) };
}

function formatBytes(bytes) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

function showProgress(sent, total) {
  const percent = total === 0 ? 100 : Math.min(100, Math.floor((sent / total) * 100));
  elements.progress.value = percent;
  const text = `${percent} % (${formatBytes(sent)} of ${formatBytes(total)})`;
  elements.progress.setAttribute("aria-valuetext", text);
  elements.progressText.textContent = text;
}

function setStatus(text) { elements.status.textContent = text; }

function setError(text) { elements.error.textContent = text; }

function choose(file) {
  chosenFile = file || null;
  elements.button.disabled = chosenFile === null;
  elements.result.hidden = true;
  setError("");
  showProgress(0, chosenFile ? chosenFile.size : 0);
  setStatus(chosenFile ? `Ready: ${chosenFile.name} (${formatBytes(chosenFile.size)})` : "");
}

// Hashing progress, in the progress bar until the upload starts.
function showHashing(hashed, total) {
  const percent = total === 0 ? 100 : Math.min(100, Math.floor((hashed / total) * 100));
  elements.progress.value = percent;
  const text = `Computing the CRC64NVME: ${percent} %`;
  elements.progress.setAttribute("aria-valuetext", text);
  elements.progressText.textContent = text;
}

// The base64 CRC64NVME of each [start, end) range of the file, computed in a worker that reads
// it chunk by chunk. Resolves with one value per range; the run's stop ends the worker.
function crcInWorker(run, file, ranges, onProgress) {
  return new Promise((resolve, reject) => {
    if (run.stopped) { reject(new Cancelled("stopped")); return; }
    let worker;
    try {
      worker = new Worker(CRC_WORKER_URL, { type: "module" });
    } catch (error) {
      reject(new UploadError(`This browser cannot compute the file's CRC64NVME in the background: ${error.message}`));
      return;
    }
    run.workers.set(worker, () => reject(new Cancelled("stopped")));
    const finish = (outcome) => {
      run.workers.delete(worker);
      worker.terminate();
      outcome();
    };
    worker.addEventListener("message", ({ data }) => {
      if (data.progress !== undefined) onProgress(data.progress);
      else if (data.crcs) finish(() => resolve(data.crcs));
      else finish(() => reject(new UploadError(`Could not compute the file's CRC64NVME: ${data.error}`)));
    });
    worker.addEventListener("error", (event) => finish(() => reject(new UploadError(
      `Could not compute the file's CRC64NVME: ${event.message || "the worker did not start"}.`,
    ))));
    worker.postMessage({ file, ranges });
  });
}

function partRanges(size, partSize) {
  const ranges = [];
  for (let start = 0; start < size || ranges.length === 0; start += partSize) {
    ranges.push([start, Math.min(size, start + partSize)]);
  }
  return ranges;
}

// The whole file's CRC64NVME and each part's: two workers at once, one reading the whole file
// and one part by part, so a machine with two cores or more takes about one pass's time.
async function crc64nvmeOf(run, file, partSize) {
  const hashed = [0, 0];
  const report = (which) => (bytes) => {
    hashed[which] = bytes;
    showHashing(hashed[0] + hashed[1], 2 * file.size);
  };
  showHashing(0, 2 * file.size);
  const [[whole], parts] = await Promise.all([
    crcInWorker(run, file, [[0, file.size]], report(0)),
    crcInWorker(run, file, partRanges(file.size, partSize), report(1)),
  ]);
  return { whole, parts };
}

async function sha256Base64(file) {
  const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  let binary = "";
  for (const byte of new Uint8Array(digest)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

// Turn the API's error envelope into a sentence a person can act on.
function describeApiError(status, body) {
  const message = body && body.error ? body.error.message : `HTTP ${status}`;
  if (status === 415) return `This type of file is not accepted: ${message}`;
  if (status === 413) return `This file is too large: ${message}`;
  if (status === 401 || status === 403) return `Not allowed: ${message}`;
  return `The upload was refused: ${message}`;
}

async function callApi(config, method, path, body) {
  let response;
  const headers = body === undefined ? {} : { "Content-Type": "application/json" };
  if (idToken) headers.Authorization = idToken;
  try {
    response = await fetch(`${config.api_url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (cause) {
    throw new UploadError("Could not reach the upload API (network failure, or this page's origin is not allowed by CORS).");
  }
  if (response.status === 204) return null;
  const answer = await response.json().catch(() => null);
  if (response.status === 401 && idToken) {
    // The token expired or was refused (API Gateway's authorizer answers 401, with CORS headers
    // from the API's gateway responses): ask the person to sign in again instead of failing.
    idToken = null;
    requireSignIn(true);
    elements.signInStatus.textContent = "Your session has ended: sign in again to continue.";
    throw new UploadError("Your session has ended: sign in again, then choose the file again.", 401);
  }
  if (!response.ok) throw new UploadError(describeApiError(response.status, answer), response.status);
  return answer;
}

// One PUT with upload progress (XMLHttpRequest: fetch reports none). Resolves with the ETag and
// the checksum S3 answers (when the bucket's CORS lets the page read it).
function put(run, url, headers, body, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    run.requests.add(request);
    request.open("PUT", url);
    for (const [name, value] of Object.entries(headers)) {
      if (!BROWSER_MANAGED_HEADERS.has(name.toLowerCase())) request.setRequestHeader(name, value);
    }
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded);
    });
    const done = (outcome) => { run.requests.delete(request); outcome(); };
    request.addEventListener("load", () => done(() => {
      if (request.status >= 200 && request.status < 300) {
        onProgress(body.size);
        resolve({
          etag: request.getResponseHeader("ETag"),
          sha256: request.getResponseHeader("x-amz-checksum-sha256"),
        });
      } else if (request.status === 412) {
        reject(new UploadError("An object already exists at this key; nothing was overwritten.", 412));
      } else {
        reject(new UploadError(`The bucket refused the upload (HTTP ${request.status}).`, request.status));
      }
    }));
    request.addEventListener("error", () => done(() => reject(new UploadError(
      "The upload to the bucket failed (network failure, or the bucket's CORS does not allow this page).",
    ))));
    request.addEventListener("abort", () => done(() => reject(new Cancelled("cancelled"))));
    request.send(body);
  });
}

async function singleUpload(config, run) {
  const file = run.file;
  setStatus("Computing the SHA-256…");
  const sha256 = await sha256Base64(file);
  setStatus("Asking the API for an upload URL…");
  const signed = await callApi(config, "POST", "/uploads", {
    content_type: file.type || "application/octet-stream",
    size: file.size,
    sha256,
    filename: file.name,
  });
  setStatus("Uploading…");
  // The URL binds the SHA-256, so S3 refuses other bytes; S3 answers the SHA-256 it stored, and
  // the page compares it with its own all the same. (S3 stores the checksum a PUT gives, so it
  // stores no CRC64NVME here.) Without an answer to read (a bucket whose CORS does not expose
  // it, or the lost answer below) the bound value is what S3 checked.
  let answered = null;
  // S3 asks clients to retry a 5xx or a dropped connection. The key is this upload's alone and
  // the signature binds the file's SHA-256, so a 412 after such a failure means the first try
  // was stored (its answer was lost): that is success, and nothing is sent twice.
  for (let attempt = 0; ; attempt += 1) {
    if (run.stopped) throw new Cancelled("stopped");
    try {
      answered = (await put(run, signed.url, signed.headers, file, (loaded) => showProgress(loaded, file.size))).sha256;
      break;
    } catch (error) {
      if (error instanceof Cancelled) throw error;
      if (error.status === 412 && attempt > 0) break;
      const retryable = error.status === undefined || error.status >= 500;
      if (!retryable || attempt >= config.retries) throw error;
      showProgress(0, file.size);
      await sleep(config.backoff_ms * 2 ** attempt);
    }
  }
  if (answered && answered !== sha256) throw new ChecksumMismatch(signed.key, "SHA-256", answered, sha256);
  return { key: signed.key, algorithm: "SHA-256", checksum: sha256 };
}

function stateKey(file) { return `${STATE_PREFIX}${file.name}:${file.size}:${file.lastModified}`; }

function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }

function savedUpload(file) { return JSON.parse(localStorage.getItem(stateKey(file)) || "null"); }

// An upload started earlier for this very file (`saved`), and the parts S3 already holds; or
// the object it already became; or nothing (a fresh upload starts). `crc` is the file's.
async function findResumable(config, file, saved, crc) {
  if (!saved) return null;
  try {
    const listed = await callApi(
      config, "GET",
      `/uploads/multipart/${encodeURIComponent(saved.upload_id)}/parts?key=${encodeURIComponent(saved.key)}`,
    );
    return { upload: saved, held: listed.parts };
  } catch (error) {
    if (error.status !== 404) throw error;
  }
  // S3 no longer knows the upload. If this page asked to complete it, S3 may have finished
  // (the answer was lost): the completion, repeated, answers from the stored object.
  if (saved.completion) {
    try {
      const completed = await completeUpload(config, saved, saved.completion, file.size, crc.whole);
      localStorage.removeItem(stateKey(file));
      return { completed };
    } catch (error) {
      if (error.status !== 404) throw error;
    }
  }
  // Nothing was stored: sending the whole file again is the user's call, never silent.
  if (!window.confirm(`The upload ${saved.upload_id} is gone and no object was stored; send all ${file.size} bytes again?`)) {
    throw new UploadError(`The upload ${saved.upload_id} is gone and no object was stored; nothing was sent.`);
  }
  localStorage.removeItem(stateKey(file));
  return null;
}

// Complete, repeating the call while its outcome is unknown (no answer, or a 5xx such as API
// Gateway's 504): a repeat after S3 assembled the object answers 200 from the object. An upload
// created with a whole-file CRC64NVME gives the file's again (`crc64nvme`), and S3 refuses the
// assembled object unless it matches.
async function completeUpload(config, upload, parts, size, crc64nvme) {
  const body = { key: upload.key, parts, size };
  if (upload.crc64nvme) body.crc64nvme = crc64nvme;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await callApi(config, "POST", uploadPath(upload, "/complete"), body);
    } catch (error) {
      const unknown = error.status === undefined || error.status >= 500;
      if (!unknown || attempt >= config.retries) throw error;
      await sleep(config.backoff_ms * 2 ** attempt);
    }
  }
}

function uploadPath(upload, suffix = "") {
  return `/uploads/multipart/${encodeURIComponent(upload.upload_id)}${suffix}`;
}

// What S3 stored for a completed upload, checked against this file's CRC64NVME.
function storedChecksum(completed, crc) {
  if (completed.crc64nvme && completed.crc64nvme !== crc.whole) {
    throw new ChecksumMismatch(completed.key, "CRC64NVME", completed.crc64nvme, crc.whole);
  }
  return { key: completed.key, algorithm: "CRC64NVME", checksum: completed.crc64nvme };
}

async function multipartUpload(config, run) {
  const file = run.file;
  const partLength = (number, partSize) => Math.min(partSize, file.size - (number - 1) * partSize);
  const etags = new Map();
  // The CRCs come from the file every time, a resume included: the part size is the saved
  // upload's, else the one this upload will ask for.
  const saved = savedUpload(file);
  const hashedPartSize = saved ? saved.part_size : config.part_size;
  setStatus("Computing the file's CRC64NVME in the background…");
  let crc = await crc64nvmeOf(run, file, hashedPartSize);
  const resumable = await findResumable(config, file, saved, crc);
  if (resumable && resumable.completed) {
    setStatus("This file's upload had already been completed.");
    return storedChecksum(resumable.completed, crc);
  }
  let changed = 0; // held parts whose bytes are no longer the file's: sent again
  if (resumable) {
    run.upload = resumable.upload;
    for (const part of resumable.held) {
      const crcDiffers = run.upload.crc64nvme && part.crc64nvme && part.crc64nvme !== crc.parts[part.part_number - 1];
      if (part.size !== partLength(part.part_number, run.upload.part_size)) continue;
      if (crcDiffers) changed += 1;
      else etags.set(part.part_number, part.etag);
    }
  } else {
    setStatus("Starting a multipart upload…");
    const created = await callApi(config, "POST", "/uploads/multipart", {
      content_type: file.type || "application/octet-stream",
      size: file.size,
      filename: file.name,
      part_size: config.part_size,
      crc64nvme: crc.whole,
    });
    run.upload = {
      key: created.key, upload_id: created.upload_id, part_size: created.part_size, crc64nvme: created.crc64nvme,
    };
    localStorage.setItem(stateKey(file), JSON.stringify(run.upload));
    // The parts' CRCs were computed for another part size (a gone upload's, or not the one the
    // API chose): compute them again for this upload's.
    if (created.part_size !== hashedPartSize) crc = await crc64nvmeOf(run, file, created.part_size);
  }
  if (run.cancelled) {
    // Cancel was pressed while the upload was being created: delete it now that it exists.
    await cancelRun(run);
    throw new Cancelled("cancelled");
  }
  const upload = run.upload;
  const partCount = Math.max(1, Math.ceil(file.size / upload.part_size));
  const loaded = new Map();
  for (const number of etags.keys()) loaded.set(number, partLength(number, upload.part_size));
  const report = () => showProgress([...loaded.values()].reduce((sum, bytes) => sum + bytes, 0), file.size);
  report();
  const resent = changed ? ` (${changed} held part${changed === 1 ? "" : "s"} no longer match this file and go again)` : "";
  setStatus(resumable
    ? `Resuming: ${etags.size} of ${partCount} parts were already stored; sending the rest${resent}…`
    : `Uploading ${partCount} parts, ${config.concurrency} at a time…`);

  // Each URL binds its part's CRC64NVME (an upload created without one binds none).
  const sign = async (numbers) => {
    const body = { key: upload.key, part_numbers: numbers };
    if (upload.crc64nvme) body.crc64nvmes = numbers.map((number) => crc.parts[number - 1]);
    return (await callApi(config, "POST", uploadPath(upload, "/parts"), body)).parts;
  };

  async function sendPart(part) {
    const start = (part.part_number - 1) * upload.part_size;
    const blob = file.slice(start, start + partLength(part.part_number, upload.part_size));
    let signed = part;
    let resigned = false;
    for (let attempt = 0; ; attempt += 1) {
      if (run.stopped) throw new Cancelled("stopped");
      try {
        const { etag } = await put(run, signed.url, signed.headers, blob, (bytes) => {
          loaded.set(part.part_number, bytes);
          report();
        });
        etags.set(part.part_number, etag);
        return;
      } catch (error) {
        loaded.set(part.part_number, 0);
        report();
        if (error instanceof Cancelled) throw error;
        if (error.status === 403 && !resigned) {
          // Most likely the URL expired while it waited: sign it again, once.
          [signed] = await sign([part.part_number]);
          resigned = true;
          continue;
        }
        if (attempt >= config.retries || error.status === 403 || error.status === 412) throw error;
        await sleep(config.backoff_ms * 2 ** attempt);
      }
    }
  }

  const remaining = [];
  for (let number = 1; number <= partCount; number += 1) if (!etags.has(number)) remaining.push(number);
  const queue = [...remaining];
  const batchSize = Math.max(1, config.concurrency * SIGN_BATCH_PER_WORKER);
  const signedParts = [];
  async function worker() {
    while (!run.stopped && (signedParts.length > 0 || queue.length > 0)) {
      if (signedParts.length === 0) signedParts.push(...(await sign(queue.splice(0, batchSize))));
      const part = signedParts.shift();
      if (part) await sendPart(part);
    }
  }
  try {
    await Promise.all(Array.from({ length: Math.min(config.concurrency, remaining.length) }, worker));
  } catch (error) {
    run.stop(); // the first failure stops every other part of this run
    throw error;
  }
  setStatus("Completing the upload…");
  const parts = [...etags.entries()].sort((a, b) => a[0] - b[0]).map(([number, etag]) => ({ part_number: number, etag }));
  // Recorded before it is sent: if its answer is lost, choosing the file again repeats it.
  localStorage.setItem(stateKey(file), JSON.stringify({ ...upload, completion: parts }));
  const completed = await completeUpload(config, upload, parts, file.size, crc.whole);
  localStorage.removeItem(stateKey(file));
  return storedChecksum(completed, crc);
}

// Stop the run and delete what it sent. The saved state is only dropped once S3 confirms.
async function cancelRun(run) {
  run.cancelled = true;
  run.stop();
  if (!run.upload) {
    setStatus("Upload cancelled.");
    return;
  }
  const config = await loadConfig();
  try {
    await callApi(config, "DELETE", `${uploadPath(run.upload)}?key=${encodeURIComponent(run.upload.key)}`);
    localStorage.removeItem(stateKey(run.file));
    setStatus("Upload cancelled; the parts sent were deleted.");
  } catch (error) {
    setStatus("Upload cancelled, but its parts could not be deleted now; choose the file again to resume or cancel.");
  }
}

async function upload(file) {
  elements.button.disabled = true;
  elements.result.hidden = true;
  setError("");
  const run = new UploadRun(file);
  currentRun = run;
  let config;
  try {
    config = await loadConfig();
    const multipart = file.size >= config.multipart_threshold;
    elements.cancel.hidden = !multipart;
    const stored = multipart ? await multipartUpload(config, run) : await singleUpload(config, run);
    showProgress(file.size, file.size);
    setStatus("Upload complete.");
    elements.resultKey.textContent = stored.key;
    // An upload created before the page bound a CRC64NVME completes without one to show.
    elements.resultChecksumLine.hidden = !stored.checksum;
    elements.resultAlgorithm.textContent = stored.algorithm;
    elements.resultChecksum.textContent = stored.checksum || "";
    elements.result.hidden = false;
  } catch (error) {
    if (run.cancelled) {
      showProgress(0, file.size); // cancelRun() says how the cancel went
    } else {
      setStatus(error instanceof ChecksumMismatch ? "Upload failed: the stored object is not this file." : "Upload failed.");
      const resumable = config && localStorage.getItem(stateKey(file)) !== null;
      const hint = resumable ? " Choose the same file again to resume from the parts already sent." : "";
      setError(error instanceof UploadError ? error.message + hint : `Unexpected error: ${error}`);
    }
  } finally {
    if (currentRun === run) currentRun = null;
    elements.cancel.hidden = true;
    elements.button.disabled = chosenFile === null;
  }
}

function requireSignIn(required) {
  elements.signInForm.hidden = !required;
  elements.input.disabled = required;
  elements.button.disabled = required || chosenFile === null;
  elements.postFormFile.disabled = required;
  if (required) elements.postFormSubmit.disabled = true;
}

// Ask the API for a form whose policy fits the chosen file, and fill the form with its fields
// (hidden inputs, before the file input: S3 wants the file last).
async function prepareForm(file) {
  elements.postFormSubmit.disabled = true;
  elements.postFormFields.replaceChildren();
  elements.formStatus.textContent = "";
  if (!file) return;
  const here = new URL(window.location.href);
  const back = `${here.origin}${here.pathname}?${FORM_DONE_PARAM}=form`;
  try {
    const form = await callApi(await loadConfig(), "POST", "/uploads/form", {
      content_type: file.type || "application/octet-stream",
      filename: file.name,
      max_size: Math.max(file.size, 1),
      success_redirect: back,
    });
    for (const [name, value] of Object.entries(form.fields)) {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      elements.postFormFields.append(input);
    }
    elements.postForm.action = form.url;
    elements.postFormSubmit.disabled = false;
    elements.formStatus.textContent = `Ready to send ${file.name} as ${form.key}.`;
  } catch (error) {
    elements.formStatus.textContent = error.message;
  }
}

// Back from S3's redirect: show the key it stored.
function showFormResult() {
  const params = new URLSearchParams(window.location.search);
  if (!params.has(FORM_DONE_PARAM) || !params.get("key")) return;
  elements.formResultKey.textContent = params.get("key");
  elements.formResult.hidden = false;
}

elements.signInForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  elements.signInStatus.textContent = "Signing in…";
  try {
    idToken = await signIn((await loadConfig()).cognito, elements.email.value.trim(), elements.password.value);
    elements.password.value = "";
    elements.signInStatus.textContent = "";
    requireSignIn(false);
    setStatus(`Signed in as ${elements.email.value.trim()}.`);
  } catch (error) {
    elements.signInStatus.textContent = error.message;
  }
});

loadConfig().then((config) => requireSignIn(Boolean(config.cognito) && !idToken)).catch(() => {});
showFormResult();
elements.postFormFile.addEventListener("change", () => prepareForm(elements.postFormFile.files[0]));

elements.input.addEventListener("change", () => choose(elements.input.files[0]));
elements.form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (chosenFile) upload(chosenFile);
});
elements.cancel.addEventListener("click", async () => {
  if (!currentRun) return;
  elements.cancel.disabled = true;
  await cancelRun(currentRun);
  elements.cancel.disabled = false;
});
for (const name of ["dragenter", "dragover"]) {
  elements.dropZone.addEventListener(name, (event) => {
    event.preventDefault();
    elements.dropZone.classList.add("dragging");
  });
}
for (const name of ["dragleave", "drop"]) {
  elements.dropZone.addEventListener(name, () => elements.dropZone.classList.remove("dragging"));
}
elements.dropZone.addEventListener("drop", (event) => {
  event.preventDefault();
  if (event.dataTransfer.files.length > 0) choose(event.dataTransfer.files[0]);
});
