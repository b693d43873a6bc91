mock_provider "aws" {}

variables {
  name = "uploads"
}

run "secure_defaults" {
  command = plan

  assert {
    condition     = one(aws_cognito_user_pool.this.admin_create_user_config).allow_admin_create_user_only
    error_message = "No self-signup unless asked."
  }

  assert {
    condition = alltrue([
      one(aws_cognito_user_pool.this.password_policy).minimum_length >= 12,
      one(aws_cognito_user_pool.this.password_policy).require_symbols,
      one(aws_cognito_user_pool.this.password_policy).require_numbers,
      one(aws_cognito_user_pool.this.password_policy).require_uppercase,
      one(aws_cognito_user_pool.this.password_policy).require_lowercase,
    ])
    error_message = "The password policy is strong by default."
  }

  assert {
    condition     = !aws_cognito_user_pool_client.this.generate_secret && aws_cognito_user_pool_client.this.prevent_user_existence_errors == "ENABLED"
    error_message = "A public client keeps no secret and leaks no user existence."
  }

  assert {
    condition     = aws_cognito_user_pool_client.this.id_token_validity == 60 && aws_cognito_user_pool_client.this.refresh_token_validity == 30
    error_message = "Token validity follows the variables."
  }
}

run "self_signup_when_asked" {
  command = plan

  variables {
    allow_self_signup = true
  }

  assert {
    condition     = !one(aws_cognito_user_pool.this.admin_create_user_config).allow_admin_create_user_only
    error_message = "allow_self_signup opens sign-up."
  }
}

run "rejects_a_short_password_minimum" {
  command = plan

  variables {
    password_minimum_length = 6
  }

  expect_failures = [var.password_minimum_length]
}
