# The local stack (make demo, make serve, make test) applies examples/complete, the configuration
# platform teams apply, with only these switches and values changed; endpoints and credentials
# are overridden at run time (devtools/terraform.py). The README's "Local switches" table gives
# the reason for each line; tests/unit/test_local_switches.py keeps the two in step.

# Values: under what name the throwaway stack lives (the region, us-east-1, is passed by the run).
name        = "presigned-uploads-local"
bucket_name = "presigned-uploads-local"

# The tests upload text, binary and video files as well as images and PDFs.
allowed_content_types = ["image/*", "text/plain", "application/pdf", "application/octet-stream", "video/mp4"]

# Switches: every feature on, so the whole API can be tried and tested.
enable_legacy_route = true
enable_downloads    = true
enable_form_uploads = true
enable_events       = true

# The Uppy 6 page drives S3 itself with signed requests (create, list, complete, abort).
allow_browser_s3_requests = true

# The uploader page's sign-in form sends the password (USER_PASSWORD_AUTH); the tests, the demo
# and e2e-aws sign in with SRP, as production apps do.
allow_password_auth = true
