"""A local API Gateway (REST) for the stack Terraform applied to moto.

It serves, over HTTP on loopback, the routes it reads back from moto, turns requests into proxy
events (payload format 1.0), and runs the deployed function from its zip in warm workers.
"""
