// The Uppy 6 plugins the page uses, from node_modules at the versions package-lock.json pins.
// A few of Uppy's dependencies are CommonJS (lodash, classnames, mime-match, namespace-emitter),
// which a browser cannot import, and the prebuilt `uppy` bundle on npm is older (6.0.1, with
// @uppy/aws-s3 6.1.0): so esbuild bundles these into build/uppy-page/uppy.js and uppy.css
// (`npm run build:uppy-page`). The page and the adapter are served as they are, with no build.
import "@uppy/core/css/style.min.css";
import "@uppy/dashboard/css/style.min.css";

export { default as AwsS3 } from "@uppy/aws-s3";
export { default as Uppy } from "@uppy/core";
export { default as Dashboard } from "@uppy/dashboard";
export { default as GoldenRetriever } from "@uppy/golden-retriever";
