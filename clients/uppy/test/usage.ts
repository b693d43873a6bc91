// Type-checked only (npm run typecheck): the adapter as a TypeScript page would use it.
import AwsS3 from "@uppy/aws-s3";
import Uppy from "@uppy/core";

import {
  type PresignableRequest,
  PresignedUploadsError,
  type SignedS3Request,
  type SignRequestBody,
  partSizeFor,
  presignedUploads,
} from "@presigned-uploads/uppy";

const uppy = new Uppy();
uppy.use(AwsS3, {
  ...presignedUploads({
    apiUrl: "https://abc123.execute-api.eu-west-1.amazonaws.com/v1",
    getToken: async ({ forceRefresh }) => (forceRefresh ? "fresh" : "cached"),
    headers: { "x-api-key": "key" },
    multipartThreshold: 64 * 1024 * 1024,
    partSize: 8 * 1024 * 1024,
  }),
  limit: 4,
});

uppy.on("upload-success", (file, response) => {
  // Uppy reports the key the API made (AwsBody's `key`).
  const key: string | undefined = response.body?.key;
  console.info(file?.name, key);
});
uppy.on("upload-error", (_file, error) => {
  if (error instanceof PresignedUploadsError) {
    const status: number | null = error.status;
    const code: "too_large" | "unsupported_content_type" | string | null = error.code;
    console.info(status, code);
  }
});

const body: SignRequestBody = { operation: "create_multipart_upload", content_type: "video/mp4", size: 1, part_size: null };
const answer: Pick<SignedS3Request, "method" | "url"> = { method: "POST", url: "https://bucket/key?uploads" };
const request: PresignableRequest = { method: "PUT", key: "k", uploadId: "u", partNumber: 1 };
const size: number = partSizeFor(10);
console.info(body, answer, request, size);

// @ts-expect-error apiUrl is required
presignedUploads({});
