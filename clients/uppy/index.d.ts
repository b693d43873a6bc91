// Declarations of @presigned-uploads/uppy (index.js). The API's own shapes come from the
// contract's generated types (@presigned-uploads/api-types, from api/openapi.yaml); Uppy's from
// @uppy/aws-s3 itself, so a change on either side fails the type check (npm run typecheck).

import type { components } from "@presigned-uploads/api-types";
import type { AwsS3Options } from "@uppy/aws-s3";
import type { Body, Meta } from "@uppy/core";

/** A `POST /signed-requests` body (the contract's `SignRequest`). */
export type SignRequestBody = components["schemas"]["SignRequest"];
/** A `POST /signed-requests` answer (the contract's `SignedS3Request`). */
export type SignedS3Request = components["schemas"]["SignedS3Request"];
/** The API's error body. */
export type ApiError = components["schemas"]["Error"];

type SigningOptions<M extends Meta, B extends Body> = Extract<AwsS3Options<M, B>, { signRequest: unknown }>;
/** Uppy's `signRequest`: one S3 request in, `{url, key?, headers?}` out. */
export type SignRequestFn = SigningOptions<Meta, Body>["signRequest"];
/** One S3 request Uppy asks to have signed. */
export type PresignableRequest = Parameters<SignRequestFn>[0];

export interface TokenContext {
  /** True after the API refused the last token (401): return a fresh one, or sign the person in again. */
  forceRefresh: boolean;
}

export interface PresignedUploadsOptions {
  /** The API's base URL with its stage, e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com/v1`. */
  apiUrl: string;
  /**
   * The sign-in token sent as `Authorization` (a Cognito ID token with `authorization = "cognito"`).
   * Called before each API call (cache it yourself); `null` or `""` sends none. After a 401 it is
   * called once more with `forceRefresh: true` and the call is repeated.
   */
  getToken?: ((context: TokenContext) => string | null | undefined | Promise<string | null | undefined>) | null;
  /** More headers for every API call (an API key: `{"x-api-key": key}`). */
  headers?: Record<string, string>;
  /** Files larger than this many bytes go up in parts (default 64 MiB); smaller ones in one PUT. */
  multipartThreshold?: number;
  /**
   * The part size (default 8 MiB, at least 5 MiB): raised to a whole MiB when a file would need more
   * than 10 000 parts. Uppy cuts the file with it and the API plans the upload with it.
   */
  partSize?: number;
  /** How many times an API call is repeated after no answer, 429, 502, 503 or 504 (default 3). */
  retries?: number;
  /** The fetch to call the API with (default: the global one). */
  fetch?: typeof globalThis.fetch;
}

/** What `presignedUploads()` returns: spread it into AwsS3's options (`limit` and the like may join it). */
export interface PresignedUploadsAwsS3Options<M extends Meta = Meta, B extends Body = Body> {
  signRequest: SignRequestFn;
  generateObjectKey: NonNullable<AwsS3Options<M, B>["generateObjectKey"]>;
  shouldUseMultipart: (file: { size: number | null }) => boolean;
  getChunkSize: NonNullable<AwsS3Options<M, B>["getChunkSize"]>;
}

/** Options for Uppy 6's AwsS3 plugin (`@uppy/aws-s3` 6.1 or newer) through the presigned-uploads API. */
export function presignedUploads<M extends Meta = Meta, B extends Body = Body>(
  options: PresignedUploadsOptions,
): PresignedUploadsAwsS3Options<M, B>;

/** The part size used for a file of `size` bytes (see `PresignedUploadsOptions.partSize`). */
export function partSizeFor(size: number, partSize?: number): number;

export const DEFAULT_MULTIPART_THRESHOLD: number;
export const DEFAULT_PART_SIZE: number;

/** An API refusal (`status`, `code` from the contract's `Error`) or an API that could not be reached. */
export class PresignedUploadsError extends Error {
  constructor(message: string, details?: { status?: number | null; code?: string | null });
  readonly name: "PresignedUploadsError";
  /** The API's HTTP status, or null when it could not be reached. */
  readonly status: number | null;
  /** The API's stable error code (`too_large`, `unsupported_content_type`, ...), when it gave one. */
  readonly code: ApiError["error"]["code"] | null;
}
