terraform {
  # The S3 backend's native lock file (use_lockfile) needs 1.10; the tests need 1.11.
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.83, < 7.0"
    }
  }

  # A partial configuration: bucket, key and region come from backend.hcl (see
  # backend.hcl.example) or -backend-config flags, as the workflows pass them.
  backend "s3" {
    use_lockfile = true # a <key>.tflock object next to the state: no DynamoDB table
    encrypt      = true
  }
}
