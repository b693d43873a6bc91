"""presigned-uploads: the Lambda function that signs direct-to-S3 upload URLs.

Only this package goes into the deployment zip. Its entry point is
``upload_api.handler.lambda_handler``.
"""
