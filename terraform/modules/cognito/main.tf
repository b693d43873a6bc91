resource "aws_cognito_user_pool" "this" {
  name                     = var.name
  username_attributes      = ["email"]
  auto_verified_attributes = ["email"]
  deletion_protection      = var.deletion_protection ? "ACTIVE" : "INACTIVE"
  mfa_configuration        = var.mfa_configuration
  # Threat protection needs the Plus feature plan; without it the pool is set back to Essentials
  # (Cognito's default), never left on Plus, which bills per active user, after it is turned off.
  user_pool_tier = var.threat_protection == "OFF" ? "ESSENTIALS" : "PLUS"
  tags           = var.tags

  # TOTP from an authenticator app, the only second factor offered (SMS needs an SNS role and
  # is phishable); with OFF no MFA configuration is sent at all.
  dynamic "software_token_mfa_configuration" {
    for_each = var.mfa_configuration == "OFF" ? [] : [1]

    content {
      enabled = true
    }
  }

  dynamic "user_pool_add_ons" {
    for_each = var.threat_protection == "OFF" ? [] : [var.threat_protection]

    content {
      advanced_security_mode = user_pool_add_ons.value
    }
  }

  admin_create_user_config {
    allow_admin_create_user_only = !var.allow_self_signup
  }

  password_policy {
    minimum_length                   = var.password_minimum_length
    require_lowercase                = true
    require_uppercase                = true
    require_numbers                  = true
    require_symbols                  = true
    temporary_password_validity_days = 3
  }

  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
  }
}

# A public client for single-page apps and CLIs: no secret (it could not be kept), SRP sign-in
# (the password never leaves the client), plain password sign-in only when asked, refresh tokens,
# and no user-existence leaks on failed sign-in.
resource "aws_cognito_user_pool_client" "this" {
  name                          = var.name
  user_pool_id                  = aws_cognito_user_pool.this.id
  generate_secret               = false
  prevent_user_existence_errors = "ENABLED"
  explicit_auth_flows = concat(
    ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    var.allow_password_auth ? ["ALLOW_USER_PASSWORD_AUTH"] : [],
  )
  id_token_validity      = var.id_token_validity_minutes
  access_token_validity  = var.id_token_validity_minutes
  refresh_token_validity = var.refresh_token_validity_days

  token_validity_units {
    id_token      = "minutes"
    access_token  = "minutes"
    refresh_token = "days"
  }
}
