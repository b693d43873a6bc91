"""presigned-upload: the command-line client for presigned-uploads (never in the Lambda zip).

``presigned-upload upload FILE --api URL`` sends a file with one presigned PUT below the
multipart threshold, and in parallel parts above it, with retries and ``--resume``; every upload
binds the file's CRC64NVME, and the one S3 stored is compared with it.
"""

__version__ = "0.1.0"
