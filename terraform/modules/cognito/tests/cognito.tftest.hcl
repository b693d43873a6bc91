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

run "hardened_by_default" {
  command = plan

  assert {
    condition     = aws_cognito_user_pool.this.deletion_protection == "ACTIVE"
    error_message = "The user pool is protected from deletion by default."
  }

  assert {
    condition     = aws_cognito_user_pool.this.user_pool_tier == "ESSENTIALS"
    error_message = "Without threat protection the pool is on Essentials, never left on Plus (billed per active user) after it is turned off."
  }

  assert {
    condition     = !contains(aws_cognito_user_pool_client.this.explicit_auth_flows, "ALLOW_USER_PASSWORD_AUTH") && contains(aws_cognito_user_pool_client.this.explicit_auth_flows, "ALLOW_USER_SRP_AUTH")
    error_message = "Plain password sign-in is off by default; SRP stays."
  }

  assert {
    condition     = aws_cognito_user_pool.this.mfa_configuration == "OFF" && length(aws_cognito_user_pool.this.software_token_mfa_configuration) == 0
    error_message = "MFA is opt-in."
  }

  assert {
    condition     = length(aws_cognito_user_pool.this.user_pool_add_ons) == 0
    error_message = "Threat protection (a paid plan) is opt-in."
  }
}

run "totp_mfa_threat_protection_and_password_sign_in_when_asked" {
  command = plan

  variables {
    mfa_configuration   = "ON"
    threat_protection   = "ENFORCED"
    allow_password_auth = true
    deletion_protection = false
  }

  assert {
    condition     = aws_cognito_user_pool.this.mfa_configuration == "ON" && one(aws_cognito_user_pool.this.software_token_mfa_configuration).enabled
    error_message = "mfa_configuration = ON requires TOTP."
  }

  assert {
    condition     = one(aws_cognito_user_pool.this.user_pool_add_ons).advanced_security_mode == "ENFORCED" && aws_cognito_user_pool.this.user_pool_tier == "PLUS"
    error_message = "threat_protection = ENFORCED turns on advanced security, on the Plus plan it needs."
  }

  assert {
    condition     = contains(aws_cognito_user_pool_client.this.explicit_auth_flows, "ALLOW_USER_PASSWORD_AUTH")
    error_message = "allow_password_auth adds USER_PASSWORD_AUTH."
  }

  assert {
    condition     = aws_cognito_user_pool.this.deletion_protection == "INACTIVE"
    error_message = "deletion_protection = false lets a throwaway pool be destroyed."
  }
}

run "rejects_an_unknown_mfa_configuration" {
  command = plan

  variables {
    mfa_configuration = "SMS"
  }

  expect_failures = [var.mfa_configuration]
}

run "rejects_an_unknown_threat_protection" {
  command = plan

  variables {
    threat_protection = "ON"
  }

  expect_failures = [var.threat_protection]
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
