"""The deployed REST API read back from moto: resources, methods and their integrations.

What the gateway serves is what was applied, not a second copy of the routes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class MockIntegration:
    """A MOCK integration's answer: its status, response headers and body."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""


@dataclass(frozen=True)
class Method:
    """One method of a resource and where it goes."""

    http_method: str
    integration_type: str
    function_name: str | None = None
    mock: MockIntegration | None = None
    api_key_required: bool = False
    authorization: str = "NONE"
    user_pool_arns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resource:
    """A resource path template such as ``/uploads/{upload_id}`` with its methods."""

    path: str
    methods: dict[str, Method]

    def match(self, path: str) -> dict[str, str] | None:
        """The path parameters when ``path`` fits this template, else ``None``."""
        match = _template_regex(self.path).fullmatch(path)
        return None if match is None else {name.rstrip("+"): value for name, value in _groups(self.path, match)}


@dataclass(frozen=True)
class DeployedApi:
    """A REST API and one of its stages."""

    api_id: str
    stage: str
    resources: tuple[Resource, ...]
    # Gateway response type (DEFAULT_4XX, UNAUTHORIZED, ...) -> header -> mapping expression.
    gateway_responses: dict[str, dict[str, str]] = field(default_factory=dict)

    def gateway_response_headers(self, status: int, request_headers: Any) -> list[tuple[str, str]]:
        """The headers API Gateway adds to one of its own answers (an authorizer's 401, an unknown
        route's 403, a timeout's 504): the response type's own, else DEFAULT_4XX or DEFAULT_5XX.

        A value is a quoted literal (``'https://app.example.com'``) or a request header
        (``method.request.header.Origin``, left out when the request has none).
        """
        specific = self.gateway_responses.get(_RESPONSE_TYPES.get(status, ""))
        default = self.gateway_responses.get("DEFAULT_4XX" if status < 500 else "DEFAULT_5XX", {})
        headers = []
        for name, expression in (specific if specific is not None else default).items():
            if expression.startswith("'") and expression.endswith("'"):
                headers.append((name, expression[1:-1]))
            elif expression.startswith("method.request.header."):
                value = request_headers.get(expression.removeprefix("method.request.header."))
                if value is not None:
                    headers.append((name, value))
        return headers

    def find(self, path: str, http_method: str) -> tuple[Resource, Method, dict[str, str]] | None:
        """The resource and method serving ``http_method path`` as API Gateway picks them.

        Literal paths win over templates, and a method wins over ``ANY``.
        """
        for resource in sorted(self.resources, key=_specificity):
            parameters = resource.match(path)
            if parameters is None:
                continue
            method = resource.methods.get(http_method) or resource.methods.get("ANY")
            if method is not None:
                return resource, method, parameters
            return None
        return None


# The specific response type of each of the gateway's own answers (DEFAULT_* when unset).
_RESPONSE_TYPES = {401: "UNAUTHORIZED", 413: "REQUEST_TOO_LARGE", 502: "BAD_GATEWAY", 504: "INTEGRATION_TIMEOUT"}


def load_api(apigateway: Any, api_id: str, stage: str) -> DeployedApi:
    """Read ``api_id`` from an API Gateway (moto) client."""
    apigateway.get_stage(restApiId=api_id, stageName=stage)  # fails clearly if the stage is absent
    items = apigateway.get_resources(restApiId=api_id, embed=["methods"], limit=500)["items"]
    resources = []
    for item in items:
        methods = {}
        for http_method in item.get("resourceMethods") or {}:
            methods[http_method] = _method(apigateway, api_id, item["id"], http_method)
        if methods:
            resources.append(Resource(path=item["path"], methods=methods))
    responses = {
        item["responseType"]: {
            name.removeprefix("gatewayresponse.header."): value
            for name, value in (item.get("responseParameters") or {}).items()
            if name.startswith("gatewayresponse.header.")
        }
        for item in apigateway.get_gateway_responses(restApiId=api_id).get("items", [])
    }
    return DeployedApi(api_id=api_id, stage=stage, resources=tuple(resources), gateway_responses=responses)


def _method(apigateway: Any, api_id: str, resource_id: str, http_method: str) -> Method:
    described = apigateway.get_method(restApiId=api_id, resourceId=resource_id, httpMethod=http_method)
    integration = described.get("methodIntegration") or {}
    kind = integration.get("type", "")
    guards: dict[str, Any] = {
        "api_key_required": bool(described.get("apiKeyRequired")),
        "authorization": described.get("authorizationType") or "NONE",
    }
    if guards["authorization"] == "COGNITO_USER_POOLS":
        authorizer = apigateway.get_authorizer(restApiId=api_id, authorizerId=described["authorizerId"])
        guards["user_pool_arns"] = tuple(authorizer.get("providerARNs") or ())
    elif guards["authorization"] != "NONE":
        raise ValueError(
            f"{http_method} on {resource_id} uses {guards['authorization']}, which the gateway cannot check"
        )
    if kind == "AWS_PROXY":
        return Method(http_method, kind, function_name=_function_name(integration["uri"]), **guards)
    if kind == "MOCK":
        return Method(http_method, kind, mock=_mock(integration), **guards)
    raise ValueError(
        f"{http_method} on resource {resource_id} has a {kind or 'missing'} integration the gateway cannot run"
    )


def _mock(integration: dict[str, Any]) -> MockIntegration:
    responses: dict[str, dict[str, Any]] = integration.get("integrationResponses") or {}
    chosen: dict[str, Any] = responses.get("200") or next(iter(responses.values()), {"statusCode": "200"})
    headers = {
        name.removeprefix("method.response.header."): value.strip("'")
        for name, value in (chosen.get("responseParameters") or {}).items()
    }
    body = (chosen.get("responseTemplates") or {}).get("application/json", "")
    return MockIntegration(status=int(chosen.get("statusCode", 200)), headers=headers, body=body)


def _function_name(uri: str) -> str:
    # arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function arn>/invocations
    match = re.search(r"functions/(arn:[^/]+)/invocations", uri)
    if match is None:
        raise ValueError(f"not a Lambda proxy integration URI: {uri}")
    return match.group(1).split(":function:", 1)[1].split(":", 1)[0]


def _template_regex(template: str) -> re.Pattern[str]:
    pattern = ""
    for part in re.split(r"(\{[^}]+\})", template):
        if part.startswith("{") and part.endswith("+}"):
            pattern += r"([\s\S]+)"  # any character, a decoded %0A included
        elif part.startswith("{"):
            pattern += r"([^/]+)"
        else:
            pattern += re.escape(part)
    return re.compile(pattern)


def _groups(template: str, match: re.Match[str]) -> list[tuple[str, str]]:
    names = [name.strip("{}") for name in re.findall(r"\{[^}]+\}", template)]
    return list(zip(names, match.groups(), strict=True))


def _specificity(resource: Resource) -> tuple[int, int]:
    # Fewer template segments first, then longer literal text: /a/b beats /a/{x}.
    return resource.path.count("{"), -len(resource.path)
