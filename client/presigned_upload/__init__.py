"""presigned-upload: the command-line client for presigned-uploads (never in the Lambda zip).

``presigned-upload upload FILE --api URL`` sends a file with one presigned PUT below the
multipart threshold, and in parallel parts above it, with retries and ``--resume``.
"""

__version__ = "0.1.0"
