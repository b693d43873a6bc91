// The browser uploader. Small files: SHA-256 in the browser, POST /uploads, one PUT straight to
// S3. Large files: POST /uploads/multipart, parts PUT in parallel with retries, then complete;
// the upload id is kept in localStorage so choosing the same file again resumes it.
// Plain JavaScript, no build step. config.json next to this page names the API.
"use strict";

const elements = {
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
};

const DEFAULTS = {
  multipart_threshold: 8 * 1024 * 1024, // from this size on, parts
  part_size: 5 * 1024 * 1024,
  concurrency: 3, // parts in flight at once
  retries: 3, // per part, with exponential backoff
  backoff_ms: 250,
};
const SIGN_PAGE = 1000;
const STATE_PREFIX = "presigned-uploads:multipart:";
// Headers the browser sets itself and refuses to have set by script.
const BROWSER_MANAGED_HEADERS = new Set(["content-length", "host"]);

let chosenFile = null;
let cancelled = false;
const activeRequests = new Set();

class UploadError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}
class Cancelled extends Error {}

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
  try {
    response = await fetch(`${config.api_url}${path}`, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (cause) {
    throw new UploadError("Could not reach the upload API (network failure, or this page's origin is not allowed by CORS).");
  }
  if (response.status === 204) return null;
  const answer = await response.json().catch(() => null);
  if (!response.ok) throw new UploadError(describeApiError(response.status, answer), response.status);
  return answer;
}

// One PUT with upload progress (XMLHttpRequest: fetch reports none). Resolves with the ETag.
function put(url, headers, body, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    activeRequests.add(request);
    request.open("PUT", url);
    for (const [name, value] of Object.entries(headers)) {
      if (!BROWSER_MANAGED_HEADERS.has(name.toLowerCase())) request.setRequestHeader(name, value);
    }
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded);
    });
    const done = (outcome) => { activeRequests.delete(request); outcome(); };
    request.addEventListener("load", () => done(() => {
      if (request.status >= 200 && request.status < 300) {
        onProgress(body.size);
        resolve(request.getResponseHeader("ETag"));
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

async function singleUpload(config, file) {
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
  await put(signed.url, signed.headers, file, (loaded) => showProgress(loaded, file.size));
  return signed.key;
}

function stateKey(file) { return `${STATE_PREFIX}${file.name}:${file.size}:${file.lastModified}`; }

function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }

// An upload started earlier for this very file, and the parts S3 already holds; or nothing.
async function findResumable(config, file) {
  const saved = JSON.parse(localStorage.getItem(stateKey(file)) || "null");
  if (!saved) return null;
  try {
    const listed = await callApi(
      config, "GET",
      `/uploads/multipart/${encodeURIComponent(saved.upload_id)}/parts?key=${encodeURIComponent(saved.key)}`,
    );
    return { upload: saved, held: listed.parts };
  } catch (error) {
    if (error.status === 404) { localStorage.removeItem(stateKey(file)); return null; }
    throw error;
  }
}

async function multipartUpload(config, file) {
  const partLength = (number, partSize) => Math.min(partSize, file.size - (number - 1) * partSize);
  let upload;
  const etags = new Map();
  const resumable = await findResumable(config, file);
  if (resumable) {
    upload = resumable.upload;
    for (const part of resumable.held) {
      if (part.size === partLength(part.part_number, upload.part_size)) etags.set(part.part_number, part.etag);
    }
  } else {
    setStatus("Starting a multipart upload…");
    const created = await callApi(config, "POST", "/uploads/multipart", {
      content_type: file.type || "application/octet-stream",
      size: file.size,
      filename: file.name,
      part_size: config.part_size,
    });
    upload = { key: created.key, upload_id: created.upload_id, part_size: created.part_size };
    localStorage.setItem(stateKey(file), JSON.stringify(upload));
  }
  const partCount = Math.max(1, Math.ceil(file.size / upload.part_size));
  const loaded = new Map();
  for (const number of etags.keys()) loaded.set(number, partLength(number, upload.part_size));
  const report = () => showProgress([...loaded.values()].reduce((sum, bytes) => sum + bytes, 0), file.size);
  report();
  setStatus(resumable
    ? `Resuming: ${etags.size} of ${partCount} parts were already stored; sending the rest…`
    : `Uploading ${partCount} parts, ${config.concurrency} at a time…`);

  const remaining = [];
  for (let number = 1; number <= partCount; number += 1) if (!etags.has(number)) remaining.push(number);
  const encodedId = encodeURIComponent(upload.upload_id);

  async function sendPart(part) {
    const start = (part.part_number - 1) * upload.part_size;
    const blob = file.slice(start, start + partLength(part.part_number, upload.part_size));
    for (let attempt = 0; ; attempt += 1) {
      if (cancelled) throw new Cancelled("cancelled");
      try {
        const etag = await put(part.url, part.headers, blob, (bytes) => {
          loaded.set(part.part_number, bytes);
          report();
        });
        etags.set(part.part_number, etag);
        return;
      } catch (error) {
        loaded.set(part.part_number, 0);
        report();
        if (error instanceof Cancelled || attempt >= config.retries || error.status === 403) throw error;
        await sleep(config.backoff_ms * 2 ** attempt);
      }
    }
  }

  for (let offset = 0; offset < remaining.length; offset += SIGN_PAGE) {
    const page = await callApi(config, "POST", `/uploads/multipart/${encodedId}/parts`, {
      key: upload.key,
      part_numbers: remaining.slice(offset, offset + SIGN_PAGE),
    });
    const queue = [...page.parts];
    const worker = async () => { while (queue.length > 0) await sendPart(queue.shift()); };
    await Promise.all(Array.from({ length: Math.min(config.concurrency, queue.length) }, worker));
  }
  setStatus("Completing the upload…");
  const parts = [...etags.entries()].sort((a, b) => a[0] - b[0]).map(([number, etag]) => ({ part_number: number, etag }));
  const completed = await callApi(config, "POST", `/uploads/multipart/${encodedId}/complete`, { key: upload.key, parts });
  localStorage.removeItem(stateKey(file));
  return completed.key;
}

async function cancelUpload(config, file) {
  cancelled = true;
  for (const request of activeRequests) request.abort();
  const saved = JSON.parse(localStorage.getItem(stateKey(file)) || "null");
  if (saved) {
    await callApi(config, "DELETE",
      `/uploads/multipart/${encodeURIComponent(saved.upload_id)}?key=${encodeURIComponent(saved.key)}`).catch(() => {});
    localStorage.removeItem(stateKey(file));
  }
}

async function upload(file) {
  elements.button.disabled = true;
  elements.result.hidden = true;
  cancelled = false;
  setError("");
  let config;
  try {
    config = await loadConfig();
    const multipart = file.size >= config.multipart_threshold;
    elements.cancel.hidden = !multipart;
    const key = multipart ? await multipartUpload(config, file) : await singleUpload(config, file);
    showProgress(file.size, file.size);
    setStatus("Upload complete.");
    elements.resultKey.textContent = key;
    elements.result.hidden = false;
  } catch (error) {
    if (error instanceof Cancelled) {
      setStatus("Upload cancelled; the parts sent were deleted.");
      showProgress(0, file.size);
    } else {
      setStatus("Upload failed.");
      const resumable = config && localStorage.getItem(stateKey(file)) !== null;
      const hint = resumable ? " Choose the same file again to resume from the parts already sent." : "";
      setError(error instanceof UploadError ? error.message + hint : `Unexpected error: ${error}`);
    }
  } finally {
    elements.cancel.hidden = true;
    elements.button.disabled = chosenFile === null;
  }
}

elements.input.addEventListener("change", () => choose(elements.input.files[0]));
elements.form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (chosenFile) upload(chosenFile);
});
elements.cancel.addEventListener("click", async () => {
  if (!chosenFile) return;
  elements.cancel.disabled = true;
  await cancelUpload(await loadConfig(), chosenFile);
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
