// The Uppy 6 uploader page of the local stack: Dashboard, AwsS3 through @presigned-uploads/uppy
// (POST /signed-requests), Golden Retriever. The sign-in token stays in memory: after a reload
// the person signs in again, and Golden Retriever's restored uploads wait for it.
// Nothing here logs a URL, a signature or a token.

import { presignedUploads } from "@presigned-uploads/uppy";
import { AwsS3, Dashboard, GoldenRetriever, Uppy } from "uppy";

import { signIn } from "../cognito-sign-in.js";

const MiB = 1024 * 1024;
// Small parts and a low threshold, so that the page shows multipart uploads with files of a few
// MiB (the adapter's defaults are 64 MiB and 8 MiB).
const MULTIPART_THRESHOLD = 8 * MiB;
const PART_SIZE = 5 * MiB;

const elements = {
  signInForm: document.getElementById("sign-in-form"),
  email: document.getElementById("email"),
  password: document.getElementById("password"),
  signInStatus: document.getElementById("sign-in-status"),
  status: document.getElementById("status"),
  error: document.getElementById("error"),
  stored: document.getElementById("stored"),
};

// The local stack writes config.json next to the first uploader page: the API and Cognito's API.
const config = await fetch("../config.json").then((response) => response.json());

// The ID token, once signed in; the promise restored or new uploads wait on until then.
let idToken = null;
let signedIn = waiting();

function waiting() {
  let resolve;
  const promise = new Promise((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

function askToSignIn(message = "") {
  elements.signInForm.hidden = false;
  elements.signInStatus.textContent = message;
}

async function getToken({ forceRefresh }) {
  if (!config.cognito) return null; // authorization = "none"
  if (forceRefresh) {
    idToken = null;
    signedIn = waiting();
    askToSignIn("Your session has ended: sign in again to continue.");
  }
  if (idToken) return idToken;
  askToSignIn();
  return signedIn.promise;
}

elements.signInForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  elements.signInStatus.textContent = "Signing in…";
  try {
    idToken = await signIn(config.cognito, elements.email.value.trim(), elements.password.value);
    elements.password.value = "";
    elements.signInStatus.textContent = "";
    elements.signInForm.hidden = true;
    elements.status.textContent = `Signed in as ${elements.email.value.trim()}.`;
    signedIn.resolve(idToken);
  } catch (error) {
    elements.signInStatus.textContent = error.message;
  }
});

const uppy = new Uppy({ autoProceed: false })
  .use(Dashboard, {
    inline: true,
    target: "#uppy-dashboard",
    height: 420,
    showProgressDetails: true,
    proudlyDisplayPoweredByUppy: false,
  })
  .use(AwsS3, {
    ...presignedUploads({
      apiUrl: config.api_url,
      getToken,
      multipartThreshold: MULTIPART_THRESHOLD,
      partSize: PART_SIZE,
    }),
    limit: 3,
  })
  .use(GoldenRetriever);

uppy.on("restored", () => {
  const count = uppy.getFiles().length;
  if (count > 0) {
    elements.status.textContent = `Restored ${count} file(s) from before the reload: press Upload to resume.`;
  }
});
uppy.on("upload", () => {
  elements.error.textContent = "";
  elements.status.textContent = "Uploading…";
});
uppy.on("upload-success", (file, response) => {
  // The key the API made (Uppy reports the one signRequest returned): where S3 holds the file.
  const item = document.createElement("li");
  const name = document.createElement("span");
  name.className = "name";
  name.textContent = `${file.name} → `;
  const key = document.createElement("code");
  key.className = "key";
  key.dataset.name = file.name;
  key.textContent = response.body?.key ?? "";
  item.append(name, key);
  elements.stored.append(item);
});
uppy.on("upload-error", (file, error) => {
  // The adapter's messages are the API's refusals in words; S3's say its status and code.
  elements.error.textContent = `${file?.name ?? "A file"} was not uploaded: ${error.message}`;
});
uppy.on("complete", ({ successful = [], failed = [] }) => {
  elements.status.textContent = `${successful.length} stored, ${failed.length} failed.`;
});

if (config.cognito) askToSignIn();
