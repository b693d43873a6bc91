variable "region" {
  type        = string
  description = "AWS region whose API Gateway account setting to make (apply once per region you deploy to)."
  default     = "eu-west-1"
}

variable "role_name" {
  type        = string
  description = "Name of the IAM role API Gateway logs with. IAM is global: give each region's bootstrap its own name, or import the role into the second region's state."
  default     = "apigateway-cloudwatch-logs"
}
