"""Lazada's wire in the sandbox: the envelope (HTTP 200, a string ``code``, a ``request_id``), refusals
with Lazada's codes, payloads in XML or JSON, the signature and access-token check (reference lazada.md
§2.4–2.5) and the rate-limit and server-error answers."""

from __future__ import annotations

import abc
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.etree import ElementTree

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from adapters.common import sandbox
from adapters.common.sandbox import MarketplaceSandbox, SandboxShop
from adapters.lazada import envelope
from adapters.lazada.client import ORDER_TIME_FORMAT, VIETNAM
from adapters.lazada.signing import sign

TIMESTAMP_WINDOW_S = 7200
TOKEN_PATHS = ("/auth/token/create", "/auth/token/refresh")
LIST_TAGS = ("Image", "Sku", "SkuId", "Url")


def request_id() -> str:
    return secrets.token_hex(12)


class LazadaRefusal(sandbox.Refusal):
    """Lazada's answer to a call it refuses: a string code, a message, maybe a per-field ``detail``."""

    def __init__(self, code: str, message: str, detail: list[dict[str, Any]] | None = None, kind: str = "ISV"):
        super().__init__(code, message)
        self.detail, self.kind = detail, kind

    def response(self) -> JSONResponse:
        body: dict[str, Any] = {"code": self.code, "type": self.kind, "message": self.message,
                                "request_id": request_id()}
        if self.detail:
            body["detail"] = self.detail
        return JSONResponse(body)


def xml_value(element: ElementTree.Element) -> Any:
    children = list(element)
    if not children:
        return (element.text or "").strip()
    value: dict[str, Any] = {}
    for child in children:
        if child.tag in LIST_TAGS:
            value.setdefault(child.tag, []).append(xml_value(child))
        else:
            value[child.tag] = xml_value(child)
    return value


def parse_request(raw: str | None, name: str = "payload") -> tuple[dict[str, Any], bool]:
    """The ``Request`` object of an XML or JSON payload, and whether it was JSON."""
    if raw is None:
        raise LazadaRefusal("1", f"E001: Parameter {name} is mandatory")
    if not raw.strip():
        raise LazadaRefusal("30", "E030: Empty Request")
    text = raw.strip()
    try:
        if text.startswith("{"):
            root = json.loads(text).get("Request")
            is_json = True
        else:
            element = ElementTree.fromstring(text)
            root = xml_value(element) if element.tag == "Request" else None
            is_json = False
    except (ValueError, ElementTree.ParseError, AttributeError):
        raise LazadaRefusal("5", "E005: Invalid Request Format") from None
    if not isinstance(root, dict):
        raise LazadaRefusal("5", "E005: Invalid Request Format")
    return root, is_json


def listed(value: Any, is_json: bool) -> list[Any]:
    """``Skus.Sku`` and ``Images.Image`` must be arrays in JSON (code 1001); XML gives lists already."""
    if value is None:
        return []
    if not isinstance(value, list):
        if is_json:
            raise LazadaRefusal("1001", "E1001: not in JSON format: Skus.Sku and Images.Image must be arrays")
        return [value]
    return value


def money(value: Any, field: str) -> int:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise LazadaRefusal("5", f"E005: {field} is not a number", [{"field": field, "message": "invalid number"}]) from None
    if amount == 0:
        raise LazadaRefusal("4118", "E4118: Price can not be 0", [{"field": field, "message": "price is 0"}])
    if amount != amount.to_integral_value() or amount < 0:
        raise LazadaRefusal("4104", f"E4104: {field} precision is invalid for VND", [{"field": field, "message": str(value)}])
    return int(amount)


def whole(value: Any, field: str) -> int:
    try:
        number = int(str(value))
    except ValueError:
        raise LazadaRefusal("5", f"E005: {field} is not a whole number", [{"field": field, "message": str(value)}]) from None
    if number < 0:
        raise LazadaRefusal("4152", f"E4152: {field} can not be negative", [{"field": field, "message": str(value)}])
    return number


def lazada_time(moment: datetime) -> str:
    return moment.astimezone(VIETNAM).strftime(ORDER_TIME_FORMAT)


def epoch_ms(moment: datetime) -> str:
    return str(int(moment.timestamp() * 1000))


def parse_time(value: str, code: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise LazadaRefusal(code, f"E0{code}: Invalid date format {value}") from None
    if moment.tzinfo is None:
        raise LazadaRefusal(code, f"E0{code}: Invalid date format {value}: no UTC offset")
    return moment


def json_list(raw: str | None, name: str, code: str) -> list[Any]:
    try:
        value = json.loads(raw or "")
    except ValueError:
        raise LazadaRefusal(code, f"E0{code}: {name} must be a JSON array") from None
    if not isinstance(value, list):
        raise LazadaRefusal(code, f"E0{code}: {name} must be a JSON array")
    return value


Handler = Callable[[dict[str, str], SandboxShop, dict[str, Any]], Awaitable[dict[str, Any]] | dict[str, Any]]


class LazadaWire(MarketplaceSandbox):
    """The checks and answers every Lazada call shares."""

    def rate_limited_response(self) -> Response:
        return LazadaRefusal(envelope.API_CALL_LIMIT,
                             "Api access frequency exceeds the limit. this ban will last 1 seconds.").response()

    def server_error_response(self) -> Response:
        return LazadaRefusal(envelope.INTERNAL_ERROR, "E006: Internal Error, please try again", kind="SYSTEM").response()

    def rate_limit_key(self, request: Request) -> str | None:
        if not request.url.path.startswith("/rest/"):
            return None
        query = request.query_params
        caller = query.get("app_key") or (request.client.host if request.client else "")
        return f"{caller}:{query.get('access_token', '')}"

    def app_key(self, request: Request) -> str | None:
        return request.query_params.get("app_key")

    @staticmethod
    async def read_params(request: Request) -> tuple[dict[str, str], dict[str, Any]]:
        params = dict(request.query_params)
        files: dict[str, Any] = {}
        if request.method == "POST":
            form = await request.form()
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    files[key] = await value.read()
                else:
                    params[key] = value
        return params, files

    def check_signature(self, path: str, params: dict[str, str]) -> SandboxShop | None:
        """§2.4, §2.5: the app key, a timestamp within 7200 s and the signature over every parameter."""
        for name in ("app_key", "timestamp", "sign_method"):
            if not params.get(name):
                raise LazadaRefusal(envelope.MISSING_PARAMETER, f"The input parameter {name} that is mandatory for "
                                                                "processing this request is not supplied")
        app_secret = self._app_secret(params["app_key"])
        if app_secret is None:
            raise LazadaRefusal(envelope.APP_KEY_INVALID, "The specified app key is invalid")
        if "sign" not in params:
            raise LazadaRefusal(envelope.INCOMPLETE_SIGNATURE, "The request signature is missing")
        if params["sign_method"] != "sha256" or params["sign"] != sign(app_secret, path, params):
            raise LazadaRefusal(envelope.INCOMPLETE_SIGNATURE, "The request signature does not conform to platform standards")
        if abs(time.time() - self.timestamp_s(params["timestamp"])) > TIMESTAMP_WINDOW_S:
            # the code for a stale timestamp is not documented [?]; a signature refusal is the closest
            raise LazadaRefusal(envelope.INCOMPLETE_SIGNATURE, "The timestamp is more than 7200 s away from UTC now")
        return self._calling_shop(params)

    @abc.abstractmethod
    def _app_secret(self, app_key: str) -> str | None:
        """The app's secret; ``None`` for an app key Lazada does not know (auth.py)."""

    def _calling_shop(self, params: dict[str, str]) -> SandboxShop | None:
        """The seller a signed call is for: the access token's, else the code's, else the app's first shop
        (an app may hold many sellers; the token names one)."""
        owners = (self.state.check_access_token(params.get("access_token"))[0],
                  self.state.auth_codes.get(params.get("code", "")))
        mine = [shop for shop in self.state.shops.values() if shop.app_key == params["app_key"]]
        return next((shop for owner in owners for shop in mine if shop.shop_id == owner), mine[0] if mine else None)

    @staticmethod
    def timestamp_s(value: str) -> float:
        if value.isdigit():
            return int(value) / 1000
        try:
            return datetime.fromisoformat(value).timestamp()
        except ValueError:
            raise LazadaRefusal(envelope.INCOMPLETE_SIGNATURE, f"Invalid timestamp {value}") from None

    def check_access_token(self, params: dict[str, str], shop: SandboxShop | None) -> SandboxShop:
        shop_id, _ = self.state.check_access_token(params.get("access_token"))
        if shop is None or shop_id != shop.shop_id:
            raise LazadaRefusal(envelope.ILLEGAL_ACCESS_TOKEN, "The specified access token is invalid or expired")
        return shop
