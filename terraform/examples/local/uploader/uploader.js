// The browser uploader: SHA-256 in the browser, POST /uploads, then PUT the bytes straight to S3.
// Plain JavaScript, no build step. The API URL comes from config.json next to this page.
"use strict";

const elements = {
  form: document.getElementById("upload-form"),
  input: document.getElementById("file-input"),
  dropZone: document.getElementById("drop-zone"),
  button: document.getElementById("upload-button"),
  progress: document.getElementById("progress"),
  progressText: document.getElementById("progress-text"),
  status: document.getElementById("status"),
  error: document.getElementById("error"),
  result: document.getElementById("result"),
  resultKey: document.getElementById("result-key"),
};

let chosenFile = null;

// Headers the browser sets itself and refuses to have set by script.
const BROWSER_MANAGED_HEADERS = new Set(["content-length", "host"]);

class UploadError extends Error {}

async function loadConfig() {
  const response = await fetch("config.json", { cache: "no-store" });
  if (!response.ok) throw new UploadError("This page has no config.json naming the API URL.");
  return response.json();
}

function formatBytes(bytes) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

function showProgress(sent, total) {
  const percent = total === 0 ? 100 : Math.floor((sent / total) * 100);
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

async function requestUpload(apiUrl, file, sha256) {
  let response;
  try {
    response = await fetch(`${apiUrl}/uploads`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        content_type: file.type || "application/octet-stream",
        size: file.size,
        sha256,
        filename: file.name,
      }),
    });
  } catch (cause) {
    throw new UploadError("Could not reach the upload API (network failure, or this page's origin is not allowed by CORS).");
  }
  const body = await response.json().catch(() => null);
  if (response.status !== 201) throw new UploadError(describeApiError(response.status, body));
  return body;
}

// XMLHttpRequest, not fetch: only it reports upload progress.
function putFile(upload, file) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(upload.method, upload.url);
    for (const [name, value] of Object.entries(upload.headers)) {
      if (!BROWSER_MANAGED_HEADERS.has(name.toLowerCase())) request.setRequestHeader(name, value);
    }
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) showProgress(event.loaded, event.total);
    });
    request.addEventListener("load", () => {
      if (request.status >= 200 && request.status < 300) {
        showProgress(file.size, file.size);
        resolve();
      } else if (request.status === 412) {
        reject(new UploadError("An object already exists at this key; nothing was overwritten."));
      } else {
        reject(new UploadError(`The bucket refused the upload (HTTP ${request.status}).`));
      }
    });
    request.addEventListener("error", () => {
      reject(new UploadError("The upload to the bucket failed (network failure, or the bucket's CORS does not allow this page)."));
    });
    request.send(file);
  });
}

async function upload(file) {
  elements.button.disabled = true;
  elements.result.hidden = true;
  setError("");
  try {
    const config = await loadConfig();
    setStatus("Computing the SHA-256…");
    const sha256 = await sha256Base64(file);
    setStatus("Asking the API for an upload URL…");
    const signed = await requestUpload(config.api_url, file, sha256);
    setStatus("Uploading…");
    await putFile(signed, file);
    setStatus("Upload complete.");
    elements.resultKey.textContent = signed.key;
    elements.result.hidden = false;
  } catch (error) {
    setStatus("Upload failed.");
    setError(error instanceof UploadError ? error.message : `Unexpected error: ${error}`);
  } finally {
    elements.button.disabled = chosenFile === null;
  }
}

elements.input.addEventListener("change", () => choose(elements.input.files[0]));
elements.form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (chosenFile) upload(chosenFile);
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
